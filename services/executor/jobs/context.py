"""What a running job's work needs, and how a borg run becomes the job's outcome."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from libs.contracts.executor import RepositoryStats
from libs.contracts.jobs import Job, JobCommand, JobStats
from services.executor.borg.create import CreateResult
from services.executor.borg.events import BorgOutput
from services.executor.borg.runner import BorgRun
from services.executor.borg_calls import BorgCalls
from services.executor.jobs.live import LivePublisher
from services.executor.jobs.log import JobLog
from services.executor.repositories.store import RepositoryRecord

if TYPE_CHECKING:
    from services.executor.archives.jobs import ArchiveJobs

KEPT_LINES = 20


@dataclass
class Outcome:
    status: str
    stats: JobStats | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    error_lines: list[str] = field(default_factory=list)
    # New repository figures the work itself learned (a backup's --json), saved with the job.
    repository_stats: RepositoryStats | None = None
    # A backup's `borg create --json` result: the new archive goes into the archive list.
    created: CreateResult | None = None


@dataclass
class JobContext:
    job: Job
    command: JobCommand
    repo: RepositoryRecord
    borg: BorgCalls
    log: JobLog
    cancel: asyncio.Event
    live: LivePublisher
    source_roots: tuple[Path, ...]
    # The archive list, index and restore checks (index, restore and verify jobs use them).
    archives: ArchiveJobs | None = None

    async def run(
        self, argv: tuple[str, ...], on_event: Callable[[BorgOutput], None] | None = None, cwd: str | None = None
    ) -> BorgRun:
        def both(output: BorgOutput) -> None:
            self.live.on_output(output)
            if on_event is not None:
                on_event(output)

        # The argument list holds paths and options only; the passphrase goes through a pipe.
        self.log.line("$ " + " ".join(argv))
        return await self.borg.run(
            argv,
            self.borg.env_for(self.repo),
            passphrase=self.repo.passphrase,
            on_event=both,
            cancel=self.cancel,
            log_sink=self.log.write,
            cwd=cwd,
        )


def outcome_of(run: BorgRun, what: str) -> Outcome:
    if run.status == "succeeded":
        return Outcome("succeeded")
    if run.status == "cancelled":
        return Outcome("cancelled", error="cancelled by request")
    if run.status == "warning":
        lines = run.warning_lines[-KEPT_LINES:]
        return Outcome("warning", error=f"{what} finished with warnings", error_lines=lines)
    message = run.failure.message if run.failure else f"borg exited with code {run.returncode}"
    return Outcome("failed", error=message, error_lines=run.error_lines[-KEPT_LINES:])
