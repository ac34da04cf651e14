"""Questions answered from the index: browse a folder, search names, versions of a path, changes."""

from __future__ import annotations

from typing import Literal, NamedTuple

import aiosqlite
import msgspec

from libs.contracts.archives import (
    Change,
    ChangeSummary,
    FolderListing,
    IndexedEntry,
    SearchHit,
    SortKey,
    Version,
)
from libs.contracts.envelope import RpcError
from services.executor.index.entry import split_path

_ORDER = {"name": "n.name", "size": "COALESCE(e.total_size, e.size)", "mtime": "e.mtime"}


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


class Item(NamedTuple):
    type: str
    size: int
    mtime: str


async def entry_at(db: aiosqlite.Connection, archive_id: int, path: str) -> Item | None:
    """Type, size and mtime of the entry at ``path`` (as stored) in one archive, or None."""
    folder, name = split_path(path)
    async with db.execute(
        "SELECT e.type, e.size, e.mtime FROM entries e JOIN folders f ON f.id = e.folder_id"
        " WHERE e.archive_id = ? AND f.path = ? AND e.name_id = (SELECT id FROM names WHERE name = ?)",
        (archive_id, folder, name),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else Item(*row)


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
        return FolderListing(archive=archive, path="", breadcrumb=[], total=0, offset=offset, entries=[])
    async with db.execute(
        "SELECT COUNT(*) FROM entries WHERE archive_id = ? AND folder_id = ?", (archive_id, folder_id)
    ) as cur:
        (total,) = await cur.fetchone()
    if total == 0 and folder:
        parent, name = split_path(folder)
        parent_id = await _folder_id(db, parent)
        async with db.execute(
            "SELECT e.type FROM entries e JOIN names n ON n.id = e.name_id"
            " WHERE e.archive_id = ? AND e.folder_id = ? AND n.name = ?",
            (archive_id, parent_id, name),
        ) as cur:
            found = await cur.fetchone()
        if found is None or found[0] != "d":
            raise RpcError("not_found", f"{folder!r} is not a folder in archive {archive!r}")
    direction = "DESC" if descending else "ASC"
    async with db.execute(
        f"SELECT e.*, n.name FROM entries e JOIN names n ON n.id = e.name_id WHERE e.archive_id = ? AND e.folder_id = ?"
        f" ORDER BY (e.type != 'd'), {_ORDER[sort]} {direction}, n.name LIMIT ? OFFSET ?",
        (archive_id, folder_id, limit, offset),
    ) as cur:
        rows = await cur.fetchall()
    breadcrumb = folder.split("/") if folder else []
    return FolderListing(
        archive=archive, path=folder, breadcrumb=breadcrumb, total=total, offset=offset, entries=[_entry(r, folder) for r in rows]
    )


# Names matched before entries are looked up: bounds the work of a pattern that matches nearly
# everything ("*.txt"), whose first hits are all anyone reads.
NAME_MATCH_LIMIT = 2000


def _name_query(query: str) -> tuple[str, str]:
    """SQL that picks matching name ids, and its argument. Globs and substrings of three or more
    characters use the trigram index; shorter substrings scan the distinct names."""
    if any(c in query for c in "*?["):
        return "SELECT rowid FROM names_fts WHERE name GLOB ? LIMIT ?", query
    if len(query) >= 3:
        return "SELECT rowid FROM names_fts WHERE names_fts MATCH ? LIMIT ?", '"' + query.replace('"', '""') + '"'
    return "SELECT id FROM names WHERE instr(lower(name), lower(?)) > 0 LIMIT ?", query


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
    ``?`` or ``[``, otherwise a case-insensitive substring. Each hit names the archives holding it,
    newest first; hits are ordered by path."""
    query = query.strip()
    if not query:
        raise RpcError("invalid", "search needs a name or pattern")
    name_sql, name_arg = _name_query(query)
    async with db.execute(name_sql, (name_arg, NAME_MATCH_LIMIT)) as cur:
        name_ids = [row[0] for row in await cur.fetchall()]
    if not name_ids:
        return []
    prefix = normalise_path(path_prefix)
    conditions = ["a.state = 'ready'", "n.id IN (SELECT value FROM json_each(?))"]
    args: list[object] = [msgspec.json.encode(name_ids).decode()]
    if prefix:
        conditions.append("(f.path = ? OR substr(f.path, 1, ?) = ?)")
        args += [prefix, len(prefix) + 1, prefix + "/"]
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
        "SELECT f.path AS folder, n.name, e.type, e.size, e.mtime, a.name AS archive"
        " FROM names n JOIN entries e ON e.name_id = n.id"
        " JOIN archives a ON a.id = e.archive_id JOIN folders f ON f.id = e.folder_id"
        f" WHERE {' AND '.join(conditions)}"
        " ORDER BY f.path, n.name, a.archive_time DESC, a.seq DESC, a.id DESC"
    )
    hits: dict[str, SearchHit] = {}
    async with db.execute(sql, args) as cur:
        async for row in cur:
            path = f"{row['folder']}/{row['name']}" if row["folder"] else row["name"]
            hit = hits.get(path)
            if hit is None:
                if len(hits) >= limit:
                    break
                hit = hits[path] = SearchHit(path=path, type=row["type"], size=row["size"], mtime=row["mtime"], archives=[])
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
        " WHERE e.folder_id = ? AND e.name_id = (SELECT id FROM names WHERE name = ?) AND a.state = 'ready'"
        " ORDER BY a.archive_time, a.seq, a.id",
        (folder_id, name),
    ) as cur:
        rows = await cur.fetchall()
    if not rows:
        raise RpcError("not_found", f"{path!r} is in no indexed archive")
    out: list[Version] = []
    for row in rows:
        previous = out[-1] if out else None
        changed = previous is None or (previous.size, previous.mtime) != (row["size"], row["mtime"])
        out.append(Version(archive=row["archive"], archive_time=row["archive_time"], size=row["size"], mtime=row["mtime"], changed=changed))
    return out


_DIFF_SQL = """
SELECT f.path AS folder, nm.name, n.type, n.size, n.mtime, o.size AS old_size, o.mtime AS old_mtime,
       CASE WHEN o.name_id IS NULL THEN 'added' ELSE 'modified' END AS change
  FROM entries n JOIN folders f ON f.id = n.folder_id JOIN names nm ON nm.id = n.name_id
  LEFT JOIN entries o ON o.archive_id = :base AND o.folder_id = n.folder_id AND o.name_id = n.name_id
 WHERE n.archive_id = :archive AND n.type != 'd'
   AND (o.name_id IS NULL OR o.size != n.size OR o.mtime != n.mtime)
UNION ALL
SELECT f.path, nm.name, o.type, o.size, o.mtime, NULL, NULL, 'removed'
  FROM entries o JOIN folders f ON f.id = o.folder_id JOIN names nm ON nm.id = o.name_id
 WHERE o.archive_id = :base AND o.type != 'd'
   AND NOT EXISTS (SELECT 1 FROM entries n WHERE n.archive_id = :archive AND n.folder_id = o.folder_id AND n.name_id = o.name_id)
"""


async def _previous_archive(db: aiosqlite.Connection, archive_id: int) -> str | None:
    async with db.execute(
        "SELECT name FROM archives WHERE state = 'ready'"
        " AND (archive_time, seq) < (SELECT archive_time, seq FROM archives WHERE id = ?)"
        " ORDER BY archive_time DESC, seq DESC LIMIT 1",
        (archive_id,),
    ) as cur:
        row = await cur.fetchone()
    return None if row is None else row[0]


async def changes(
    db: aiosqlite.Connection,
    archive: str,
    base: str | None = None,
    *,
    kind: Literal["added", "removed", "modified"] | None = None,
    path_prefix: str = "",
    offset: int = 0,
    limit: int = 500,
) -> ChangeSummary:
    """Files added, removed or modified (size or mtime) in ``archive`` against ``base`` (by default
    the archive before it). Content changes that keep size and mtime need ``borg diff``."""
    archive_id = await _archive_id(db, archive)
    base = base or await _previous_archive(db, archive_id)
    if base is None:
        raise RpcError("not_found", f"archive {archive!r} has no earlier indexed archive to compare with")
    base_id = await _archive_id(db, base)
    prefix = normalise_path(path_prefix)
    counts = {"added": 0, "removed": 0, "modified": 0}
    found: list[Change] = []
    matched = 0
    async with db.execute(_DIFF_SQL + " ORDER BY 1, 2", {"archive": archive_id, "base": base_id}) as cur:
        async for row in cur:
            folder = row[0]
            path = f"{folder}/{row[1]}" if folder else row[1]
            if prefix and not (path == prefix or path.startswith(prefix + "/")):
                continue
            counts[row[7]] += 1
            if kind is None or row[7] == kind:
                if offset <= matched < offset + limit:
                    found.append(
                        Change(path=path, change=row[7], type=row[2], size=row[3], old_size=row[5], mtime=row[4], old_mtime=row[6])
                    )
                matched += 1
    return ChangeSummary(
        archive=archive, base=base, added=counts["added"], removed=counts["removed"], modified=counts["modified"], changes=found
    )
