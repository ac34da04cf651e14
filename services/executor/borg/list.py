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
    details: bool = False,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    """``details`` adds end time, host, user and comment to each archive (``parse_archive_details``)."""
    args = [binary, "list", *common_flags(common), "--json"]
    if details:
        # With --json, borg adds the keys named in --format to each archive.
        args.append("--format={end}{hostname}{username}{comment}")
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


class ArchiveDetail(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    id: str
    start: str
    end: str = ""
    hostname: str = ""
    username: str = ""
    comment: str = ""


class _DetailJson(msgspec.Struct):
    archives: list[ArchiveDetail]


def parse_archive_details(stdout: bytes | str) -> list[ArchiveDetail]:
    """Read ``borg list --json`` made with ``details=True``, oldest first."""
    try:
        return msgspec.json.decode(stdout, type=_DetailJson).archives
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"unexpected borg list output: {exc}") from None
