"""Archive work of the executor: the archive list, index jobs, restore and verify jobs, and keeping
the list and the index right after the jobs that change archives."""

from __future__ import annotations

import asyncio
import getpass
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite

from libs.contracts.archives import Archive, IndexState
from libs.contracts.base import utc_now
from libs.contracts.envelope import RpcError
from libs.contracts.jobs import (
    IndexCommand,
    Job,
    JobCommand,
    RestoreCommand,
    VerifyCommand,
)
from services.executor.archives.catalog import ArchiveCatalog, index_state
from services.executor.archives.restore_plan import (
    check_destination,
    check_selection,
    plan_restore,
)
from services.executor.borg.extract import extract_args
from services.executor.borg.list import (
    list_archives_args,
    list_entries_args,
    parse_archive_details,
)
from services.executor.borg.options import (
    CommonOptions,
    OptionError,
    validate_archive_name,
)
from services.executor.borg.runner import BorgRun
from services.executor.borg_calls import BorgCalls
from services.executor.index.build import build_index
from services.executor.index.queries import normalise_path
from services.executor.index.store import IndexStore
from services.executor.jobs.context import JobContext, Outcome, outcome_of
from services.executor.repositories.store import RepositoryRecord, RepositoryStore

log = logging.getLogger("executor.archives")

Accept = Callable[[str, JobCommand], Awaitable[None]]
# A list read on demand waits this long for a running job's lock before answering from the cache.
LIST_LOCK_WAIT = 1


def archive_name(name: str) -> str:
    try:
        return validate_archive_name(name)
    except OptionError as exc:
        raise RpcError("invalid", str(exc)) from None


def borg_error(run: BorgRun, doing: str) -> RpcError:
    """The reply for a borg run that did not succeed: borg's classified failure, else its exit code."""
    if run.failure is None:
        return RpcError("internal", f"{doing}: borg exited with code {run.returncode}")
    return RpcError(run.failure.code, f"{doing}: {run.failure.message}")


class BorgFailed(Exception):
    """Borg failed after printing part of a listing; the job's outcome comes from ``run``."""

    def __init__(self, run: BorgRun) -> None:
        super().__init__(run.status)
        self.run = run


class ArchiveJobs:
    def __init__(
        self,
        *,
        db: aiosqlite.Connection,
        repos: RepositoryStore,
        borg: BorgCalls,
        index: IndexStore,
        restore_roots: tuple[Path, ...],
        accept: Accept,
        index_after_backup: bool,
    ) -> None:
        self.db = db
        self.repos = repos
        self.borg = borg
        self.index = index
        self.restore_roots = restore_roots
        self.accept = accept
        self.index_after_backup = index_after_backup
        self.catalog = ArchiveCatalog(db)
        # Entries read so far by each running index job (shown in the archive list).
        self.live_entries: dict[str, int] = {}
        self._starting = asyncio.Lock()

    # --- the archive list ------------------------------------------------------------------------

    async def refresh_list(self, repo: RepositoryRecord) -> None:
        argv = list_archives_args(self.borg.binary, repo.location, details=True, common=CommonOptions(lock_wait=LIST_LOCK_WAIT))
        run = await self.borg.run(argv, self.borg.env_for(repo), passphrase=repo.passphrase)
        if run.status not in ("succeeded", "warning"):
            raise borg_error(run, "could not list the archives")
        gone = await self.catalog.replace(repo.id, parse_archive_details(run.stdout))
        await self.index.remove_archives(repo.id, gone)

    async def archives(self, repo: RepositoryRecord, refresh: bool) -> list[Archive]:
        if refresh or not await self.catalog.known(repo.id):
            try:
                await self.refresh_list(repo)
            except RpcError:
                # Locked by a running job, say: the cached list is still right unless it never was read.
                if not await self.catalog.known(repo.id):
                    raise
        return await self.catalog.listing(repo.id, await self.index.states(repo.id), self.live_entries)

    async def archive_row(self, repo: RepositoryRecord, name: str) -> aiosqlite.Row:
        """The archive's cached record, reading the list from borg once if it is not known yet."""
        archive_name(name)
        row = await self.catalog.find(repo.id, name)
        if row is None and not await self.catalog.known(repo.id):
            await self.refresh_list(repo)
            row = await self.catalog.find(repo.id, name)
        if row is None:
            raise RpcError("not_found", f"repository {repo.name!r} has no archive named {name!r}")
        return row

    # --- index -------------------------------------------------------------------------------------

    async def start_index(self, repository_id: str, archive: str, actor: str | None) -> str:
        cmd = IndexCommand(repository_id=repository_id, archive=archive, actor=actor)
        await self.accept("index", cmd)
        await self.catalog.set_index_job(repository_id, archive, cmd.id)
        return cmd.id

    async def ensure_index(self, repo: RepositoryRecord, archive: str, actor: str | None) -> IndexState:
        """The archive's index state, starting its index job when there is none (first open)."""
        async with self._starting:
            row = await self.archive_row(repo, archive)
            indexed = (await self.index.states(repo.id)).get(archive)
            state = index_state(row["job_status"], row["index_job_id"], indexed, self.live_entries.get(row["index_job_id"] or "", 0))
            if state.state == "failed" and row["job_status"] == "failed":
                # Not retried on every open (the browser polls): a rebuild is asked for explicitly.
                raise RpcError(
                    "conflict", f"indexing archive {archive!r} failed (job {row['index_job_id']}); see its log, then rebuild the index"
                )
            if state.state in ("none", "failed"):
                # Never indexed, or its job was cancelled or interrupted by a restart: (re)start it.
                job_id = await self.start_index(repo.id, archive, actor)
                state = IndexState(state="queued", job_id=job_id)
            return state

    async def ready_archive_id(self, repo: RepositoryRecord, archive: str, actor: str | None) -> int:
        """The index id of an archive whose index is ready; ``conflict`` (and its index job started)
        otherwise."""
        state = await self.ensure_index(repo, archive, actor)
        if state.state != "ready":
            raise RpcError("conflict", f"archive {archive!r} is being indexed (job {state.job_id}); try again when it is done")
        db = await self.index.reader(repo.id)
        async with db.execute("SELECT id FROM archives WHERE name = ? AND state = 'ready'", (archive,)) as cur:
            row = await cur.fetchone()
        if row is None:
            raise RpcError("conflict", f"archive {archive!r} is not indexed")
        return int(row[0])

    async def index_work(self, ctx: JobContext) -> Outcome:
        cmd = ctx.command
        assert isinstance(cmd, IndexCommand)
        row = await self.archive_row(ctx.repo, cmd.archive)
        argv = list_entries_args(ctx.borg.binary, ctx.repo.location, cmd.archive)
        ctx.log.line("$ " + " ".join(argv))
        job_id = ctx.job.id

        def progress(entries: int) -> None:
            self.live_entries[job_id] = entries
            ctx.live.tracker.entries = entries
            ctx.live.offer(time.monotonic())

        try:
            async with self.index.writer(ctx.repo.id) as db, ctx.borg.stream(
                argv,
                ctx.borg.env_for(ctx.repo),
                passphrase=ctx.repo.passphrase,
                on_event=ctx.live.on_output,
                cancel=ctx.cancel,
                log_sink=ctx.log.write,
            ) as stream:

                async def borg_succeeded() -> None:
                    run = await stream.finish()
                    if run.status != "succeeded":
                        raise BorgFailed(run)

                entries = await build_index(
                    db, cmd.archive, row["start"] or "", stream.line_blocks(256 * 1024), progress, borg_succeeded, row["seq"]
                )
        except BorgFailed as exc:
            return outcome_of(exc.run, "index")
        finally:
            self.live_entries.pop(job_id, None)
        ctx.log.line(f"[executor] indexed {entries} entries of {cmd.archive}")
        outcome = Outcome("succeeded")
        outcome.result = {"archive": cmd.archive, "entries": entries}
        return outcome

    # --- restore and verify -----------------------------------------------------------------------

    async def restore_work(self, ctx: JobContext) -> Outcome:
        cmd = ctx.command
        assert isinstance(cmd, RestoreCommand)
        archive_id = await self.ready_archive_id(ctx.repo, archive_name(cmd.archive), cmd.actor)
        paths = check_selection(cmd.paths, cmd.strip_components)
        destination = await asyncio.to_thread(check_destination, cmd.destination, self.restore_roots)
        db = await self.index.reader(ctx.repo.id)
        plan = await plan_restore(db, archive_id, paths, cmd.strip_components, destination, self.restore_roots, 0)
        ctx.log.line(f"[executor] restoring {plan.files} files ({plan.bytes} bytes) into {destination}; {plan.overwrites} overwritten")
        argv = extract_args(
            ctx.borg.binary, ctx.repo.location, cmd.archive, paths,
            strip_components=cmd.strip_components, list_files=True, progress=True,
        )
        run = await ctx.run(argv, cwd=str(destination))
        outcome = outcome_of(run, "restore")
        outcome.result = {
            "archive": cmd.archive, "destination": str(destination), "files": plan.files, "bytes": plan.bytes,
            "overwrites": plan.overwrites,
        }
        return outcome

    async def verify_work(self, ctx: JobContext) -> Outcome:
        cmd = ctx.command
        assert isinstance(cmd, VerifyCommand)
        archive = cmd.archive
        if archive is None:
            if not await self.catalog.known(ctx.repo.id):
                await self.refresh_list(ctx.repo)
            archive = await self.catalog.newest(ctx.repo.id)
            if archive is None:
                return Outcome("failed", error="the repository has no archive to verify")
        else:
            await self.archive_row(ctx.repo, archive)
        paths = [normalise_path(p) for p in cmd.paths]
        if any(not p for p in paths):
            raise RpcError("invalid", "name files or folders to verify, or none for the whole archive")
        argv = extract_args(ctx.borg.binary, ctx.repo.location, archive, paths, dry_run=True, progress=True)
        run = await ctx.run(argv)
        outcome = outcome_of(run, "verify")
        outcome.result = {"archive": archive, "paths": paths}
        if outcome.status == "succeeded":
            await self.db.execute(
                "UPDATE repositories SET last_verified_at = ?, last_verified_archive = ? WHERE id = ?",
                (utc_now(), archive, ctx.repo.id),
            )
            await self.db.commit()
        return outcome

    # --- keeping the list and index right ------------------------------------------------------------

    async def after_job(self, job: Job, outcome: Outcome) -> bool:
        """Update the archive list and index after a job; True when the repository record changed."""
        try:
            return await self._after_job(job, outcome)
        except Exception:
            # The job's own outcome stands; the list is read from borg again on the next request.
            log.exception("could not update the archive list after job %s", job.id)
            await self.catalog.forget_repository(job.repository_id)
            return False

    async def _after_job(self, job: Job, outcome: Outcome) -> bool:
        if outcome.status not in ("succeeded", "warning"):
            return False
        params = job.params
        rid = job.repository_id
        if job.kind == "backup" and outcome.created is not None:
            await self.catalog.add_created(rid, outcome.created, socket.gethostname(), getpass.getuser())
            if self.index_after_backup:
                await self.start_index(rid, outcome.created.archive_name, job.actor)
        elif job.kind == "delete_archives":
            await self._forget(rid, list(params.get("archives", [])))
        elif job.kind == "prune" and not params.get("dry_run") and outcome.result:
            await self._forget(rid, list(outcome.result.get("pruned", [])))
        elif job.kind == "rename_archive":
            await self.catalog.rename(rid, params["archive"], params["new_name"])
            await self.index.rename_archive(rid, params["archive"], params["new_name"])
        elif job.kind == "verify":
            return outcome.status == "succeeded"
        return False

    async def _forget(self, repository_id: str, names: list[str]) -> None:
        await self.catalog.remove(repository_id, names)
        await self.index.remove_archives(repository_id, names)

    async def forget_repository(self, repository_id: str) -> None:
        await self.catalog.forget_repository(repository_id)
        await self.index.drop(repository_id)
