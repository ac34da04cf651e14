"""``borg key export`` (to stdout, for a download) and ``borg key import`` (a keyfile when importing)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from services.executor.borg.common import END_OF_OPTIONS, common_flags, repository
from services.executor.borg.options import CommonOptions

KeyFormat = Literal["key", "paper", "qr-html"]
_FORMAT_FLAGS: dict[str, tuple[str, ...]] = {"key": (), "paper": ("--paper",), "qr-html": ("--qr-html",)}
# What the download is called and served as, per format.
KEY_DOWNLOADS: dict[str, tuple[str, str]] = {
    "key": ("borg-key.txt", "text/plain; charset=utf-8"),
    "paper": ("borg-key-paper.txt", "text/plain; charset=utf-8"),
    "qr-html": ("borg-key.html", "text/html; charset=utf-8"),
}


def key_export_args(
    binary: str, repo: str, *, key_format: KeyFormat = "key", common: CommonOptions | None = None
) -> tuple[str, ...]:
    """Without a path borg writes the key to stdout: it never touches a file we would have to clean up."""
    if key_format not in _FORMAT_FLAGS:
        raise ValueError(f"unknown key format {key_format!r} (key, paper or qr-html)")
    return (binary, "key", "export", *common_flags(common), *_FORMAT_FLAGS[key_format], END_OF_OPTIONS, repository(repo))


def key_import_args(binary: str, repo: str, key_file: Path, *, common: CommonOptions | None = None) -> tuple[str, ...]:
    """Store an exported key (e.g. an uploaded keyfile) in borg's keys folder under our ``BORG_BASE_DIR``."""
    return (binary, "key", "import", *common_flags(common), END_OF_OPTIONS, repository(repo), str(key_file))
