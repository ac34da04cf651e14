"""``borg list``: the archives of a repository (``--json``) or the entries of one archive (``--json-lines``)."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from services.executor.borg.common import END_OF_OPTIONS, archive_location, common_flags, repository
from services.executor.borg.options import CommonOptions


class ArchiveSummary(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    id: str
    start: str  # local time of the host that made it, ISO 8601 without zone (borg's format)


def list_archives_args(
    binary: str,
    repo: str,
    *,
    glob_archives: str | None = None,
    last: int | None = None,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    args = [binary, "list", *common_flags(common), "--json"]
    if glob_archives is not None:
        args.append(f"--glob-archives={glob_archives}")
    if last is not None:
        args.append(f"--last={int(last)}")
    return (*args, END_OF_OPTIONS, repository(repo))


def list_entries_args(
    binary: str, repo: str, archive: str, paths: Sequence[str] = (), *, common: CommonOptions | None = None
) -> tuple[str, ...]:
    """One JSON object per entry on stdout; stream it, an archive can hold millions."""
    return (binary, "list", *common_flags(common), "--json-lines", END_OF_OPTIONS, archive_location(repo, archive), *paths)


class _ListJson(msgspec.Struct):
    archives: list[ArchiveSummary]


def parse_archive_list(stdout: bytes | str) -> list[ArchiveSummary]:
    """Read ``borg list --json REPO``, oldest first as borg prints them."""
    try:
        return msgspec.json.decode(stdout, type=_ListJson).archives
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"unexpected borg list output: {exc}") from None
