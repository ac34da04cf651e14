"""Failed sign-ins per (user name, address), kept in the auth database so a restart forgets nothing."""

from __future__ import annotations

import aiosqlite

from services.auth.rules import FAILURE_WINDOW_SECONDS, retry_after


async def blocked_for(db: aiosqlite.Connection, username: str, ip: str, now: float) -> int | None:
    """Seconds the bucket stays closed, or None when another attempt may be checked."""
    async with db.execute(
        "SELECT failed_at FROM login_failures WHERE username = ? AND ip = ? AND failed_at > ?",
        (username, ip, now - FAILURE_WINDOW_SECONDS),
    ) as cur:
        times = [r[0] for r in await cur.fetchall()]
    return retry_after(times, now)


async def record_failure(db: aiosqlite.Connection, username: str, ip: str, now: float) -> None:
    await db.execute("DELETE FROM login_failures WHERE failed_at <= ?", (now - FAILURE_WINDOW_SECONDS,))
    await db.execute("INSERT INTO login_failures (username, ip, failed_at) VALUES (?, ?, ?)", (username, ip, now))
    await db.commit()


async def clear(db: aiosqlite.Connection, username: str, ip: str) -> None:
    await db.execute("DELETE FROM login_failures WHERE username = ? AND ip = ?", (username, ip))
    await db.commit()
