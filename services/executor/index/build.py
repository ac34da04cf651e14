"""Build one archive's index from a stream of ``borg list --json-lines`` lines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aiosqlite

from libs.contracts.base import utc_now
from services.executor.index.entry import Row, decode_lines, split_path, to_row
from services.executor.index.totals import FolderTotals

# About 5,000 entries of ``borg list --json-lines``.
BATCH_BYTES = 1024 * 1024
AHEAD = 4
# Each batch goes through a temporary table so its names are interned (one row per distinct name
# in ``names``, entries hold the id) in two statements rather than a lookup per entry.
_BATCH_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS batch (folder_id INTEGER, name TEXT, type TEXT, size INTEGER, mode TEXT,"
    " user TEXT, grp TEXT, mtime TEXT, target TEXT, hardlink INTEGER)"
)
_INSERT_BATCH = "INSERT INTO temp.batch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INTERN_BATCH = "INSERT OR IGNORE INTO names (name) SELECT name FROM temp.batch"
_INSERT_ENTRIES = (
    "INSERT OR REPLACE INTO entries (archive_id, folder_id, name_id, type, size, mode, user, grp, mtime, target, hardlink)"
    " SELECT ?, b.folder_id, n.id, b.type, b.size, b.mode, b.user, b.grp, b.mtime, b.target, b.hardlink"
    " FROM temp.batch b JOIN names n ON n.name = b.name"
)
_NAME_ID = "(SELECT id FROM names WHERE name = ?)"


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


async def _read_batches(lines: AsyncIterator[bytes], out: asyncio.Queue) -> None:
    """Group blocks of lines (one line or many each) into batches of about ``BATCH_BYTES``, then
    None (also when reading fails: the error comes from the task)."""
    try:
        batch: list[bytes] = []
        size = 0
        async for block in lines:
            batch.append(block)
            size += len(block)
            if size >= BATCH_BYTES:
                await out.put(batch)
                batch, size = [], 0
        if batch:
            await out.put(batch)
    except asyncio.CancelledError:
        raise  # the consumer stopped first
    except BaseException:
        await out.put(None)
        raise
    await out.put(None)


async def _load_folders(db: aiosqlite.Connection) -> _Folders:
    async with db.execute("SELECT id, path FROM folders") as cur:
        known = {path: folder_id for folder_id, path in await cur.fetchall()}
    return _Folders(known, max(known.values(), default=0) + 1)


async def build_index(
    db: aiosqlite.Connection,
    archive: str,
    archive_time: str,
    lines: AsyncIterator[bytes],
    on_progress: Callable[[int], None] | None = None,
    before_commit: Callable[[], Awaitable[None]] | None = None,
    seq: int = 0,
) -> int:
    """Index ``archive`` from ``lines`` (each item one or more whole lines), replacing an earlier index of it; returns the entry count.

    Everything is written in one transaction, so a build that dies leaves the previous state
    (and a reader never sees half an archive). ``before_commit`` may raise to throw the build away
    (borg failed after printing part of the listing). ``seq`` orders archives made within the same
    second (borg's times have no fraction). ``on_progress`` gets the count of entries stored so far."""
    await db.execute("BEGIN")
    try:
        await db.execute("DELETE FROM archives WHERE name = ?", (archive,))
        cur = await db.execute(
            "INSERT INTO archives (name, archive_time, seq, state, started_at) VALUES (?, ?, ?, 'building', ?)",
            (archive, archive_time, seq, utc_now()),
        )
        archive_id = cur.lastrowid
        await db.execute(_BATCH_TABLE)
        async with db.execute("SELECT COALESCE(MAX(id), 0) FROM names") as cur:
            (last_name_id,) = await cur.fetchone()
        folders = await _load_folders(db)
        totals = FolderTotals()
        listed_folders: set[str] = set()
        hardlinks: list[Row] = []
        count = 0
        fts_done = last_name_id

        def rows_of(batch: list[bytes]) -> list[tuple]:
            # Decoding and folder bookkeeping are CPU work: done in a worker thread so the event loop
            # keeps answering other requests while a million entries stream by.
            rows = []
            for entry in decode_lines(batch):
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
                rows.append((folders.id_of(row.parent), *row[1:]))
            return rows

        async def store(batch: list[bytes]) -> None:
            nonlocal count, fts_done
            rows = await asyncio.to_thread(rows_of, batch)
            await folders.flush(db)
            await db.execute("DELETE FROM temp.batch")
            await db.executemany(_INSERT_BATCH, rows)
            await db.execute(_INTERN_BATCH)
            await db.execute(_INSERT_ENTRIES, (archive_id,))
            # New names go into the trigram index batch by batch, while borg is still listing.
            async with db.execute("SELECT COALESCE(MAX(id), 0) FROM names") as cur:
                (newest,) = await cur.fetchone()
            if newest > fts_done:
                await db.execute(
                    "INSERT INTO names_fts (rowid, name) SELECT id, name FROM names WHERE id > ? AND id <= ?", (fts_done, newest)
                )
                fts_done = newest
            count += len(rows)
            if on_progress is not None:
                on_progress(count)

        # Reading runs ahead of storing (a few batches), so borg keeps listing while a batch is stored.
        batches: asyncio.Queue[list[bytes] | None] = asyncio.Queue(AHEAD)
        reader = asyncio.create_task(_read_batches(lines, batches))
        try:
            while (batch := await batches.get()) is not None:
                await store(batch)
            await reader
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

        folder_totals = totals.finish()
        await _add_implied_folders(db, archive_id, folders, folder_totals, listed_folders)
        updates = []
        for path, (size, files) in folder_totals.items():
            if path:
                parent, name = split_path(path)
                updates.append((size, files, archive_id, folders.id_of(parent), name))
        await db.executemany(
            f"UPDATE entries SET total_size = ?, total_files = ? WHERE archive_id = ? AND folder_id = ? AND name_id = {_NAME_ID}",
            updates,
        )
        await _resolve_hardlink_sizes(db, archive_id, folders, hardlinks)
        await db.execute("DELETE FROM temp.batch")
        # Names of implied folders and hard-link fixes come after the last batch.
        await db.execute("INSERT INTO names_fts (rowid, name) SELECT id, name FROM names WHERE id > ?", (fts_done,))
        await db.execute(
            "UPDATE archives SET state = 'ready', entries = ?, finished_at = ? WHERE id = ?",
            (count, utc_now(), archive_id),
        )
        if before_commit is not None:
            await before_commit()
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
    await db.executemany("INSERT OR IGNORE INTO names (name) VALUES (?)", [(row[2],) for row in rows])
    await db.executemany(
        "INSERT INTO entries (archive_id, folder_id, name_id, type, size, mode, user, grp, mtime, target, implied)"
        f" VALUES (?, ?, {_NAME_ID}, 'd', 0, '', '', '', '', '', 1)",
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
            f"SELECT size FROM entries WHERE archive_id = ? AND folder_id = ? AND name_id = {_NAME_ID}", (archive_id, folder_id, name)
        ) as cur:
            found = await cur.fetchone()
        if found is not None:
            updates.append((found[0], archive_id, folders.ids[row.parent], row.name))
    await db.executemany(f"UPDATE entries SET size = ? WHERE archive_id = ? AND folder_id = ? AND name_id = {_NAME_ID}", updates)
