"""Source trees with every kind of entry, and comparing two trees (content, mode, mtime, links)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

T0 = 1_600_000_000


def _file(path: Path, data: bytes, mode: int = 0o644, mtime: int = T0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, mode)
    os.utime(path, ns=(mtime * 10**9 + 123_456_789, mtime * 10**9 + 123_456_789))


def make_source(src: Path) -> Path:
    _file(src / "docs" / "readme.txt", b"read me\n")
    _file(src / "docs" / "ünïcödé – file.txt", "déjà vu\n".encode(), 0o600)
    _file(src / "with space" / "a b c.bin", os.urandom(70_000), 0o640)
    _file(src / "deep" / "l1" / "l2" / "l3" / "leaf.txt", b"leaf\n")
    _file(src / "links" / "hard1.bin", os.urandom(5000))
    os.link(src / "links" / "hard1.bin", src / "links" / "hard2.bin")
    os.symlink("../docs/readme.txt", src / "links" / "sym")
    (src / "empty").mkdir()
    _file(src / "changing.txt", b"version one\n")
    _file(src / "removed.txt", b"soon gone\n")
    _file(src / "big.bin", os.urandom(1_300_000))  # several download chunks
    _settle_folders(src)
    return src


def change_source(src: Path) -> None:
    _file(src / "changing.txt", b"version two, longer\n", mtime=T0 + 100)
    (src / "removed.txt").unlink()
    _file(src / "added.txt", b"new\n")
    _settle_folders(src)


def _settle_folders(src: Path) -> None:
    for folder, _, _ in os.walk(src, topdown=False):
        os.utime(folder, (T0, T0))


def snapshot(root: Path, mtime_ns: bool = True) -> dict[str, tuple]:
    """Relative path → what must survive a restore."""
    out: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            st = path.lstat()
            mtime = st.st_mtime_ns if mtime_ns else int(st.st_mtime)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("l", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("d", stat.S_IMODE(st.st_mode), mtime)
            else:
                out[rel] = ("-", stat.S_IMODE(st.st_mode), mtime, path.read_bytes(), st.st_nlink)
    return out
