"""Build one archive's index from a stream of ``borg list --json-lines`` lines."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import AsyncIterator, Callable

import aiosqlite

from libs.contracts.base import utc_now
from services.executor.index.entry import Row, decode_lines, split_path, to_row
from services.executor.index.totals import FolderTotals

BATCH = 5000
_INSERT_ENTRY = (
    "INSERT OR REPLACE INTO entries (archive_id, folder_id, name, type, size, mode, user, grp, mtime, target, hardlink)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class BuildProgress:
    archive: str
    entries: int
    seconds: float


class _Folders:
    """Folder path → id, adding new paths in batches with ids chosen here to save a query each."""

    def __init__(self, known: dict[str, int], next_id: int) -> None:
        self.ids = known
        self.next_id = next_id
        self.pending: list[tuple[int, str]] = []

    def id_of(self, path: str) -> int:
        folder_id = self.ids.get(path)
        if folder_id is None:
            folder_id = self.ids[path] = self.next_id
            self.next_id += 1
            self.pending.append((folder_id, path))
        return folder_id

    async def flush(self, db: aiosqlite.Connection) -> None:
        if self.pending:
            await db.executemany("INSERT INTO folders (id, path) VALUES (?, ?)", self.pending)
            self.pending = []


async def _load_folders(db: aiosqlite.Connection) -> _Folders:
    async with db.execute("SELECT id, path FROM folders") as cur:
        known = {path: folder_id for folder_id, path in await cur.fetchall()}
    return _Folders(known, max(known.values(), default=0) + 1)


async def build_index(
    db: aiosqlite.Connection,
    archive: str,
    archive_time: str,
    lines: AsyncIterator[bytes],
    on_progress: Callable[[BuildProgress], None] | None = None,
) -> int:
    """Index ``archive`` from ``lines``, replacing an earlier index of it; returns the entry count.

    Everything is written in one transaction, so a build that dies leaves the previous state
    (and a reader never sees half an archive)."""
    started = time.monotonic()
    await db.execute("BEGIN")
    try:
        await db.execute("DELETE FROM archives WHERE name = ?", (archive,))
        cur = await db.execute(
            "INSERT INTO archives (name, archive_time, state, started_at) VALUES (?, ?, 'building', ?)",
            (archive, archive_time, utc_now()),
        )
        archive_id = cur.lastrowid
        folders = await _load_folders(db)
        totals = FolderTotals()
        listed_folders: set[str] = set()
        hardlinks: list[Row] = []
        count = 0
        buffer: list[bytes] = []

        async def flush() -> None:
            nonlocal count
            rows = []
            for entry in decode_lines(buffer):
                row = to_row(entry)
                if row.type == "d":
                    path = f"{row.parent}/{row.name}" if row.parent else row.name
                    listed_folders.add(path)
                    totals.add_folder(path)
                    folders.id_of(path)
                else:
                    totals.add_file(row.parent, row.size)
                if row.hardlink:
                    hardlinks.append(row)
                rows.append((archive_id, folders.id_of(row.parent), *row[1:]))
            await folders.flush(db)
            await db.executemany(_INSERT_ENTRY, rows)
            count += len(rows)
            buffer.clear()
            if on_progress is not None:
                on_progress(BuildProgress(archive, count, time.monotonic() - started))

        async for line in lines:
            if line.strip():
                buffer.append(line)
                if len(buffer) >= BATCH:
                    await flush()
        if buffer:
            await flush()

        folder_totals = totals.finish()
        await _add_implied_folders(db, archive_id, folders, folder_totals, listed_folders)
        await db.executemany(
            "UPDATE entries SET total_size = ?, total_files = ? WHERE archive_id = ? AND folder_id = ? AND name = ?",
            [
                (size, files, archive_id, folders.id_of(split_path(path)[0]), split_path(path)[1])
                for path, (size, files) in folder_totals.items()
                if path
            ],
        )
        await _resolve_hardlink_sizes(db, archive_id, folders, hardlinks)
        await _index_names(db, archive_id)
        await db.execute(
            "UPDATE archives SET state = 'ready', entries = ?, finished_at = ? WHERE id = ?",
            (count, utc_now(), archive_id),
        )
        await db.commit()
    except BaseException:
        await db.rollback()
        raise
    return count


async def _add_implied_folders(
    db: aiosqlite.Connection,
    archive_id: int,
    folders: _Folders,
    folder_totals: dict[str, tuple[int, int]],
    listed: set[str],
) -> None:
    """Parents borg did not list (``borg create /home/me/docs`` lists neither ``home`` nor
    ``home/me``) still appear as folders, so the archive can be browsed from its root."""
    rows = []
    for path in folder_totals:
        if path and path not in listed:
            parent, name = split_path(path)
            rows.append((archive_id, folders.id_of(parent), name))
            folders.id_of(path)
    await folders.flush(db)
    await db.executemany(
        "INSERT INTO entries (archive_id, folder_id, name, type, size, mode, user, grp, mtime, target, implied)"
        " VALUES (?, ?, ?, 'd', 0, '', '', '', '', '', 1)",
        rows,
    )


async def _resolve_hardlink_sizes(
    db: aiosqlite.Connection, archive_id: int, folders: _Folders, hardlinks: list[Row]
) -> None:
    updates = []
    for row in hardlinks:
        parent, name = split_path(row.target)
        folder_id = folders.ids.get(parent)
        if folder_id is None:
            continue
        async with db.execute(
            "SELECT size FROM entries WHERE archive_id = ? AND folder_id = ? AND name = ?", (archive_id, folder_id, name)
        ) as cur:
            found = await cur.fetchone()
        if found is not None:
            updates.append((found[0], archive_id, folders.ids[row.parent], row.name))
    await db.executemany("UPDATE entries SET size = ? WHERE archive_id = ? AND folder_id = ? AND name = ?", updates)


async def _index_names(db: aiosqlite.Connection, archive_id: int) -> None:
    async with db.execute("SELECT COALESCE(MAX(id), 0) FROM names") as cur:
        (last_id,) = await cur.fetchone()
    await db.execute(
        "INSERT OR IGNORE INTO names (name) SELECT DISTINCT name FROM entries WHERE archive_id = ?", (archive_id,)
    )
    await db.execute("INSERT INTO names_fts (rowid, name) SELECT id, name FROM names WHERE id > ?", (last_id,))
