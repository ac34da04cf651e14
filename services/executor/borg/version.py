"""Which borg we run: ``borg --version`` and what we support."""

from __future__ import annotations

import re

MIN_VERSION: tuple[int, int, int] = (1, 2, 0)
# Borg 2 changed the command line (repo-create, --repo); it needs its own builders first.
FIRST_UNSUPPORTED: tuple[int, int, int] = (2, 0, 0)

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def version_args(binary: str) -> tuple[str, ...]:
    return (binary, "--version")


def parse_version(output: str | bytes) -> tuple[int, int, int]:
    """``"borg 1.2.4"`` -> ``(1, 2, 4)``; pre-release suffixes (``1.4.0b1``) are ignored."""
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    match = _VERSION.search(text)
    if match is None:
        raise ValueError(f"not a borg version: {text.strip()[:80]!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return (major, minor, patch)


def version_problem(version: tuple[int, int, int]) -> str | None:
    """Why this version cannot be used, or ``None`` when it can."""
    shown = ".".join(map(str, version))
    if version < MIN_VERSION:
        return f"borg {shown} is too old; borg {'.'.join(map(str, MIN_VERSION))} or newer is needed"
    if version >= FIRST_UNSUPPORTED:
        return f"borg {shown} is not supported yet; use borg 1.2 or 1.4"
    return None
