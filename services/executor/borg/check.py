"""``borg check``: verify the repository and/or its archives."""

from __future__ import annotations

from services.executor.borg.common import END_OF_OPTIONS, common_flags, repository
from services.executor.borg.options import CheckOptions, CommonOptions, validate_check_options


def check_args(
    binary: str,
    repo: str,
    options: CheckOptions,
    *,
    progress: bool = True,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    # Never --repair: it can drop data and asks for a confirmation we must not give on anyone's behalf.
    validate_check_options(options)
    args = [binary, "check", *common_flags(common)]
    if progress:
        args.append("--progress")
    if options.repository_only:
        args.append("--repository-only")
    if options.archives_only:
        args.append("--archives-only")
    if options.verify_data:
        args.append("--verify-data")
    if options.max_duration is not None:
        args.append(f"--max-duration={int(options.max_duration)}")
    return (*args, END_OF_OPTIONS, repository(repo))
