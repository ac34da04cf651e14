"""``borg extract``: restore paths of an archive into the working folder, to stdout, or nowhere (``--dry-run``)."""

from __future__ import annotations

from collections.abc import Sequence

from services.executor.borg.common import END_OF_OPTIONS, archive_location, common_flags
from services.executor.borg.options import CommonOptions


def path_patterns(paths: Sequence[str]) -> tuple[str, ...]:
    """Archive paths as explicit path-prefix patterns: a name like ``re:x`` or ``sh:*`` stays a name."""
    out = []
    for path in paths:
        clean = path.strip("/")
        if not clean or "\x00" in clean:
            raise ValueError(f"not an archive path: {path!r}")
        out.append(f"pp:{clean}")
    return tuple(out)


def extract_args(
    binary: str,
    repo: str,
    archive: str,
    paths: Sequence[str] = (),
    *,
    dry_run: bool = False,
    strip_components: int = 0,
    stdout: bool = False,
    list_files: bool = False,
    progress: bool = False,
    common: CommonOptions | None = None,
) -> tuple[str, ...]:
    """Extract ``paths`` (all of the archive when empty) into the current folder.

    ``list_files`` logs every extracted path (``borg.output.list`` records); ``stdout`` writes the
    files' contents to stdout instead, for streaming one file to a client."""
    if strip_components < 0:
        raise ValueError("strip_components must not be negative")
    if dry_run and stdout:
        raise ValueError("a dry run writes nothing, not even to stdout")
    args = [binary, "extract", *common_flags(common)]
    if dry_run:
        args.append("--dry-run")
    if stdout:
        args.append("--stdout")
    if list_files:
        args.append("--list")
    if progress:
        args.append("--progress")
    if strip_components:
        args.append(f"--strip-components={int(strip_components)}")
    return (*args, END_OF_OPTIONS, archive_location(repo, archive), *path_patterns(paths))
