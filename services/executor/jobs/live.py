"""Send a job's progress on ``live.job.<id>``: the first change at once, then at most twice a second."""

from __future__ import annotations

import asyncio
import logging
import time

from libs.bus import Bus
from services.executor.borg.events import BorgOutput, ProgressEvent
from services.executor.jobs.progress import MIN_INTERVAL, ProgressTracker

log = logging.getLogger("executor.live")


class LivePublisher:
    def __init__(self, bus: Bus, tracker: ProgressTracker) -> None:
        self.bus = bus
        self.tracker = tracker
        self.subject = f"live.job.{tracker.job_id}"
        self.timer: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Task] = set()

    def on_output(self, output: BorgOutput) -> None:
        if not isinstance(output, ProgressEvent) or output.finished:
            return
        now = time.monotonic()
        if output.kind == "archive":
            self.tracker.archive_progress(
                now, output.files, output.original_size, output.compressed_size, output.deduplicated_size, output.path
            )
        else:
            self.tracker.percent_progress(output.percent, output.message or None)
        self.offer(now)

    def offer(self, now: float) -> None:
        if self.tracker.due(now):
            self._send(now)
        elif self.timer is None:
            # Samples arriving inside the interval are not lost: the latest goes out when it ends.
            delay = self.tracker.last_sent + MIN_INTERVAL - now
            self.timer = asyncio.get_running_loop().call_later(delay, self._flush)

    def _flush(self) -> None:
        self.timer = None
        self._send(time.monotonic())

    def _send(self, now: float) -> None:
        sample = self.tracker.sample(now)
        task = asyncio.create_task(self._publish(sample))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _publish(self, sample: object) -> None:
        try:
            await self.bus.publish_live(self.subject, sample)
        except Exception as exc:  # progress is worthless a second later; never fail the job for it
            log.debug("live progress not sent: %s", exc)

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
