"""Create, import, edit and remove repositories; read their statistics and keys."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Awaitable, Callable

from libs.contracts.base import new_id, utc_now
from libs.contracts.envelope import RpcError
from libs.contracts.executor import (
    KEY_EXPORT_MODES,
    KEYFILE_MODES,
    PASSPHRASE_MODES,
    CreateRepository,
    ImportRepository,
    KeyExport,
    KeyExportRequest,
    LockState,
    RemoveRepository,
    RepositoryEvent,
    RepositoryStats,
    UpdateRepository,
)
from services.executor.borg.delete import delete_repository_args
from services.executor.borg.info import info_args, parse_repository_info
from services.executor.borg.init import init_args
from services.executor.borg.key_export import KEY_DOWNLOADS, key_export_args
from services.executor.borg.list import list_archives_args, parse_archive_list
from services.executor.borg.runner import BorgRun
from services.executor.borg_calls import BorgCalls
from services.executor.jobs.options import validate_backup_options
from services.executor.paths import check_new_repository_path, resolve_inside
from services.executor.repositories import locks
from services.executor.repositories.stats import stats_from
from services.executor.repositories.store import RepositoryRecord, RepositoryStore

log = logging.getLogger("executor.repositories")

Publish = Callable[[str, RepositoryEvent], Awaitable[None]]
MAX_NAME = 100


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise RpcError("invalid", f"a repository name needs 1 to {MAX_NAME} printable characters")
    return name


def failure_of(run: BorgRun, doing: str) -> RpcError:
    if run.failure is not None:
        return RpcError(run.failure.code, run.failure.message)
    last = run.error_lines[-1] if run.error_lines else f"borg exited with code {run.returncode}"
    return RpcError("internal", f"{doing} failed: {last}")


def event_of(record: RepositoryRecord, **extra: object) -> RepositoryEvent:
    return RepositoryEvent(
        repository_id=record.id, name=record.name, location=record.location, encryption=record.encryption, **extra
    )


class RepositoryManager:
    def __init__(
        self,
        store: RepositoryStore,
        borg: BorgCalls,
        roots: tuple[Path, ...],
        source_roots: tuple[Path, ...],
        publish: Publish,
        busy: Callable[[str], str | None],
        has_jobs: Callable[[str], Awaitable[bool]],
    ) -> None:
        self.store = store
        self.borg = borg
        self.roots = roots
        self.source_roots = source_roots
        self.publish = publish
        # The id of our job running against a repository, if any: borg would wait for its lock.
        self.busy = busy
        self.has_jobs = has_jobs
        # Creating, importing and removing check for duplicates before acting: one at a time.
        self.lock = asyncio.Lock()

    async def create(self, req: CreateRepository, actor: str | None) -> RepositoryRecord:
        name = check_name(req.name)
        passphrase = self._passphrase_for(req.encryption, req.passphrase)
        defaults = validate_backup_options(req.defaults, self.source_roots, require_sources=False)
        async with self.lock:
            path = check_new_repository_path(req.location, self.roots)
            await self.store.check_unique(name, str(path))
            rid = new_id()
            key_file = self.borg.key_file(rid) if req.encryption in KEYFILE_MODES else None
            run = await self.borg.run(
                init_args(self.borg.binary, str(path), req.encryption), self.borg.env(key_file), passphrase=passphrase
            )
            if run.status != "succeeded":
                raise failure_of(run, "borg init")
            now = utc_now()
            record = RepositoryRecord(
                id=rid,
                name=name,
                location=str(path),
                encryption=req.encryption,
                passphrase=passphrase,
                keyfile=key_file.read_text() if key_file else None,
                defaults=defaults,
                stats=RepositoryStats(refreshed_at=now),
                created_at=now,
                updated_at=now,
            )
            await self.store.insert(record)
        log.info("created repository %s at %s (%s)", name, path, req.encryption)
        await self.publish("evt.repository.created", event_of(record, actor=actor))
        return record

    async def import_(self, req: ImportRepository, actor: str | None) -> RepositoryRecord:
        name = check_name(req.name)
        defaults = validate_backup_options(req.defaults, self.source_roots, require_sources=False)
        async with self.lock:
            path = resolve_inside(req.location, self.roots, "repository path")
            if not (path / "config").is_file():
                raise RpcError("invalid", f"there is no borg repository at {req.location}")
            await self.store.check_unique(name, str(path))
            rid = new_id()
            key_file = self.borg.write_key_file(rid, req.keyfile) if req.keyfile else None
            try:
                info, archives = await self._read_stats(str(path), self.borg.env(key_file, accept_unknown=True), req.passphrase)
            except RpcError as exc:
                if key_file:
                    key_file.unlink(missing_ok=True)
                raise self._explain_import_failure(exc, req) from None
            mode = info.encryption
            if mode in PASSPHRASE_MODES and not req.passphrase:
                raise RpcError("invalid", "this repository is encrypted: its passphrase is needed")
            now = utc_now()
            record = RepositoryRecord(
                id=rid,
                name=name,
                location=str(path),
                encryption=mode,
                passphrase=req.passphrase if mode in PASSPHRASE_MODES else None,
                keyfile=req.keyfile if mode in KEYFILE_MODES else None,
                defaults=defaults,
                stats=stats_from(info, archives),
                created_at=now,
                updated_at=now,
            )
            await self.store.insert(record)
        await self.publish("evt.repository.created", event_of(record, actor=actor))
        return record

    @staticmethod
    def _explain_import_failure(exc: RpcError, req: ImportRepository) -> RpcError:
        text = exc.message.lower()
        if "key file" in text and "found" in text:
            return RpcError("invalid", "this is a keyfile repository and its key is not on this host: upload the key file")
        if not req.passphrase and ("passphrase" in text or exc.code == "invalid"):
            return RpcError("invalid", "this repository is encrypted: its passphrase is needed")
        return exc

    async def update(self, req: UpdateRepository, actor: str | None) -> RepositoryRecord:
        record = await self.store.get(req.id)
        name = check_name(req.name) if req.name is not None else None
        defaults = validate_backup_options(req.defaults, self.source_roots, require_sources=False) if req.defaults else None
        if req.passphrase is not None:
            if record.encryption not in PASSPHRASE_MODES:
                raise RpcError("invalid", "this repository is not encrypted: it has no passphrase")
            self._ensure_idle(record.id)
            # Only store a passphrase that opens the repository; borg's key itself is unchanged.
            await self._read_stats(record.location, self.borg.env_for(record), req.passphrase)
        async with self.lock:
            if name is not None:
                await self.store.check_unique(name, None, exclude_id=record.id)
            await self.store.update(record.id, name=name, defaults=defaults, passphrase=req.passphrase)
        updated = await self.store.get(record.id)
        await self.publish("evt.repository.updated", event_of(updated, actor=actor))
        return updated

    async def remove(self, req: RemoveRepository, actor: str | None) -> None:
        async with self.lock:
            record = await self.store.get(req.id)
            if await self.has_jobs(record.id):
                raise RpcError("conflict", "jobs of this repository are queued or running; cancel them first")
            if req.delete_data:
                if req.confirm_name != record.name:
                    raise RpcError("invalid", "type the repository's name exactly to delete its data")
                run = await self.borg.run(
                    delete_repository_args(self.borg.binary, record.location),
                    self.borg.env_for(record, delete_repository=True),
                    passphrase=record.passphrase,
                )
                if run.status not in ("succeeded", "warning"):
                    raise failure_of(run, "borg delete")
            await self.store.delete(record.id)
            self.borg.key_file(record.id).unlink(missing_ok=True)
        log.info("removed repository %s%s", record.name, " and its data" if req.delete_data else "")
        await self.publish("evt.repository.removed", event_of(record, actor=actor, data_deleted=req.delete_data))

    async def refresh(self, repository_id: str, actor: str | None = None, *, announce: bool = True) -> RepositoryRecord:
        record = await self.store.get(repository_id)
        info, archives = await self._read_stats(record.location, self.borg.env_for(record), record.passphrase)
        await self.store.set_stats(record.id, stats_from(info, archives))
        updated = await self.store.get(record.id)
        if announce:
            await self.publish("evt.repository.updated", event_of(updated, actor=actor))
        return updated

    async def announce(self, repository_id: str) -> None:
        """Tell subscribers a repository's figures changed."""
        record = await self.store.find(repository_id)
        if record is not None:
            await self.publish("evt.repository.updated", event_of(record))

    async def refresh_on_demand(self, repository_id: str, actor: str | None) -> RepositoryRecord:
        self._ensure_idle(repository_id)
        return await self.refresh(repository_id, actor)

    async def key_export(self, req: KeyExportRequest) -> KeyExport:
        record = await self.store.get(req.id)
        if record.encryption not in KEY_EXPORT_MODES:
            raise RpcError("invalid", f"a repository with encryption {record.encryption} has no key to export")
        run = await self.borg.run(
            key_export_args(self.borg.binary, record.location, key_format=req.format),
            self.borg.env_for(record),
            passphrase=record.passphrase,
        )
        if run.status != "succeeded":
            raise failure_of(run, "borg key export")
        filename, content_type = KEY_DOWNLOADS[req.format]
        return KeyExport(filename=filename, content_type=content_type, content=run.stdout.decode("utf-8", "replace"))

    async def lock_state(self, repository_id: str) -> LockState:
        record = await self.store.get(repository_id)
        holders = await asyncio.to_thread(locks.read_holders, Path(record.location))
        return LockState(locked=bool(holders), holders=locks.describe(holders), running_job_id=self.busy(record.id))

    async def _read_stats(self, location: str, env: dict[str, str], passphrase: str | None):
        run = await self.borg.run(info_args(self.borg.binary, location), env, passphrase=passphrase)
        if run.status != "succeeded":
            raise failure_of(run, "borg info")
        info = parse_repository_info(run.stdout)
        run = await self.borg.run(list_archives_args(self.borg.binary, location), env, passphrase=passphrase)
        if run.status != "succeeded":
            raise failure_of(run, "borg list")
        return info, parse_archive_list(run.stdout)

    def _ensure_idle(self, repository_id: str) -> None:
        job_id = self.busy(repository_id)
        if job_id is not None:
            raise RpcError("locked", f"job {job_id} is running on this repository; try again when it is done", {"job_id": job_id})

    @staticmethod
    def _passphrase_for(encryption: str, passphrase: str | None) -> str | None:
        if encryption in PASSPHRASE_MODES:
            if not passphrase:
                raise RpcError("invalid", f"encryption {encryption} needs a passphrase")
            return passphrase
        if passphrase:
            raise RpcError("invalid", "encryption none takes no passphrase")
        return None

