"""Run borg for this executor: our ``BORG_BASE_DIR``, the repository's key file and passphrase."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from libs.contracts.envelope import RpcError
from services.executor.borg.environment import borg_env
from services.executor.borg.events import LogRecord, ProgressEvent
from services.executor.borg.runner import BorgRun, BorgStream, refused, run_borg, stream_borg
from services.executor.borg.version import parse_version, version_args, version_problem
from services.executor.repositories.store import RepositoryRecord

EventSink = Callable[[ProgressEvent | LogRecord], None]


class BorgCalls:
    def __init__(self, binary: str, service_dir: Path) -> None:
        self.binary = binary
        self.base_dir = service_dir / "borg"
        self.keys_dir = service_dir / "keys"
        self._version_problem: str | None = None
        self._version_checked = False
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    async def version_problem(self) -> str | None:
        """Why the configured borg cannot be used (too old, or borg 2), asked once; a borg that does
        not start at all is reported by each run instead, so installing it later needs no restart."""
        if not self._version_checked:
            run = await run_borg(version_args(self.binary), self.env(), passphrase=None)
            if run.status != "succeeded":
                return None
            try:
                self._version_problem = version_problem(parse_version(run.stdout))
            except ValueError as exc:
                self._version_problem = f"{self.binary} does not look like borg: {exc}"
            self._version_checked = True
        return self._version_problem

    def key_file(self, repository_id: str) -> Path:
        return self.keys_dir / f"{repository_id}.key"

    def write_key_file(self, repository_id: str, content: str) -> Path:
        """Put a keyfile-mode key where ``BORG_KEY_FILE`` points; the key itself is passphrase-encrypted."""
        path = self.key_file(repository_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(content)
        return path

    def env(self, key_file: Path | None = None, *, delete_repository: bool = False, accept_unknown: bool = False) -> dict[str, str]:
        # Importing a repository this installation never saw is the user's explicit choice to trust it.
        env = borg_env(
            os.environ,
            base_dir=self.base_dir,
            passphrase_fd=None,
            accept_unknown_repository=accept_unknown,
            confirm_repository_delete=delete_repository,
        )
        if key_file is not None:
            # Set after borg_env, which drops every inherited BORG_* variable.
            env["BORG_KEY_FILE"] = str(key_file)
        return env

    def env_for(self, repo: RepositoryRecord, **kw: bool) -> dict[str, str]:
        key_file = None
        if repo.keyfile is not None:
            key_file = self.key_file(repo.id)
            if not key_file.exists():
                self.write_key_file(repo.id, repo.keyfile)
        return self.env(key_file, **kw)

    async def run(
        self,
        argv: tuple[str, ...],
        env: dict[str, str],
        *,
        passphrase: str | None,
        on_event: EventSink | None = None,
        cancel: asyncio.Event | None = None,
        log_sink: Callable[[bytes], None] | None = None,
        cwd: str | None = None,
    ) -> BorgRun:
        problem = await self.version_problem()
        if problem is not None:
            return refused(problem)
        return await run_borg(argv, env, passphrase=passphrase, on_event=on_event, cancel=cancel, log_sink=log_sink, cwd=cwd)

    @contextlib.asynccontextmanager
    async def stream(self, argv: tuple[str, ...], env: dict[str, str], **options: Any) -> AsyncIterator[BorgStream]:
        """``stream_borg`` behind the same version check as ``run``: a borg we cannot use is refused
        with ``unavailable`` before it starts."""
        problem = await self.version_problem()
        if problem is not None:
            raise RpcError("unavailable", problem)
        async with stream_borg(argv, env, **options) as stream:
            yield stream
