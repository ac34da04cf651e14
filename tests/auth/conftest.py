"""An auth service and a gateway run in this process on a private NATS server."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Callable

import pytest

from libs.bus import Bus, connect
from libs.config import Settings
from services.auth.service import AuthService
from services.gateway.service import GatewayService
from tests.support import NatsServer, free_port, make_settings, running_service, wait_for_port


@dataclass
class AuthSystem:
    data_dir: Path
    nats: NatsServer
    settings: Settings
    bus: Bus
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    auth_stack: contextlib.AsyncExitStack | None = None
    gateways: list[Settings] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.gateway_url(0)

    def gateway_url(self, index: int) -> str:
        settings = self.gateways[index]
        return f"http://{settings.bind}:{settings.port}"

    async def start_auth(self) -> None:
        self.auth_stack = contextlib.AsyncExitStack()
        await self.auth_stack.enter_async_context(running_service(AuthService, self.settings))

    async def stop_auth(self) -> None:
        assert self.auth_stack is not None
        await self.auth_stack.aclose()
        self.auth_stack = None

    async def add_gateway(self, **env: str) -> str:
        settings = make_settings(self.data_dir, self.nats.url, **{**self.env, **env})
        await self.stack.enter_async_context(running_service(GatewayService, settings))
        # Every copy answers rpc.gateway.health, so wait for this one's port itself.
        await asyncio.to_thread(wait_for_port, settings.port)
        self.gateways.append(settings)
        return self.gateway_url(len(self.gateways) - 1)

    env: dict[str, str] = field(default_factory=dict)


@contextlib.asynccontextmanager
async def auth_system(root: Path, **env: str) -> AsyncIterator[AuthSystem]:
    data_dir = root / "data"
    data_dir.mkdir(parents=True)
    nats = NatsServer("", free_port(), root / "nats")
    nats.url = f"nats://127.0.0.1:{nats.port}"
    nats.start()
    try:
        settings = make_settings(data_dir, nats.url, **env)
        bus = await connect(nats.url, "test", rpc_timeout=2.0)
        system = AuthSystem(data_dir, nats, settings, bus, env=env)
        try:
            await system.start_auth()
            await system.add_gateway()
            yield system
        finally:
            await system.stack.aclose()
            if system.auth_stack is not None:
                await system.stop_auth()
            await bus.close()
    finally:
        nats.stop()


@pytest.fixture(scope="module")
async def system(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AuthSystem]:
    """One auth service and gateway shared by a test module (tests use their own user names)."""
    async with auth_system(tmp_path_factory.mktemp("auth")) as started:
        yield started


@pytest.fixture
async def system_factory(tmp_path: Path) -> AsyncIterator[Callable]:
    """Systems of one test with their own settings: ``await system_factory(TOKEN_TTL="60")``."""
    async with contextlib.AsyncExitStack() as stack:
        count = 0

        async def start(**env: str) -> AuthSystem:
            nonlocal count
            count += 1
            return await stack.enter_async_context(auth_system(tmp_path / f"system{count}", **env))

        yield start
