"""Checks of paths the user names against the configured roots."""

from __future__ import annotations

import os
from pathlib import Path

from libs.contracts.envelope import RpcError


def parse_roots(raw: str) -> tuple[Path, ...]:
    """``"/a, /b"`` → resolved paths; empty parts are ignored."""
    return tuple(Path(part.strip()).resolve() for part in raw.split(",") if part.strip())


def under_roots(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def resolve_inside(raw: str, roots: tuple[Path, ...], what: str) -> Path:
    """The absolute, symlink-free form of ``raw``; ``invalid`` unless it lies under one of ``roots``."""
    if not raw or not os.path.isabs(raw):
        raise RpcError("invalid", f"{what} must be an absolute path, got {raw!r}")
    if "\x00" in raw:
        raise RpcError("invalid", f"{what} holds a NUL character")
    resolved = Path(raw).resolve()
    if not under_roots(resolved, roots):
        allowed = ", ".join(str(r) for r in roots) or "(none configured)"
        raise RpcError("invalid", f"{what} {raw} is outside the allowed folders: {allowed}")
    return resolved


def check_new_repository_path(raw: str, roots: tuple[Path, ...]) -> Path:
    """Where ``borg init`` may create a repository: an absent path or an empty folder, whose parent
    exists and lies under ``roots``."""
    path = resolve_inside(raw, roots, "repository path")
    if path.exists():
        if not path.is_dir():
            raise RpcError("invalid", f"repository path {raw} exists and is not a folder")
        if any(path.iterdir()):
            raise RpcError("invalid", f"repository path {raw} exists and is not empty")
    elif not path.parent.is_dir():
        raise RpcError("invalid", f"the parent folder {path.parent} does not exist")
    return path


def check_sources(raw: list[str], roots: tuple[Path, ...]) -> list[str]:
    """Backup sources: each must exist, be readable and lie under ``roots``."""
    if not raw:
        raise RpcError("invalid", "a backup needs at least one source path")
    checked = []
    for source in raw:
        path = resolve_inside(source, roots, "source")
        if not path.exists():
            raise RpcError("invalid", f"source {source} does not exist")
        if not os.access(path, os.R_OK):
            raise RpcError("invalid", f"source {source} is not readable")
        # Give borg the path as the user wrote it: archive paths should not change with symlinks.
        checked.append(source)
    return checked
