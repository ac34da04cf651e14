"""Personal API tokens: random, shown once, stored as a SHA-256 hash beside a visible prefix."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from libs.contracts.auth import ApiToken
from libs.contracts.base import iso

# Lets the gateway tell an API token from a JWT without trying to parse it, and lets secret
# scanners recognise a leaked one.
TOKEN_MARK = "bwu_"
_PREFIX_LENGTH = len(TOKEN_MARK) + 8


def new_token() -> tuple[str, str, str]:
    """(token, its visible prefix, its hash)."""
    token = TOKEN_MARK + secrets.token_urlsafe(32)
    return token, token[:_PREFIX_LENGTH], token_hash(token)


def token_hash(token: str) -> str:
    # A plain hash is enough: the token has 256 random bits, nothing to guess a dictionary from.
    return hashlib.sha256(token.encode()).hexdigest()


def expiry(created: datetime, days: int | None) -> str | None:
    return None if days is None else iso(created + timedelta(days=days))


def is_expired(expires_at: str | None, now: datetime) -> bool:
    return expires_at is not None and datetime.fromisoformat(expires_at.replace("Z", "+00:00")) <= now


@dataclass(frozen=True)
class TokenOwner:
    token_id: str
    username: str
    expires_at: str | None


_LIST_COLUMNS = "id, name, prefix, created_at, expires_at, last_used_at"


def _public(row: aiosqlite.Row) -> ApiToken:
    return ApiToken(
        id=row["id"],
        name=row["name"],
        prefix=row["prefix"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        last_used_at=row["last_used_at"],
    )


async def insert(
    db: aiosqlite.Connection, *, token_id: str, username: str, name: str, prefix: str, hashed: str, created_at: str, expires_at: str | None
) -> None:
    await db.execute(
        "INSERT INTO api_tokens (id, username, name, prefix, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (token_id, username, name, prefix, hashed, created_at, expires_at),
    )
    await db.commit()


async def of_user(db: aiosqlite.Connection, username: str) -> list[ApiToken]:
    async with db.execute(
        f"SELECT {_LIST_COLUMNS} FROM api_tokens WHERE username = ? ORDER BY created_at", (username,)
    ) as cur:
        return [_public(r) for r in await cur.fetchall()]


async def delete(db: aiosqlite.Connection, username: str, token_id: str) -> bool:
    cur = await db.execute("DELETE FROM api_tokens WHERE id = ? AND username = ?", (token_id, username))
    await db.commit()
    return cur.rowcount > 0


async def owner_of(db: aiosqlite.Connection, hashed: str) -> TokenOwner | None:
    async with db.execute("SELECT id, username, expires_at FROM api_tokens WHERE token_hash = ?", (hashed,)) as cur:
        row = await cur.fetchone()
    return TokenOwner(row[0], row[1], row[2]) if row else None


async def mark_used(db: aiosqlite.Connection, token_id: str, when: str) -> None:
    await db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (when, token_id))
    await db.commit()
