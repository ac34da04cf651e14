"""Pieces every argument builder shares: the flags all repository commands take, and locations."""

from __future__ import annotations

from services.executor.borg.options import CommonOptions, validate_archive_name, validate_archive_template

# Every command logs JSON lines so the runner can tell progress, warnings and errors apart.
LOG_JSON = "--log-json"
# Ends option parsing: a repository, archive or source path starting with "-" stays a path.
END_OF_OPTIONS = "--"


def common_flags(common: CommonOptions | None) -> tuple[str, ...]:
    flags = [LOG_JSON]
    if common is not None:
        if common.lock_wait is not None:
            flags.append(f"--lock-wait={int(common.lock_wait)}")
        if common.remote_path:
            flags.append(f"--remote-path={common.remote_path}")
    return tuple(flags)


def repository(repo: str) -> str:
    if not repo or "::" in repo or "\x00" in repo:
        raise ValueError(f"not a usable repository location: {repo!r}")
    return repo


def archive_location(repo: str, archive: str) -> str:
    return f"{repository(repo)}::{validate_archive_name(archive)}"


def archive_template_location(repo: str, template: str) -> str:
    """A location whose archive name borg will expand (``{hostname}-{now}``); only ``borg create`` takes one."""
    return f"{repository(repo)}::{validate_archive_template(template)}"
