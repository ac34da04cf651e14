"""``borg export-tar``: an archive, or paths of it, as one tar stream on stdout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from services.executor.borg.common import END_OF_OPTIONS, archive_location, common_flags
from services.executor.borg.extract import path_patterns
from services.executor.borg.options import CommonOptions

TarFilter = Literal["gzip"]


def export_tar_args(
    binary: str,
    repo: str,
    archive: str,
    paths: Sequence[str] = (),
    *,
    tar_filter: TarFilter | None = None,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    """Write the tar to stdout (``-``); with ``tar_filter="gzip"`` borg pipes it through gzip."""
    args = [binary, "export-tar", *common_flags(common)]
    if tar_filter is not None:
        if tar_filter != "gzip":
            raise ValueError(f"unsupported tar filter {tar_filter!r}")
        args.append("--tar-filter=gzip")
    return (*args, END_OF_OPTIONS, archive_location(repo, archive), "-", *path_patterns(paths))
