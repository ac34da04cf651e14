"""One line of ``borg list --json-lines`` turned into an index row (pure)."""

from __future__ import annotations

from typing import NamedTuple

import msgspec


class BorgEntry(msgspec.Struct):
    type: str
    mode: str
    path: str
    user: str = ""
    group: str = ""
    mtime: str = ""
    size: int = 0
    linktarget: str = ""
    source: str = ""


class Row(NamedTuple):
    parent: str
    name: str
    type: str
    size: int
    mode: str
    user: str
    group: str
    mtime: str
    target: str
    hardlink: int


_decoder = msgspec.json.Decoder(list[BorgEntry])


def split_path(path: str) -> tuple[str, str]:
    """``a/b/c`` → (``a/b``, ``c``); a top-level name has the parent ``""``."""
    path = path.strip("/")
    parent, _, name = path.rpartition("/")
    return parent, name


def decode_lines(blocks: list[bytes]) -> list[BorgEntry]:
    """Decode blocks of JSON lines (each block one line or many) in one call, which is several
    times faster than one call per line."""
    data = b"\n".join(blocks).strip()
    while b"\n\n" in data:  # blank lines would leave empty array items
        data = data.replace(b"\n\n", b"\n")
    return _decoder.decode(b"[" + data.replace(b"\n", b",") + b"]") if data else []


def to_row(entry: BorgEntry) -> Row:
    parent, name = split_path(entry.path)
    # borg 1.x marks the second and later names of a hard-linked file with mode "h…" and size 0;
    # its size is filled in from the first name once the archive is read.
    hardlink = 1 if entry.mode.startswith("h") else 0
    target = entry.linktarget or entry.source
    return Row(parent, name, entry.type, entry.size, entry.mode, entry.user, entry.group, entry.mtime, target, hardlink)
