"""Check a restore and work out what it would write: from the index and the file system, no borg."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import aiosqlite

from libs.contracts.archives import RestoreItem, RestorePlan
from libs.contracts.envelope import RpcError
from services.executor.index.queries import entry_at, normalise_path
from services.executor.paths import under_roots

MAX_STRIP = 64
_BATCH = 5000


def check_destination(raw: str | None, roots: tuple[Path, ...]) -> Path:
    """The symlink-free destination folder; None means the original place, the root folder."""
    raw = "/" if raw is None else raw
    if not raw or not os.path.isabs(raw):
        raise RpcError("invalid", f"the destination must be an absolute path, got {raw!r}")
    if "\x00" in raw:
        raise RpcError("invalid", "the destination holds a NUL character")
    resolved = Path(raw).resolve()
    if not under_roots(resolved, roots):
        allowed = ", ".join(str(r) for r in roots) or "(none configured)"
        raise RpcError("forbidden", f"destination {raw} (resolved {resolved}) is outside RESTORE_ROOTS: {allowed}")
    if not resolved.exists():
        raise RpcError("not_found", f"destination folder {raw} does not exist")
    if not resolved.is_dir():
        raise RpcError("invalid", f"destination {raw} is not a folder")
    if not os.access(resolved, os.W_OK | os.X_OK):
        raise RpcError("forbidden", f"destination folder {raw} is not writable")
    return resolved


def check_selection(paths: list[str], strip_components: int) -> list[str]:
    """Archive paths as stored (relative, no ``..``), each long enough to survive the stripping."""
    if not paths:
        raise RpcError("invalid", "choose at least one file or folder to restore")
    if not 0 <= strip_components <= MAX_STRIP:
        raise RpcError("invalid", f"strip_components must be between 0 and {MAX_STRIP}")
    out: list[str] = []
    for raw in paths:
        if "\x00" in raw:
            raise RpcError("invalid", "a path holds a NUL character")
        path = normalise_path(raw)
        if not path:
            raise RpcError("invalid", "choose files or folders, not the whole archive's root")
        if len(path.split("/")) < strip_components:
            raise RpcError("invalid", f"{raw!r} has fewer than {strip_components} components to strip")
        if path not in out:
            out.append(path)
    # A path inside another selected folder comes with it: listed (and restored) once.
    return [p for p in out if not any(p.startswith(other + "/") for other in out)]


def target_of(path: str, strip_components: int, destination: Path) -> Path | None:
    """Where borg writes ``path`` after stripping; None when nothing of it is left."""
    parts = path.split("/")[strip_components:]
    return destination.joinpath(*parts) if parts else None


def _inspect(
    rows: list[tuple[str, str, int]], strip: int, destination: Path, roots: tuple[Path, ...], checked: dict[Path, bool]
) -> list[tuple[str, Path | None, str, int, bool]]:
    """For each (path, type, size): its target and whether something is there; refuses a target
    whose existing parent folders lead out of the roots through a symlink."""
    out = []
    for path, kind, size in rows:
        target = target_of(path, strip, destination)
        if target is None:
            continue
        parent = target.parent
        inside = checked.get(parent)
        if inside is None:
            inside = checked[parent] = under_roots(parent.resolve(), roots)
        if not inside:
            raise RpcError("forbidden", f"restoring {path!r} would write through a symlink out of RESTORE_ROOTS ({parent})")
        out.append((path, target, kind, size, os.path.lexists(target)))
    return out


async def _selected_rows(db: aiosqlite.Connection, archive_id: int, path: str):
    """The entry at ``path`` and, for a folder, everything below it, as (path, type, size)."""
    found = await entry_at(db, archive_id, path)
    if found is None:
        raise RpcError("not_found", f"{path!r} is not in the archive")
    yield path, found.type, found.size
    if found.type != "d":
        return
    # Folders below: paths from "p/" up to "p0" ("0" follows "/") sort together in the index.
    async with db.execute(
        "SELECT f.path, n.name, e.type, e.size FROM folders f JOIN entries e ON e.archive_id = ? AND e.folder_id = f.id"
        " JOIN names n ON n.id = e.name_id"
        " WHERE (f.path = ? OR (f.path >= ? AND f.path < ?)) AND e.implied = 0",
        (archive_id, path, path + "/", path + "0"),
    ) as cur:
        async for row in cur:
            yield f"{row[0]}/{row[1]}", row[2], row[3]


async def plan_restore(
    db: aiosqlite.Connection,
    archive_id: int,
    paths: list[str],
    strip_components: int,
    destination: Path,
    roots: tuple[Path, ...],
    limit: int,
) -> RestorePlan:
    """What a restore of ``paths`` would write under ``destination``; the counts cover everything,
    ``items`` the first ``limit``."""
    items: list[RestoreItem] = []
    files = size_total = overwrites = 0
    truncated = False
    checked: dict[Path, bool] = {}
    async def flush(batch: list[tuple[str, str, int]]) -> None:
        nonlocal files, size_total, overwrites, truncated
        for path, target, kind, size, exists in await asyncio.to_thread(
            _inspect, batch, strip_components, destination, roots, checked
        ):
            if kind != "d":
                files += 1
                size_total += size
                if exists:
                    overwrites += 1
            if len(items) < limit:
                items.append(RestoreItem(path=path, target=str(target), size=size, type=kind, exists=exists))
            else:
                truncated = True

    for selected in paths:
        batch: list[tuple[str, str, int]] = []
        async for row in _selected_rows(db, archive_id, selected):
            batch.append(row)
            if len(batch) >= _BATCH:
                await flush(batch)
                batch = []
        if batch:
            await flush(batch)
    return RestorePlan(items=items, files=files, bytes=size_total, overwrites=overwrites, truncated=truncated)
