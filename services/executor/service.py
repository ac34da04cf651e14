"""The executor service: repositories and jobs; runs borg."""

from __future__ import annotations

import asyncio
import logging

import msgspec

from libs.contracts.base import Empty, utc_now
from libs.contracts.envelope import RpcError
from libs.contracts.executor import (
    CreateRepository,
    ImportRepository,
    KeyExport,
    KeyExportRequest,
    LockState,
    RefreshInfo,
    RemoveRepository,
    Repository,
    RepositoryList,
    RepositoryRef,
    UpdateRepository,
)
from libs.contracts.jobs import (
    COMMAND_TYPES,
    BackupCommand,
    BreakLockCommand,
    CheckCommand,
    CompactCommand,
    DeleteArchivesCommand,
    Job,
    JobCommand,
    JobPage,
    JobRef,
    ListJobs,
    LogChunk,
    PruneCommand,
    ReadLog,
    RenameArchiveCommand,
    ValidateJob,
)
from libs.runtime import Service, command, rpc
from libs.secrets import SecretBox, key_path
from services.executor.archives.endpoints import ArchiveEndpoints
from services.executor.borg_calls import BorgCalls
from services.executor.jobs.log import log_path, read_slice
from services.executor.jobs.scheduler import JobScheduler
from services.executor.jobs.store import JobStore
from services.executor.jobs.validate import validate_command
from services.executor.paths import parse_roots
from services.executor.repositories.manage import RepositoryManager
from services.executor.repositories.store import RepositoryStore
from services.executor.schema import MIGRATIONS

MAX_LOG_SLICE = 512 * 1024
_COMMAND_META = ("id", "time", "actor")


log = logging.getLogger("executor")


class ExecutorService(ArchiveEndpoints, Service):
    name = "executor"
    migrations = MIGRATIONS

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        assert self.db is not None
        service_dir = self.settings.service_dir(self.name)
        self.logs_dir = self.settings.data_dir / "logs"
        self.borg = BorgCalls(self.settings.borg_binary, service_dir)
        self.repos = RepositoryStore(self.db, SecretBox.load_or_create(key_path(self.settings.data_dir, self.name)))
        self.jobs = JobStore(self.db)
        self.source_roots = parse_roots(self.settings.source_roots)
        self.manager = RepositoryManager(
            self.repos,
            self.borg,
            parse_roots(self.settings.repository_roots),
            self.source_roots,
            self.bus.publish_event,
            busy=lambda rid: self.scheduler.busy(rid),
            has_jobs=self.jobs.has_active,
        )
        self._init_archives()
        self.scheduler = JobScheduler(
            jobs=self.jobs,
            repos=self.repos,
            manager=self.manager,
            borg=self.borg,
            bus=self.bus,
            logs_dir=self.logs_dir,
            log_max_bytes=self.settings.job_log_max_mb * 1024 * 1024,
            log_retention_days=self.settings.log_retention_days,
            max_concurrent=self.settings.max_concurrent_jobs,
            source_roots=self.source_roots,
            archives=self.archives,
        )

    async def start(self) -> None:
        problem = await self.borg.version_problem()
        if problem is not None:
            log.error("%s: every borg job will fail until BORG_BINARY names borg 1.2 or 1.4", problem)
        await self.scheduler.start()
        self._start_archives()

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self._stop_archives()

    # --- repositories ---------------------------------------------------------------------------

    @rpc("repositories.list")
    async def list_repositories(self, _: Empty) -> RepositoryList:
        return RepositoryList(items=[r.public() for r in await self.repos.all()])

    @rpc("repositories.get", RepositoryRef)
    async def get_repository(self, req: RepositoryRef) -> Repository:
        return (await self.repos.get(req.id)).public()

    @rpc("repositories.create", CreateRepository)
    async def create_repository(self, req: CreateRepository) -> Repository:
        return (await self.manager.create(req, req.actor)).public()

    @rpc("repositories.import", ImportRepository)
    async def import_repository(self, req: ImportRepository) -> Repository:
        return (await self.manager.import_(req, req.actor)).public()

    @rpc("repositories.update", UpdateRepository)
    async def update_repository(self, req: UpdateRepository) -> Repository:
        return (await self.manager.update(req, req.actor)).public()

    @rpc("repositories.remove", RemoveRepository)
    async def remove_repository(self, req: RemoveRepository) -> Empty:
        await self.manager.remove(req, req.actor)
        await self.archives.forget_repository(req.id)
        return Empty()

    @rpc("repositories.refresh", RefreshInfo)
    async def refresh_repository(self, req: RefreshInfo) -> Repository:
        return (await self.manager.refresh_on_demand(req.id, req.actor)).public()

    @rpc("repositories.key_export", KeyExportRequest)
    async def export_key(self, req: KeyExportRequest) -> KeyExport:
        return await self.manager.key_export(req)

    @rpc("repositories.lock", RepositoryRef)
    async def repository_lock(self, req: RepositoryRef) -> LockState:
        return await self.manager.lock_state(req.id)

    # --- jobs -----------------------------------------------------------------------------------

    async def _accept(self, kind: str, cmd: JobCommand) -> None:
        params = {k: v for k, v in msgspec.to_builtins(cmd).items() if k not in _COMMAND_META}
        await self.jobs.insert(cmd.id, kind, cmd.repository_id, cmd.actor, params, utc_now())
        # Published on a redelivery too (same event id, so the stream keeps one): the first attempt
        # may have stored the job and then lost its connection before the event went out.
        await self.scheduler.publish("evt.job.queued", await self.jobs.get(cmd.id), "queued")
        self.scheduler.wake.set()

    @command("backup", BackupCommand)
    async def on_backup(self, cmd: BackupCommand) -> None:
        await self._accept("backup", cmd)

    @command("prune", PruneCommand)
    async def on_prune(self, cmd: PruneCommand) -> None:
        await self._accept("prune", cmd)

    @command("compact", CompactCommand)
    async def on_compact(self, cmd: CompactCommand) -> None:
        await self._accept("compact", cmd)

    @command("check", CheckCommand)
    async def on_check(self, cmd: CheckCommand) -> None:
        await self._accept("check", cmd)

    @command("delete_archives", DeleteArchivesCommand)
    async def on_delete_archives(self, cmd: DeleteArchivesCommand) -> None:
        await self._accept("delete_archives", cmd)

    @command("rename_archive", RenameArchiveCommand)
    async def on_rename_archive(self, cmd: RenameArchiveCommand) -> None:
        await self._accept("rename_archive", cmd)

    @command("break_lock", BreakLockCommand)
    async def on_break_lock(self, cmd: BreakLockCommand) -> None:
        await self._accept("break_lock", cmd)

    @rpc("jobs.validate", ValidateJob)
    async def validate_job(self, req: ValidateJob) -> Empty:
        try:
            cmd = msgspec.convert(req.command, COMMAND_TYPES[req.kind])
        except msgspec.ValidationError as exc:
            raise RpcError("invalid", f"invalid {req.kind} request: {exc}") from None
        repo = await self.repos.get(cmd.repository_id)
        await asyncio.to_thread(validate_command, cmd, repo, self.source_roots)
        return Empty()

    @rpc("jobs.list", ListJobs)
    async def list_jobs(self, req: ListJobs) -> JobPage:
        return await self.jobs.page(req)

    @rpc("jobs.get", JobRef)
    async def get_job(self, req: JobRef) -> Job:
        return await self.jobs.get(req.id)

    @rpc("jobs.cancel", JobRef)
    async def cancel_job(self, req: JobRef) -> Job:
        return await self.scheduler.cancel(req.id)

    @rpc("jobs.log", ReadLog)
    async def read_log(self, req: ReadLog) -> LogChunk:
        job = await self.jobs.get(req.id)
        limit = max(1, min(req.limit, MAX_LOG_SLICE))
        data, size = await asyncio.to_thread(read_slice, log_path(self.logs_dir, job.id), max(0, req.offset), limit)
        next_offset = max(0, req.offset) + len(data)
        finished = job.status not in ("queued", "running")
        return LogChunk(
            text=data.decode("utf-8", "replace"),
            offset=req.offset,
            next_offset=next_offset,
            size=size,
            complete=finished and next_offset >= size,
        )
