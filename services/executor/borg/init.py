"""``borg init``: create a repository."""

from __future__ import annotations

from services.executor.borg.common import END_OF_OPTIONS, common_flags, repository
from services.executor.borg.options import ENCRYPTION_MODES, CommonOptions, OptionError


def init_args(binary: str, repo: str, encryption: str, *, common: CommonOptions | None = None) -> tuple[str, ...]:
    # No --make-parent-dirs: a mistyped path should fail rather than create a tree somewhere.
    if encryption not in ENCRYPTION_MODES:
        raise OptionError(f"unknown encryption {encryption!r} (one of {', '.join(ENCRYPTION_MODES)})")
    return (binary, "init", *common_flags(common), f"--encryption={encryption}", END_OF_OPTIONS, repository(repo))
