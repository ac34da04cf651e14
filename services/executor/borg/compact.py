"""``borg compact``: free the space of deleted archives (borg 1.2+ no longer does it while deleting)."""

from __future__ import annotations

from services.executor.borg.common import END_OF_OPTIONS, common_flags, repository
from services.executor.borg.options import CommonOptions


def compact_args(
    binary: str,
    repo: str,
    *,
    threshold_percent: int | None = None,
    progress: bool = True,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    args = [binary, "compact", *common_flags(common)]
    if progress:
        args.append("--progress")
    if threshold_percent is not None:
        if not 0 <= threshold_percent <= 99:
            raise ValueError("compact threshold must be a percentage from 0 to 99")
        args.append(f"--threshold={int(threshold_percent)}")
    return (*args, END_OF_OPTIONS, repository(repo))
