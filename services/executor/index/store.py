"""The index databases of all repositories: one file each, opened when first needed."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite

from libs.store import open_store
from services.executor.index.schema import INDEX_MIGRATIONS

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class IndexStore:
    """Readers share one connection per repository; a build writes through its own connection, so
    browsing never waits behind it and never sees a half-built archive (WAL)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._readers: dict[str, aiosqlite.Connection] = {}
        self._lock = asyncio.Lock()

    def path(self, repository_id: str) -> Path:
        if not _SAFE_ID.match(repository_id):
            raise ValueError(f"not a repository id: {repository_id!r}")
        return self.folder / f"{repository_id}.db"

    async def reader(self, repository_id: str) -> aiosqlite.Connection:
        conn = self._readers.get(repository_id)
        if conn is None:
            async with self._lock:
                conn = self._readers.get(repository_id)
                if conn is None:
                    conn = self._readers[repository_id] = await open_store(self.path(repository_id), INDEX_MIGRATIONS)
        return conn

    @contextlib.asynccontextmanager
    async def writer(self, repository_id: str) -> AsyncIterator[aiosqlite.Connection]:
        await self.reader(repository_id)  # the schema is in place before a second connection opens
        conn = await open_store(self.path(repository_id), INDEX_MIGRATIONS)
        try:
            yield conn
        finally:
            # A build is one big transaction: give the write-ahead log's space back once it is in.
            with contextlib.suppress(Exception):
                await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            await conn.close()

    async def states(self, repository_id: str) -> dict[str, tuple[str, int]]:
        """Archive name → (state, entries) of every archive the index knows."""
        if not self.path(repository_id).exists():
            return {}
        db = await self.reader(repository_id)
        async with db.execute("SELECT name, state, entries FROM archives") as cur:
            return {row[0]: (row[1], row[2]) for row in await cur.fetchall()}

    async def remove_archives(self, repository_id: str, names: list[str]) -> None:
        if not names or not self.path(repository_id).exists():
            return
        async with self.writer(repository_id) as db:
            await db.executemany("DELETE FROM archives WHERE name = ?", [(n,) for n in names])
            await db.commit()

    async def rename_archive(self, repository_id: str, old: str, new: str) -> None:
        if not self.path(repository_id).exists():
            return
        async with self.writer(repository_id) as db:
            await db.execute("DELETE FROM archives WHERE name = ?", (new,))
            await db.execute("UPDATE archives SET name = ? WHERE name = ?", (new, old))
            await db.commit()

    async def drop(self, repository_id: str) -> None:
        """Forget a removed repository's index entirely."""
        conn = self._readers.pop(repository_id, None)
        if conn is not None:
            await conn.close()
        path = self.path(repository_id)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(path) + suffix).unlink()

    async def close(self) -> None:
        for conn in self._readers.values():
            await conn.close()
        self._readers.clear()
