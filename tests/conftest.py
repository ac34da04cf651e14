"""Fixtures: a real nats-server per session, temporary data folders, the whole stack on demand."""

from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator, Callable, Iterator

import pytest

from libs.bus import Bus, connect
from tests.support import NatsServer, Stack, free_port, require_program, stack_env, wait_healthy


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    port = free_port()
    server = NatsServer(f"nats://127.0.0.1:{port}", port, tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
async def bus(nats_server: NatsServer) -> AsyncIterator[Bus]:
    client = await connect(nats_server.url, "test", rpc_timeout=2.0)
    await client.ensure_streams(1, 64)
    yield client
    await client.close()


@pytest.fixture
async def stack_factory(tmp_path: Path) -> AsyncIterator[Callable[..., Stack]]:
    """Start whole systems with ``await start(**env)``; each is stopped at the end of the test."""
    started: list[Stack] = []

    async def start(wait: bool = True, **extra: str) -> Stack:
        data_dir = tmp_path / f"stack{len(started)}"
        port = free_port()
        stack = Stack(data_dir, port, stack_env(data_dir, port, **extra))
        stack.start()
        started.append(stack)
        if wait:
            await wait_healthy(stack.url, timeout=15)
        return stack

    yield start
    for stack in started:
        stack.stop()


@pytest.fixture(scope="session")
def borg_binary() -> str:
    return require_program("borg")


@pytest.fixture(scope="session")
def chromium_binary() -> str:
    return require_program("chromium", "chromium-browser")


@pytest.fixture
async def api() -> AsyncIterator[Callable]:
    """Signed-in API sessions: ``session = await api(stack_or_url, role="admin")``.

    ``stack_or_url`` is a ``Stack`` from ``stack_factory`` (or anything with ``.url``) or a base URL.
    ``role="admin"`` signs in as the first admin (changing the factory password ``admin123`` the
    first time); ``"operator"``/``"viewer"`` make the admin create that user (named after the role,
    or ``username=``) and sign in as it. The session sends its bearer token with every request::

        admin = await api(stack)
        async with admin.get("/api/users") as resp: ...
        status, body = await admin.call("POST", "/api/tokens", json={"name": "ci"})

    ``session.token``/``.username``/``.password`` are there for tests that need them. Every session
    is closed at the end of the test.
    """
    from tests.auth.client import signed_in

    sessions = []

    async def open_session(target, role: str = "admin", username: str | None = None):
        session = await signed_in(target, role, username)
        sessions.append(session)
        return session

    yield open_session
    for session in sessions:
        await session.close()
