"""``borg create``: make an archive, with JSON progress on stderr and JSON statistics on stdout."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from services.executor.borg.common import END_OF_OPTIONS, archive_template_location, common_flags
from services.executor.borg.info import ArchiveStats, RepositorySizes, CacheJson, repository_sizes
from services.executor.borg.options import CommonOptions, CreateOptions


def create_args(
    binary: str,
    repo: str,
    archive_name: str,
    sources: Sequence[str],
    options: CreateOptions,
    *,
    progress: bool = True,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    """Arguments of one backup; *archive_name* may hold borg placeholders (borg expands them)."""
    if not sources:
        raise ValueError("a backup needs at least one source")
    # No --list: one line per file would make the output grow with the data set; --json gives stats.
    args = [binary, "create", *common_flags(common), "--json"]
    if progress:
        args.append("--progress")
    args.append(f"--compression={options.compression}")
    args.extend(f"--exclude={pattern}" for pattern in options.exclude_patterns)
    args.extend(f"--exclude-if-present={marker}" for marker in options.exclude_if_present)
    if options.exclude_caches:
        args.append("--exclude-caches")
    if options.one_file_system:
        args.append("--one-file-system")
    if options.upload_ratelimit_kib is not None:
        args.append(f"--upload-ratelimit={int(options.upload_ratelimit_kib)}")
    args.extend(options.extra_flags)
    location = archive_template_location(repo, archive_name)
    return (*args, END_OF_OPTIONS, location, *sources)


class CreateResult(msgspec.Struct, frozen=True, kw_only=True):
    archive_name: str
    archive_id: str
    start: str
    end: str
    duration: float
    stats: ArchiveStats
    repository: RepositorySizes  # the repository's totals right after this archive


class _Archive(msgspec.Struct):
    name: str
    id: str
    start: str
    end: str
    duration: float
    stats: ArchiveStats


class _CreateJson(msgspec.Struct):
    archive: _Archive
    cache: CacheJson


def parse_create_result(stdout: bytes | str) -> CreateResult:
    """Read the ``--json`` statistics ``borg create`` prints when it finishes."""
    try:
        raw = msgspec.json.decode(stdout, type=_CreateJson)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"unexpected borg create output: {exc}") from None
    return CreateResult(
        archive_name=raw.archive.name,
        archive_id=raw.archive.id,
        start=raw.archive.start,
        end=raw.archive.end,
        duration=raw.archive.duration,
        stats=raw.archive.stats,
        repository=repository_sizes(raw.cache.stats),
    )
