"""``borg delete``: remove archives, or (confirmed through the environment) a whole repository."""

from __future__ import annotations

from collections.abc import Sequence

from services.executor.borg.common import END_OF_OPTIONS, common_flags, repository
from services.executor.borg.options import CommonOptions, validate_archive_name


def delete_archives_args(
    binary: str, repo: str, archives: Sequence[str], *, common: CommonOptions | None = None
) -> tuple[str, ...]:
    """Delete the named archives (``--list`` logs each one); space comes back with ``borg compact``."""
    if not archives:
        # `borg delete REPO` without archive names deletes the whole repository.
        raise ValueError("name at least one archive to delete")
    names = tuple(validate_archive_name(name) for name in archives)
    return (binary, "delete", *common_flags(common), "--list", END_OF_OPTIONS, repository(repo), *names)


def delete_repository_args(binary: str, repo: str, *, common: CommonOptions | None = None) -> tuple[str, ...]:
    """Delete the repository and all its archives; borg refuses unless run with
    ``borg_env(..., confirm_repository_delete=True)``."""
    return (binary, "delete", *common_flags(common), END_OF_OPTIONS, repository(repo))
