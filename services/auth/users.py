"""User rows and per-user session versions in the auth database."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from libs.contracts.auth import User

_COLUMNS = "username, password_hash, role, disabled, must_change_password, auth_source, created_at, last_login_at"


@dataclass(frozen=True)
class UserRow:
    username: str
    password_hash: str | None
    role: str
    disabled: bool
    must_change_password: bool
    auth_source: str
    created_at: str
    last_login_at: str | None

    def public(self) -> User:
        return User(
            username=self.username,
            role=self.role,  # type: ignore[arg-type]
            disabled=self.disabled,
            must_change_password=self.must_change_password,
            auth_source=self.auth_source,  # type: ignore[arg-type]
            created_at=self.created_at,
            last_login_at=self.last_login_at,
        )


def _row(row: aiosqlite.Row) -> UserRow:
    return UserRow(
        row["username"],
        row["password_hash"],
        row["role"],
        bool(row["disabled"]),
        bool(row["must_change_password"]),
        row["auth_source"],
        row["created_at"],
        row["last_login_at"],
    )


async def count(db: aiosqlite.Connection) -> int:
    async with db.execute("SELECT count(*) FROM users") as cur:
        return int((await cur.fetchone())[0])


async def get(db: aiosqlite.Connection, username: str) -> UserRow | None:
    async with db.execute(f"SELECT {_COLUMNS} FROM users WHERE username = ?", (username,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def all_users(db: aiosqlite.Connection) -> list[UserRow]:
    async with db.execute(f"SELECT {_COLUMNS} FROM users ORDER BY username") as cur:
        return [_row(r) for r in await cur.fetchall()]


async def insert(
    db: aiosqlite.Connection,
    *,
    username: str,
    password_hash: str | None,
    role: str,
    must_change_password: bool,
    auth_source: str,
    created_at: str,
    last_login_at: str | None = None,
) -> None:
    await db.execute(
        f"INSERT INTO users ({_COLUMNS}) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
        (username, password_hash, role, int(must_change_password), auth_source, created_at, last_login_at),
    )
    await db.commit()


async def update(db: aiosqlite.Connection, username: str, **fields: object) -> None:
    """Set the given columns; booleans are stored as 0/1."""
    names = list(fields)
    values = [int(v) if isinstance(v, bool) else v for v in fields.values()]
    await db.execute(f"UPDATE users SET {', '.join(f'{n} = ?' for n in names)} WHERE username = ?", (*values, username))
    await db.commit()


async def delete(db: aiosqlite.Connection, username: str) -> None:
    await db.execute("DELETE FROM users WHERE username = ?", (username,))
    await db.commit()


async def enabled_admins_besides(db: aiosqlite.Connection, username: str) -> int:
    async with db.execute(
        "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND username != ?", (username,)
    ) as cur:
        return int((await cur.fetchone())[0])


async def session_version(db: aiosqlite.Connection, username: str) -> int:
    async with db.execute("SELECT version FROM session_versions WHERE username = ?", (username,)) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def bump_session_version(db: aiosqlite.Connection, username: str) -> int:
    """End every token issued so far: tokens carry the version they were issued under."""
    async with db.execute(
        "INSERT INTO session_versions (username, version) VALUES (?, 1) "
        "ON CONFLICT (username) DO UPDATE SET version = version + 1 RETURNING version",
        (username,),
    ) as cur:
        row = await cur.fetchone()
    await db.commit()
    return int(row[0])


async def session_versions(db: aiosqlite.Connection) -> dict[str, int]:
    async with db.execute("SELECT username, version FROM session_versions") as cur:
        return {r[0]: int(r[1]) for r in await cur.fetchall()}
