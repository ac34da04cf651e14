"""``borg rename``: give an archive a new name."""

from __future__ import annotations

from services.executor.borg.common import END_OF_OPTIONS, archive_location, common_flags
from services.executor.borg.options import CommonOptions, validate_archive_name


def rename_args(
    binary: str, repo: str, archive: str, new_name: str, *, common: CommonOptions | None = None
) -> tuple[str, ...]:
    location = archive_location(repo, archive)
    return (binary, "rename", *common_flags(common), END_OF_OPTIONS, location, validate_archive_name(new_name))
