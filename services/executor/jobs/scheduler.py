"""Run queued jobs: one borg per repository, at most ``MAX_CONCURRENT_JOBS`` overall."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import msgspec

from libs.bus import Bus
from libs.contracts.base import utc_now
from libs.contracts.envelope import RpcError
from libs.contracts.jobs import COMMAND_TYPES, FINAL_STATUSES, Job
from services.executor.archives.jobs import ArchiveJobs
from services.executor.borg.break_lock import break_lock_args
from services.executor.borg_calls import BorgCalls
from services.executor.jobs.context import JobContext, Outcome
from services.executor.jobs.kinds import CHANGES_REPOSITORY, WORK
from services.executor.jobs.live import LivePublisher
from services.executor.jobs.log import JobLog, log_path, remove_old_logs
from services.executor.jobs.progress import ProgressTracker
from services.executor.jobs.queue import pick_runnable
from services.executor.jobs.store import JobStore, event_of
from services.executor.repositories import locks
from services.executor.repositories.manage import RepositoryManager
from services.executor.repositories.store import RepositoryStore

log = logging.getLogger("executor.scheduler")

IDLE_POLL = 30.0
RETENTION_EVERY = 6 * 3600.0
# On shutdown running borgs get SIGINT and this long to checkpoint before we leave them.
STOP_WAIT = 4.0
CANCEL_REPLY_WAIT = 3.0


@dataclass
class Running:
    task: asyncio.Task
    cancel: asyncio.Event
    repository_id: str


def _seconds_since(iso: str | None) -> float | None:
    if not iso:
        return None
    started = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return max(0.0, (datetime.now(timezone.utc) - started).total_seconds())


class JobScheduler:
    def __init__(
        self,
        *,
        jobs: JobStore,
        repos: RepositoryStore,
        manager: RepositoryManager,
        borg: BorgCalls,
        bus: Bus,
        logs_dir: Path,
        log_max_bytes: int,
        log_retention_days: int,
        max_concurrent: int,
        source_roots: tuple[Path, ...],
        archives: ArchiveJobs | None = None,
    ) -> None:
        self.jobs = jobs
        self.repos = repos
        self.manager = manager
        self.borg = borg
        self.bus = bus
        self.logs_dir = logs_dir
        self.log_max_bytes = log_max_bytes
        self.log_retention_days = log_retention_days
        self.max_concurrent = max_concurrent
        self.source_roots = source_roots
        self.archives = archives
        self.running: dict[str, Running] = {}
        self.wake = asyncio.Event()
        self.stopping = False
        self.loop_task: asyncio.Task | None = None

    def busy(self, repository_id: str) -> str | None:
        return next((jid for jid, r in self.running.items() if r.repository_id == repository_id), None)

    async def start(self) -> None:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        await self.recover()
        self.loop_task = asyncio.create_task(self._loop(), name="executor-scheduler")

    async def stop(self) -> None:
        self.stopping = True
        if self.loop_task is not None:
            self.loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.loop_task
        for running in self.running.values():
            running.cancel.set()
        tasks = [r.task for r in self.running.values()]
        if tasks:
            # Jobs still running after this are found `running` by the next start and marked interrupted.
            await asyncio.wait(tasks, timeout=STOP_WAIT)

    async def publish(self, subject: str, job: Job, suffix: str) -> None:
        event = event_of(job)
        # A stable id: a repeat of the same transition (a redelivered command) is dropped by the stream.
        event.id = f"{job.id}.{suffix}"
        try:
            await self.bus.publish_event(subject, event)
        except Exception as exc:
            log.warning("could not publish %s for job %s: %s", subject, job.id, exc)

    async def recover(self) -> None:
        """Jobs left `running` by a previous process are `interrupted`; a lock their dead borg left
        on this host is broken (and that written to the job's log); a live holder's lock is kept."""
        for job in await self.jobs.running():
            job_log = JobLog(log_path(self.logs_dir, job.id), self.log_max_bytes)
            try:
                job_log.line(f"[executor] {utc_now()} the executor restarted while this job ran: interrupted")
                repo = await self.repos.find(job.repository_id)
                if repo is not None:
                    await self._break_stale_lock(repo, job_log)
            finally:
                job_log.close()
            final = await self.jobs.finish(
                job.id, "interrupted", duration=_seconds_since(job.started_at), error="the executor stopped while this job ran"
            )
            await self.publish("evt.job.finished", final, "finished")
        removed = await asyncio.to_thread(remove_old_logs, self.logs_dir, self.log_retention_days)
        if removed:
            log.info("removed %d job logs older than %d days", removed, self.log_retention_days)

    async def _break_stale_lock(self, repo, job_log: JobLog) -> None:
        path = Path(repo.location)
        holders = await asyncio.to_thread(locks.read_holders, path)
        if not holders:
            job_log.line("[executor] the repository is not locked")
            return
        owners = ", ".join(f"{h.host} pid {h.pid}" for h in holders)
        if not locks.stale_on_this_host(holders):
            job_log.line(f"[executor] the repository is locked by {owners}, which may still run: lock kept")
            return
        run = await self.borg.run(break_lock_args(self.borg.binary, repo.location), self.borg.env_for(repo), passphrase=repo.passphrase, log_sink=job_log.write)
        if run.status == "succeeded":
            job_log.line(f"[executor] broke the stale lock of {owners} (a dead process on this host)")
            log.warning("broke stale lock of %s on %s", owners, repo.name)
        else:
            job_log.line(f"[executor] could not break the stale lock of {owners}: {run.failure.message if run.failure else run.returncode}")

    async def _loop(self) -> None:
        last_retention = time.monotonic()
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.wake.wait(), IDLE_POLL)
            self.wake.clear()
            try:
                await self._start_ready()
                if time.monotonic() - last_retention > RETENTION_EVERY:
                    last_retention = time.monotonic()
                    await asyncio.to_thread(remove_old_logs, self.logs_dir, self.log_retention_days)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduling failed; retrying")
                await asyncio.sleep(1.0)
                self.wake.set()

    async def _start_ready(self) -> None:
        free = self.max_concurrent - len(self.running)
        if free <= 0 or self.stopping:
            return
        busy = {r.repository_id for r in self.running.values()}
        for job_id in pick_runnable(await self.jobs.queued(), busy, free):
            job = await self.jobs.mark_running(job_id)
            if job.status != "running":
                continue  # cancelled while waiting
            cancel = asyncio.Event()
            task = asyncio.create_task(self._run(job, cancel), name=f"job-{job_id}")
            self.running[job_id] = Running(task, cancel, job.repository_id)

    async def _run(self, job: Job, cancel: asyncio.Event) -> None:
        started = time.monotonic()
        await self.publish("evt.job.started", job, "started")
        job_log = JobLog(log_path(self.logs_dir, job.id), self.log_max_bytes)
        tracker = ProgressTracker(job.id)
        live = LivePublisher(self.bus, tracker)
        outcome: Outcome
        try:
            job_log.line(f"[executor] {utc_now()} {job.kind} started")
            outcome = await self._work(job, cancel, job_log, live)
        except RpcError as exc:
            outcome = Outcome("failed", error=exc.message)
        except asyncio.CancelledError:
            job_log.close()
            raise
        except Exception as exc:
            log.exception("job %s failed", job.id)
            outcome = Outcome("failed", error=f"internal error: {exc}")
        finally:
            live.close()
        if self.stopping and outcome.status == "cancelled":
            outcome = Outcome("interrupted", error="the executor stopped while this job ran")
        job_log.line(f"[executor] {utc_now()} {job.kind} {outcome.status}" + (f": {outcome.error}" if outcome.error else ""))
        job_log.close()
        try:
            changed = await self._save_figures(job, outcome)
            if self.archives is not None and await self.archives.after_job(job, outcome):
                changed = True
            final = await self.jobs.finish(
                job.id,
                outcome.status,
                duration=time.monotonic() - started,
                stats=outcome.stats,
                result=outcome.result,
                error=outcome.error,
                error_lines=outcome.error_lines,
            )
            await self.publish("evt.job.finished", final, "finished")
            if changed:
                await self.manager.announce(job.repository_id)
        finally:
            self.running.pop(job.id, None)
            self.wake.set()

    async def _save_figures(self, job: Job, outcome: Outcome) -> bool:
        """Store the repository's new figures before the job is reported done, so whoever reacts
        to the finished event reads them; True when they changed."""
        if outcome.repository_stats is not None:
            await self.repos.set_stats(job.repository_id, outcome.repository_stats)
            return True
        if job.kind in CHANGES_REPOSITORY and outcome.status in ("succeeded", "warning") and not self.stopping:
            try:
                await self.manager.refresh(job.repository_id, announce=False)
            except RpcError as exc:
                log.warning("could not read the figures of repository %s: %s", job.repository_id, exc.message)
                return False
            return True
        return False

    async def _work(self, job: Job, cancel: asyncio.Event, job_log: JobLog, live: LivePublisher) -> Outcome:
        repo = await self.repos.find(job.repository_id)
        if repo is None:
            return Outcome("failed", error=f"repository {job.repository_id} does not exist (any more)")
        command = msgspec.convert(job.params, COMMAND_TYPES[job.kind])
        ctx = JobContext(
            job=job,
            command=command,
            repo=repo,
            borg=self.borg,
            log=job_log,
            cancel=cancel,
            live=live,
            source_roots=self.source_roots,
            archives=self.archives,
        )
        return await WORK[job.kind](ctx)

    async def cancel(self, job_id: str) -> Job:
        job = await self.jobs.get(job_id)
        if job.status in FINAL_STATUSES:
            raise RpcError("conflict", f"job {job_id} has already finished ({job.status})")
        running = self.running.get(job_id)
        if running is None:
            final = await self.jobs.cancel_queued(job_id)
            if final is not None:
                await self.publish("evt.job.finished", final, "finished")
                return final
            running = self.running.get(job_id)
            if running is None:
                return await self.jobs.get(job_id)
        running.cancel.set()
        await asyncio.wait([running.task], timeout=CANCEL_REPLY_WAIT)
        return await self.jobs.get(job_id)
