"""``borg info --json`` for a repository or an archive, and the sizes read from it."""

from __future__ import annotations

import msgspec

from services.executor.borg.common import END_OF_OPTIONS, archive_location, common_flags, repository
from services.executor.borg.options import CommonOptions


class RepositorySizes(msgspec.Struct, frozen=True, kw_only=True):
    """Totals over every archive in the repository (borg's cache statistics)."""

    original_size: int
    compressed_size: int
    deduplicated_size: int  # what the repository really occupies
    total_chunks: int
    unique_chunks: int

    @property
    def dedup_ratio(self) -> float:
        """How many bytes of sources each stored byte stands for (1.0 for an empty repository)."""
        return self.original_size / self.deduplicated_size if self.deduplicated_size else 1.0


class RepositoryInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    location: str
    last_modified: str
    encryption: str
    sizes: RepositorySizes


class ArchiveStats(msgspec.Struct, frozen=True, kw_only=True):
    original_size: int
    compressed_size: int
    deduplicated_size: int  # what this archive added that no other archive holds
    nfiles: int


class ArchiveInfo(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    id: str
    start: str
    end: str
    duration: float
    hostname: str = ""
    username: str = ""
    comment: str = ""
    stats: ArchiveStats


def info_args(
    binary: str, repo: str, archive: str | None = None, *, common: CommonOptions | None = None
) -> tuple[str, ...]:
    location = repository(repo) if archive is None else archive_location(repo, archive)
    return (binary, "info", *common_flags(common), "--json", END_OF_OPTIONS, location)


# Borg's JSON, mirrored only as far as we read it; unknown keys are ignored so newer borgs still parse.
class CacheStatsJson(msgspec.Struct):
    total_chunks: int
    total_csize: int
    total_size: int
    total_unique_chunks: int
    unique_csize: int


class CacheJson(msgspec.Struct):
    stats: CacheStatsJson


class _Encryption(msgspec.Struct):
    mode: str


class _Repository(msgspec.Struct):
    id: str
    location: str
    last_modified: str = ""


class _RepositoryInfoJson(msgspec.Struct):
    repository: _Repository
    encryption: _Encryption
    cache: CacheJson


class _ArchivesJson(msgspec.Struct):
    archives: list[ArchiveInfo]


def repository_sizes(stats: CacheStatsJson) -> RepositorySizes:
    return RepositorySizes(
        original_size=stats.total_size,
        compressed_size=stats.total_csize,
        deduplicated_size=stats.unique_csize,
        total_chunks=stats.total_chunks,
        unique_chunks=stats.total_unique_chunks,
    )


def parse_repository_info(stdout: bytes | str) -> RepositoryInfo:
    """Read ``borg info --json REPO``; raises ``ValueError`` when the output is not that."""
    try:
        raw = msgspec.json.decode(stdout, type=_RepositoryInfoJson)
    except msgspec.ValidationError as exc:
        raise ValueError(f"unexpected borg info output: {exc}") from None
    except msgspec.DecodeError as exc:
        raise ValueError(f"borg info did not print JSON: {exc}") from None
    return RepositoryInfo(
        id=raw.repository.id,
        location=raw.repository.location,
        last_modified=raw.repository.last_modified,
        encryption=raw.encryption.mode,
        sizes=repository_sizes(raw.cache.stats),
    )


def parse_archive_info(stdout: bytes | str) -> ArchiveInfo:
    """Read ``borg info --json REPO::ARCHIVE``."""
    try:
        raw = msgspec.json.decode(stdout, type=_ArchivesJson)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"unexpected borg info output: {exc}") from None
    if len(raw.archives) != 1:
        raise ValueError(f"borg info described {len(raw.archives)} archives, expected one")
    return raw.archives[0]
