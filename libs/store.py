"""A service's own SQLite database: WAL, foreign keys, numbered migrations applied at start."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import aiosqlite


async def open_store(path: Path, migrations: Sequence[str]) -> aiosqlite.Connection:
    """Open (creating) the database at ``path`` and apply the migrations it has not seen.

    ``migrations[i]`` moves the schema from version ``i`` to ``i + 1``; the version lives in
    ``PRAGMA user_version`` and each step commits together with its version bump.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA synchronous=NORMAL")
    await conn.execute("PRAGMA busy_timeout=5000")
    await migrate(conn, migrations)
    return conn


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def migrate(conn: aiosqlite.Connection, migrations: Sequence[str]) -> None:
    current = await schema_version(conn)
    if current > len(migrations):
        raise RuntimeError(
            f"database schema version {current} is newer than this program knows ({len(migrations)}); "
            "upgrade the program or restore a matching backup"
        )
    for version in range(current, len(migrations)):
        script = migrations[version]
        try:
            await conn.executescript(f"BEGIN;\n{script}\n;PRAGMA user_version={version + 1};\nCOMMIT;")
        except Exception:
            await conn.rollback()
            raise
