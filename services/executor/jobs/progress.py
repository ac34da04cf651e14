"""Turn borg's progress records into throttled live samples with rate, percent and time left."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from libs.contracts.base import utc_now
from libs.contracts.jobs import JobProgress

MIN_INTERVAL = 0.5
# The rate is measured over this many seconds, so a burst of small files doesn't swing it wildly.
RATE_WINDOW = 10.0


def percent_and_eta(done: int, total: int | None, rate: float) -> tuple[float | None, float | None]:
    """Percent of ``total`` reached and seconds left at ``rate``; None when unknown."""
    if not total or total <= 0:
        return None, None
    percent = min(100.0, done * 100.0 / total)
    if rate <= 0:
        return round(percent, 1), None
    return round(percent, 1), round(max(total - done, 0) / rate, 1)


@dataclass
class ProgressTracker:
    """Feed it samples as they arrive; ``due`` says when one should go out (at most every
    ``MIN_INTERVAL`` seconds), ``sample`` builds it."""

    job_id: str
    total_bytes: int | None = None
    files: int = 0
    original_size: int = 0
    compressed_size: int = 0
    deduplicated_size: int = 0
    path: str = ""
    borg_percent: float | None = None
    message: str | None = None
    entries: int | None = None
    last_sent: float = float("-inf")
    history: deque[tuple[float, int]] = field(default_factory=deque)

    def archive_progress(self, now: float, files: int, original: int, compressed: int, deduplicated: int, path: str) -> None:
        self.files, self.original_size = files, original
        self.compressed_size, self.deduplicated_size = compressed, deduplicated
        if path:
            self.path = path
        self.history.append((now, original))
        while len(self.history) > 2 and now - self.history[0][0] > RATE_WINDOW:
            self.history.popleft()

    def percent_progress(self, percent: float | None, message: str | None) -> None:
        self.borg_percent = percent
        self.message = message

    def rate(self) -> float:
        if len(self.history) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self.history[0], self.history[-1]
        return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0

    def due(self, now: float) -> bool:
        return now - self.last_sent >= MIN_INTERVAL

    def sample(self, now: float) -> JobProgress:
        self.last_sent = now
        rate = self.rate()
        percent, eta = percent_and_eta(self.original_size, self.total_bytes, rate)
        if percent is None and self.borg_percent is not None:
            percent = round(self.borg_percent, 1)
        return JobProgress(
            job_id=self.job_id,
            time=utc_now(),
            files=self.files,
            original_size=self.original_size,
            compressed_size=self.compressed_size,
            deduplicated_size=self.deduplicated_size,
            path=self.path,
            rate=round(rate, 1),
            percent=percent,
            eta_seconds=eta,
            message=self.message,
            entries=self.entries,
        )
