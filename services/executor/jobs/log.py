"""Each job's full borg output in ``$DATA_DIR/logs/<job-id>.log``: bounded, readable while written."""

from __future__ import annotations

import os
import re
import time
from collections import deque
from pathlib import Path

_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Bytes kept from the end of an oversized log, written after the cut when the job ends.
TAIL_BYTES = 256 * 1024


def log_path(logs_dir: Path, job_id: str) -> Path:
    if not _JOB_ID.match(job_id):
        raise ValueError(f"not a job id: {job_id!r}")
    return logs_dir / f"{job_id}.log"


class JobLog:
    """Append-only writer. Past ``max_bytes`` it keeps only the last ``TAIL_BYTES`` in memory and
    writes them after a marker on ``close``: the start and the end of a huge log are what matter."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_bytes = max_bytes
        self.file = open(path, "ab", buffering=0)
        self.written = self.file.tell()
        self.dropped = 0
        self.tail: deque[bytes] = deque()
        self.tail_size = 0

    def write(self, data: bytes) -> None:
        if self.file.closed:
            return
        if not self.tail and self.written + len(data) <= self.max_bytes:
            self.file.write(data)
            self.written += len(data)
            return
        self.tail.append(data)
        self.tail_size += len(data)
        while self.tail_size > TAIL_BYTES and len(self.tail) > 1:
            gone = self.tail.popleft()
            self.tail_size -= len(gone)
            self.dropped += len(gone)

    def line(self, text: str) -> None:
        self.write(text.encode("utf-8", "replace") + b"\n")

    def close(self) -> None:
        if self.file.closed:
            return
        if self.tail:
            if self.dropped:
                self.file.write(f"\n[… {self.dropped} bytes of log omitted: JOB_LOG_MAX_MB reached …]\n".encode())
            self.file.write(b"".join(self.tail))
        self.file.close()


def read_slice(path: Path, offset: int, limit: int) -> tuple[bytes, int]:
    """Up to ``limit`` bytes from ``offset`` (ending on a line break when possible) and the size."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if offset >= size:
                return b"", size
            f.seek(max(offset, 0))
            data = f.read(limit)
    except FileNotFoundError:
        return b"", 0
    if len(data) == limit:
        cut = data.rfind(b"\n")
        if cut >= 0:
            data = data[: cut + 1]
    return data, size


def remove_old_logs(logs_dir: Path, retention_days: int, now: float | None = None) -> int:
    """Delete logs last written more than ``retention_days`` ago; returns how many went."""
    cutoff = (now if now is not None else time.time()) - retention_days * 86400
    removed = 0
    try:
        entries = list(os.scandir(logs_dir))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if entry.name.endswith(".log") and entry.is_file() and entry.stat().st_mtime < cutoff:
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass
    return removed
