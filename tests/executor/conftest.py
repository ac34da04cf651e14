"""An executor running in this process against the session's nats-server, with roots under tmp."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

import pytest

from libs.bus import Bus
from libs.config import Settings
from services.executor.service import ExecutorService
from tests.support import make_settings, running_service


@dataclass
class Executor:
    settings: Settings
    root: Path  # repositories and sources live under here

    @property
    def logs(self) -> Path:
        return self.settings.data_dir / "logs"


async def _purge_commands(bus: Bus) -> None:
    # Each test starts with an empty work queue: commands another test left must not run here.
    await bus.js.purge_stream("COMMANDS")


def executor_settings(data_dir: Path, nats_url: str, root: Path, **env: str) -> Settings:
    return make_settings(
        data_dir,
        nats_url,
        SOURCE_ROOTS=str(root),
        REPOSITORY_ROOTS=str(root),
        BORG_BINARY=env.pop("BORG_BINARY", "borg"),
        **env,
    )


@pytest.fixture
async def executor(nats_server, data_dir: Path, tmp_path: Path, bus: Bus, borg_binary: str) -> AsyncIterator[Executor]:
    await _purge_commands(bus)
    root = tmp_path / "files"
    root.mkdir()
    settings = executor_settings(data_dir, nats_server.url, root, BORG_BINARY=borg_binary)
    async with running_service(ExecutorService, settings):
        yield Executor(settings, root)
