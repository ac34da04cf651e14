"""The archive list of each repository, kept in the executor's database.

Filled from ``borg list --json`` on demand, and kept current without borg by the jobs that change
archives: a backup adds its archive with its statistics, delete/prune remove, rename renames."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from libs.contracts.archives import Archive, IndexState
from libs.contracts.base import utc_now
from services.executor.borg.create import CreateResult
from services.executor.borg.list import ArchiveDetail

_COLUMNS = (
    "name, archive_id, start, end_time, duration_seconds, original_size, compressed_size, deduplicated_size,"
    " files, hostname, username, comment"
)


def _duration(start: str, end: str) -> float | None:
    try:
        return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 3)
    except ValueError:
        return None


def index_state(job_status: str | None, job_id: str | None, indexed: tuple[str, int] | None, live_entries: int) -> IndexState:
    """What the UI shows for one archive's index (pure). A ready index wins over any job record."""
    if indexed is not None and indexed[0] == "ready":
        return IndexState(state="ready", entries=indexed[1], job_id=job_id)
    if job_status == "queued":
        return IndexState(state="queued", job_id=job_id)
    if job_status == "running":
        return IndexState(state="building", entries=live_entries, job_id=job_id)
    if job_status in ("failed", "cancelled", "interrupted") or (indexed is not None and indexed[0] == "failed"):
        return IndexState(state="failed", job_id=job_id)
    return IndexState(state="none", job_id=None)


class ArchiveCatalog:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def known(self, repository_id: str) -> bool:
        async with self.db.execute("SELECT 1 FROM archive_lists WHERE repository_id = ?", (repository_id,)) as cur:
            return await cur.fetchone() is not None

    async def replace(self, repository_id: str, listed: list[ArchiveDetail]) -> list[str]:
        """Make the list equal to what borg listed, keeping what we knew of archives still there;
        returns the names that are gone."""
        async with self.db.execute("SELECT name FROM archives WHERE repository_id = ?", (repository_id,)) as cur:
            before = {row[0] for row in await cur.fetchall()}
        now = {a.name for a in listed}
        gone = sorted(before - now)
        await self.db.executemany("DELETE FROM archives WHERE repository_id = ? AND name = ?", [(repository_id, n) for n in gone])
        await self.db.executemany(
            f"INSERT INTO archives (repository_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?, ?)"
            " ON CONFLICT (repository_id, name) DO UPDATE SET archive_id = excluded.archive_id, start = excluded.start,"
            " end_time = excluded.end_time, duration_seconds = COALESCE(archives.duration_seconds, excluded.duration_seconds),"
            " hostname = excluded.hostname, username = excluded.username, comment = excluded.comment",
            [
                (repository_id, a.name, a.id, a.start, a.end or None, _duration(a.start, a.end), a.hostname, a.username, a.comment)
                for a in listed
            ],
        )
        await self.db.execute(
            "INSERT OR REPLACE INTO archive_lists (repository_id, refreshed_at) VALUES (?, ?)", (repository_id, utc_now())
        )
        await self.db.commit()
        return gone

    async def add_created(self, repository_id: str, created: CreateResult, hostname: str, username: str) -> None:
        stats = created.stats
        await self.db.execute(
            f"INSERT OR REPLACE INTO archives (repository_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                repository_id,
                created.archive_name,
                created.archive_id,
                created.start,
                created.end,
                round(created.duration, 3),
                stats.original_size,
                stats.compressed_size,
                stats.deduplicated_size,
                stats.nfiles,
                hostname,
                username,
                "",
            ),
        )
        await self.db.commit()

    async def remove(self, repository_id: str, names: list[str]) -> None:
        await self.db.executemany("DELETE FROM archives WHERE repository_id = ? AND name = ?", [(repository_id, n) for n in names])
        await self.db.commit()

    async def rename(self, repository_id: str, old: str, new: str) -> None:
        await self.db.execute("UPDATE archives SET name = ? WHERE repository_id = ? AND name = ?", (new, repository_id, old))
        await self.db.commit()

    async def forget_repository(self, repository_id: str) -> None:
        await self.db.execute("DELETE FROM archives WHERE repository_id = ?", (repository_id,))
        await self.db.execute("DELETE FROM archive_lists WHERE repository_id = ?", (repository_id,))
        await self.db.commit()

    async def set_index_job(self, repository_id: str, name: str, job_id: str) -> None:
        await self.db.execute(
            "UPDATE archives SET index_job_id = ? WHERE repository_id = ? AND name = ?", (job_id, repository_id, name)
        )
        await self.db.commit()

    async def find(self, repository_id: str, name: str) -> aiosqlite.Row | None:
        async with self.db.execute(
            "SELECT a.*, a.rowid AS seq, j.status AS job_status FROM archives a LEFT JOIN jobs j ON j.id = a.index_job_id"
            " WHERE a.repository_id = ? AND a.name = ?",
            (repository_id, name),
        ) as cur:
            return await cur.fetchone()

    async def names(self, repository_id: str) -> list[str]:
        """Archive names, newest first (the order of ``listing``)."""
        async with self.db.execute(
            "SELECT name FROM archives WHERE repository_id = ? ORDER BY start DESC, rowid DESC", (repository_id,)
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def newest(self, repository_id: str) -> str | None:
        async with self.db.execute(
            "SELECT name FROM archives WHERE repository_id = ? ORDER BY start DESC, rowid DESC LIMIT 1", (repository_id,)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def listing(
        self, repository_id: str, indexed: dict[str, tuple[str, int]], live_entries: dict[str, int]
    ) -> list[Archive]:
        async with self.db.execute(
            "SELECT a.*, j.status AS job_status FROM archives a LEFT JOIN jobs j ON j.id = a.index_job_id"
            " WHERE a.repository_id = ? ORDER BY a.start DESC, a.rowid DESC",
            (repository_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [
            Archive(
                name=row["name"],
                id=row["archive_id"],
                start=row["start"],
                end=row["end_time"],
                duration_seconds=row["duration_seconds"],
                original_size=row["original_size"],
                compressed_size=row["compressed_size"],
                deduplicated_size=row["deduplicated_size"],
                files=row["files"],
                hostname=row["hostname"],
                username=row["username"],
                comment=row["comment"],
                index=index_state(
                    row["job_status"], row["index_job_id"], indexed.get(row["name"]), live_entries.get(row["index_job_id"] or "", 0)
                ),
            )
            for row in rows
        ]
