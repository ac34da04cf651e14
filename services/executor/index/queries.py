"""Questions answered from the index: browse a folder, search names, versions of a path, changes."""

from __future__ import annotations

from typing import Literal

import aiosqlite
import msgspec

from libs.contracts.envelope import RpcError
from services.executor.index.entry import split_path

SortKey = Literal["name", "size", "mtime"]
_ORDER = {"name": "e.name", "size": "COALESCE(e.total_size, e.size)", "mtime": "e.mtime"}


class IndexedEntry(msgspec.Struct):
    name: str
    path: str
    type: str
    size: int
    mode: str
    user: str
    group: str
    mtime: str
    target: str
    hardlink: bool
    total_files: int | None = None


class FolderListing(msgspec.Struct):
    archive: str
    path: str
    breadcrumb: list[str]
    total: int
    offset: int
    entries: list[IndexedEntry]


class SearchHit(msgspec.Struct):
    path: str
    type: str
    size: int
    mtime: str
    archives: list[str]


class Version(msgspec.Struct):
    archive: str
    archive_time: str
    size: int
    mtime: str
    changed: bool


def normalise_path(path: str) -> str:
    """An archive path as stored: no leading or trailing slash; ``..`` and ``.`` refused."""
    parts = [p for p in path.strip().strip("/").split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise RpcError("invalid", f"path {path!r} may not contain '.' or '..' parts")
    return "/".join(parts)


async def _archive_id(db: aiosqlite.Connection, archive: str) -> int:
    async with db.execute("SELECT id, state FROM archives WHERE name = ?", (archive,)) as cur:
        row = await cur.fetchone()
    if row is None or row[1] != "ready":
        raise RpcError("not_found", f"archive {archive!r} is not indexed")
    return int(row[0])


async def _folder_id(db: aiosqlite.Connection, path: str) -> int | None:
    async with db.execute("SELECT id FROM folders WHERE path = ?", (path,)) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])


def _entry(row: aiosqlite.Row, folder: str) -> IndexedEntry:
    name = row["name"]
    return IndexedEntry(
        name=name,
        path=f"{folder}/{name}" if folder else name,
        type=row["type"],
        size=row["total_size"] if row["type"] == "d" and row["total_size"] is not None else row["size"],
        mode=row["mode"],
        user=row["user"],
        group=row["grp"],
        mtime=row["mtime"],
        target=row["target"],
        hardlink=bool(row["hardlink"]),
        total_files=row["total_files"],
    )


async def browse(
    db: aiosqlite.Connection,
    archive: str,
    path: str = "",
    *,
    sort: SortKey = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> FolderListing:
    """One folder of one archive, folders first, then by ``sort``."""
    archive_id = await _archive_id(db, archive)
    folder = normalise_path(path)
    folder_id = await _folder_id(db, folder)
    if folder_id is None:
        if folder:
            raise RpcError("not_found", f"{folder!r} is not a folder in archive {archive!r}")
        return FolderListing(archive, "", [], 0, offset, [])
    async with db.execute(
        "SELECT COUNT(*) FROM entries WHERE archive_id = ? AND folder_id = ?", (archive_id, folder_id)
    ) as cur:
        (total,) = await cur.fetchone()
    if total == 0 and folder:
        parent, name = split_path(folder)
        parent_id = await _folder_id(db, parent)
        async with db.execute(
            "SELECT type FROM entries WHERE archive_id = ? AND folder_id = ? AND name = ?", (archive_id, parent_id, name)
        ) as cur:
            found = await cur.fetchone()
        if found is None or found[0] != "d":
            raise RpcError("not_found", f"{folder!r} is not a folder in archive {archive!r}")
    direction = "DESC" if descending else "ASC"
    async with db.execute(
        f"SELECT * FROM entries e WHERE archive_id = ? AND folder_id = ?"
        f" ORDER BY (e.type != 'd'), {_ORDER[sort]} {direction}, e.name LIMIT ? OFFSET ?",
        (archive_id, folder_id, limit, offset),
    ) as cur:
        rows = await cur.fetchall()
    breadcrumb = folder.split("/") if folder else []
    return FolderListing(archive, folder, breadcrumb, total, offset, [_entry(r, folder) for r in rows])


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search(
    db: aiosqlite.Connection,
    query: str,
    *,
    path_prefix: str = "",
    min_size: int | None = None,
    max_size: int | None = None,
    modified_after: str | None = None,
    modified_before: str | None = None,
    limit: int = 200,
) -> list[SearchHit]:
    """Entries of every indexed archive whose name matches ``query``: a glob when it holds ``*``,
    ``?`` or ``[``, otherwise a case-insensitive substring. Each hit names the archives holding it."""
    query = query.strip()
    if not query:
        raise RpcError("invalid", "search needs a name or pattern")
    if any(c in query for c in "*?["):
        name_sql, name_arg = "SELECT rowid FROM names_fts WHERE name GLOB ?", query
    else:
        name_sql, name_arg = "SELECT rowid FROM names_fts WHERE name LIKE ? ESCAPE '\\'", _like_pattern(query)
    prefix = normalise_path(path_prefix)
    conditions = ["a.state = 'ready'", f"n.id IN ({name_sql})"]
    args: list[object] = [name_arg]
    if prefix:
        conditions.append("(f.path = ? OR f.path LIKE ? ESCAPE '\\')")
        args += [prefix, _like_pattern(prefix)[1:-1] + "/%"]
    for column, op, value in (
        ("e.size", ">=", min_size),
        ("e.size", "<=", max_size),
        ("e.mtime", ">=", modified_after),
        ("e.mtime", "<=", modified_before),
    ):
        if value is not None:
            conditions.append(f"{column} {op} ?")
            args.append(value)
    sql = (
        "SELECT f.path AS folder, e.name, e.type, e.size, e.mtime, a.name AS archive"
        " FROM names n JOIN entries e ON e.name = n.name"
        " JOIN archives a ON a.id = e.archive_id JOIN folders f ON f.id = e.folder_id"
        f" WHERE {' AND '.join(conditions)}"
        " ORDER BY f.path, e.name, a.archive_time DESC LIMIT ?"
    )
    hits: dict[str, SearchHit] = {}
    async with db.execute(sql, (*args, limit * 20)) as cur:
        async for row in cur:
            path = f"{row['folder']}/{row['name']}" if row["folder"] else row["name"]
            hit = hits.get(path)
            if hit is None:
                if len(hits) >= limit:
                    break
                hit = hits[path] = SearchHit(path, row["type"], row["size"], row["mtime"], [])
            hit.archives.append(row["archive"])
    return list(hits.values())


async def versions(db: aiosqlite.Connection, path: str) -> list[Version]:
    """Every indexed archive holding ``path``, oldest first, marking where size or mtime changed."""
    parent, name = split_path(normalise_path(path))
    folder_id = await _folder_id(db, parent)
    if folder_id is None or not name:
        raise RpcError("not_found", f"{path!r} is in no indexed archive")
    async with db.execute(
        "SELECT a.name AS archive, a.archive_time, COALESCE(e.total_size, e.size) AS size, e.mtime"
        " FROM entries e JOIN archives a ON a.id = e.archive_id"
        " WHERE e.folder_id = ? AND e.name = ? AND a.state = 'ready' ORDER BY a.archive_time, a.id",
        (folder_id, name),
    ) as cur:
        rows = await cur.fetchall()
    if not rows:
        raise RpcError("not_found", f"{path!r} is in no indexed archive")
    out: list[Version] = []
    for row in rows:
        previous = out[-1] if out else None
        changed = previous is None or (previous.size, previous.mtime) != (row["size"], row["mtime"])
        out.append(Version(row["archive"], row["archive_time"], row["size"], row["mtime"], changed))
    return out
