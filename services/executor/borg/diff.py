"""``borg diff --json-lines``: what differs between two archives, content included.

Borg compares its first archive to its second: pass the older one first, so "added" means new in
the second."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from services.executor.borg.common import END_OF_OPTIONS, archive_location, common_flags
from services.executor.borg.extract import path_patterns
from services.executor.borg.options import CommonOptions, validate_archive_name


class DiffChange(msgspec.Struct, frozen=True, kw_only=True):
    """One difference of an item. ``type`` is borg's: "modified" (content; ``added``/``removed``
    count bytes of changed chunks), "added"/"removed" (a file, with its ``size``), "added directory",
    "removed directory", "added link", "removed link", "changed link", "mode", "owner", "mtime",
    "ctime"."""

    type: str
    added: int | None = None
    removed: int | None = None
    size: int | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    old_user: str | None = None
    new_user: str | None = None
    old_group: str | None = None
    new_group: str | None = None
    old_mtime: str | None = None
    new_mtime: str | None = None


class DiffEntry(msgspec.Struct, frozen=True, kw_only=True):
    path: str
    changes: list[DiffChange]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(change.type for change in self.changes)


def diff_args(
    binary: str,
    repo: str,
    archive: str,
    other_archive: str,
    paths: Sequence[str] = (),
    *,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    """Compare ``archive`` (the older) with ``other_archive``; ``paths`` limit it to those items and
    everything below them. One JSON object per changed item on stdout."""
    return (
        binary,
        "diff",
        *common_flags(common),
        "--json-lines",
        END_OF_OPTIONS,
        archive_location(repo, archive),
        validate_archive_name(other_archive),
        *path_patterns(paths),
    )


_decoder = msgspec.json.Decoder(DiffEntry)


def parse_diff_line(line: bytes | str) -> DiffEntry:
    """One line of ``borg diff --json-lines``; the path without a leading slash."""
    try:
        entry = _decoder.decode(line)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"unexpected borg diff output: {exc}") from None
    return msgspec.structs.replace(entry, path=entry.path.strip("/"))
