"""Changes of an archive by content: ``borg diff --json-lines`` streamed, summarised like the index's
changes (files only, counts over everything, one page of the list kept)."""

from __future__ import annotations

from typing import Literal

import aiosqlite
import msgspec

from libs.contracts.archives import Change, ChangeKind, ChangeSummary
from services.executor.archives.jobs import borg_error
from services.executor.borg.diff import (
    DiffChange,
    DiffEntry,
    diff_args,
    parse_diff_line,
)
from services.executor.borg.options import CommonOptions
from services.executor.borg_calls import BorgCalls
from services.executor.index.queries import entry_at
from services.executor.repositories.store import RepositoryRecord

# A running backup holds the lock: fail fast with "locked" rather than wait.
LOCK_WAIT = 1
# ctime is left out: any metadata change moves it, and the index's comparison ignores it as well.
_METADATA = ("mode", "owner", "mtime")


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    change: ChangeKind
    type: str | None  # borg's type letter when the diff tells it; None: look it up
    content_changed: bool | None
    size: int | None
    detail: str


def _describe(change: DiffChange) -> str:
    match change.type:
        case "modified":
            return f"content: {change.added or 0} bytes added, {change.removed or 0} removed"
        case "mode":
            return f"mode {change.old_mode} → {change.new_mode}"
        case "owner":
            return f"owner {change.old_user}:{change.old_group} → {change.new_user}:{change.new_group}"
        case "mtime":
            return f"mtime {change.old_mtime} → {change.new_mtime}"
        case "changed link":
            return "link target changed"
    return change.type


def judge(entry: DiffEntry) -> Verdict | None:
    """How one ``borg diff`` item counts; None for what the index's changes leave out too (folders,
    a ctime-only difference)."""
    by_type = {change.type: change for change in entry.changes}
    if "added directory" in by_type or "removed directory" in by_type:
        return None
    for borg_type, change, kind in (
        ("added", "added", "-"),
        ("removed", "removed", "-"),
        ("added link", "added", "l"),
        ("removed link", "removed", "l"),
    ):
        if borg_type in by_type:
            return Verdict(change=change, type=kind, content_changed=None, size=by_type[borg_type].size, detail=borg_type)
    shown = [c for c in entry.changes if c.type in ("modified", "changed link", *_METADATA)]
    if not shown:
        return None
    kind: str | None = None
    content_changed = False
    if (modified := by_type.get("modified")) is not None:
        kind = "-"
        # borg 1.2 reports "modified" with 0/0 when only the chunk list was rebuilt: same bytes.
        content_changed = bool(modified.added or modified.removed)
    elif "changed link" in by_type:
        kind, content_changed = "l", True
    elif (mode := by_type.get("mode")) is not None and mode.new_mode:
        kind = mode.new_mode[0]
    return Verdict(
        change="modified", type=kind, content_changed=content_changed, size=None, detail="; ".join(map(_describe, shown))
    )


async def _change(db: aiosqlite.Connection, ids: tuple[int, int], path: str, verdict: Verdict) -> Change:
    """The list row, with sizes and times from the index (borg diff gives neither for a modification)."""
    archive_id, base_id = ids
    new = await entry_at(db, archive_id, path) if verdict.change != "removed" else None
    old = await entry_at(db, base_id, path) if verdict.change != "added" else None
    now = new or old
    return Change(
        path=path,
        change=verdict.change,
        type=verdict.type or (now.type if now else "-"),
        size=now.size if now else (verdict.size or 0),
        old_size=old.size if new and old else None,
        mtime=now.mtime if now else "",
        old_mtime=old.mtime if new and old else None,
        content_changed=verdict.content_changed,
        detail=verdict.detail,
    )


async def content_changes(
    borg: BorgCalls,
    repo: RepositoryRecord,
    db: aiosqlite.Connection,
    archive: tuple[str, int],
    base: tuple[str, int],
    *,
    kind: Literal["added", "removed", "modified"] | None,
    path_prefix: str,
    offset: int,
    limit: int,
) -> ChangeSummary:
    """Run ``borg diff`` from ``base`` to ``archive`` (names and index ids; both indexed, which
    tells the type of items borg names without it)."""
    ids = (archive[1], base[1])
    argv = diff_args(
        borg.binary, repo.location, base[0], archive[0], [path_prefix] if path_prefix else (), common=CommonOptions(lock_wait=LOCK_WAIT)
    )
    counts = {"added": 0, "removed": 0, "modified": 0}
    found: list[Change] = []
    matched = 0
    async with borg.stream(argv, borg.env_for(repo), passphrase=repo.passphrase) as diff:
        async for line in diff.lines():
            if not line.strip():
                continue
            entry = parse_diff_line(line)
            verdict = judge(entry)
            if verdict is None:
                continue
            if verdict.type is None:
                looked_up = await entry_at(db, ids[0], entry.path)
                if looked_up is not None and looked_up.type == "d":
                    continue
            counts[verdict.change] += 1
            if kind is None or verdict.change == kind:
                if offset <= matched < offset + limit:
                    found.append(await _change(db, ids, entry.path, verdict))
                matched += 1
        run = await diff.finish()
    if run.status not in ("succeeded", "warning"):
        raise borg_error(run, "could not compare the archives")
    return ChangeSummary(
        archive=archive[0], base=base[0], added=counts["added"], removed=counts["removed"], modified=counts["modified"], changes=found
    )
