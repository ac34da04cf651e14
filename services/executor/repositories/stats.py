"""Repository statistics from ``borg info --json`` and ``borg list --json`` (pure)."""

from __future__ import annotations

from libs.contracts.base import utc_now
from libs.contracts.executor import RepositoryStats
from services.executor.borg.create import CreateResult
from services.executor.borg.info import RepositoryInfo, RepositorySizes
from services.executor.borg.list import ArchiveSummary


def _from_sizes(sizes: RepositorySizes, archive_count: int, last_backup_at: str | None) -> RepositoryStats:
    return RepositoryStats(
        original_size=sizes.original_size,
        compressed_size=sizes.compressed_size,
        deduplicated_size=sizes.deduplicated_size,
        dedup_ratio=round(sizes.dedup_ratio, 3) if sizes.deduplicated_size else None,
        archive_count=archive_count,
        last_backup_at=last_backup_at,
        refreshed_at=utc_now(),
    )


def stats_from(info: RepositoryInfo, archives: list[ArchiveSummary]) -> RepositoryStats:
    return _from_sizes(info.sizes, len(archives), max((a.start for a in archives), default=None))


def stats_after_backup(before: RepositoryStats | None, created: CreateResult) -> RepositoryStats:
    """The figures right after a backup, from its own ``--json`` (no second borg run): the sizes
    are borg's totals, the archive count is one more than we knew."""
    count = before.archive_count + 1 if before is not None else 1
    return _from_sizes(created.repository, count, created.start)
