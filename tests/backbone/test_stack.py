"""The whole system as `make run` starts it: health, restarts, shutdown, preflight errors."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psutil
import pytest

from libs.bus import connect
from libs.contracts import Event
from libs.contracts.health import SERVICES
from tests.support import ROOT, NatsServer, Stack, free_port, stack_env, wait_healthy


async def get_health(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{url}/api/health") as resp:
            return resp.status, await resp.json()


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.05)
    return alive


async def test_stack_is_healthy_within_ten_seconds(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    stack = Stack(data_dir, port, stack_env(data_dir, port))
    started = time.monotonic()
    stack.start()
    try:
        await wait_healthy(stack.url, timeout=10)
        assert time.monotonic() - started < 10
        status, body = await get_health(stack.url)
        assert status == 200
        assert body == {"status": "ok", "services": {name: "ok" for name in SERVICES}}
        deadline = time.monotonic() + 5
        while f"Borg Web UI is running at http://127.0.0.1:{port}" not in stack.log():
            assert time.monotonic() < deadline, stack.log()
            await asyncio.sleep(0.05)
        assert set(stack.service_pids()) == {*SERVICES, "nats"}
        assert (data_dir / "nats" / "jetstream").is_dir()
    finally:
        assert stack.stop() == 0


async def test_killed_services_are_restarted(stack_factory) -> None:  # type: ignore[no-untyped-def]
    stack = await stack_factory()
    for name in SERVICES:
        before = stack.service_pids()[name]
        os.kill(before, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while True:
            after = stack.service_pids().get(name)
            if after and after != before:
                break
            assert time.monotonic() < deadline, f"{name} was not restarted"
            await asyncio.sleep(0.05)
        await wait_healthy(stack.url, timeout=10)
    assert "exited with code -9; restarting" in stack.log()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_stop_signal_leaves_no_process(stack_factory, sig: int) -> None:  # type: ignore[no-untyped-def]
    stack = await stack_factory()
    pids = list(stack.service_pids().values())
    assert len(pids) == len(SERVICES) + 1
    started = time.monotonic()
    assert stack.stop(sig, timeout=10) == 0
    assert time.monotonic() - started < 10
    assert wait_gone(pids, 2) == []
    assert not (stack.data_dir / "run" / "nats.url").exists()


async def test_children_die_with_a_killed_supervisor(stack_factory) -> None:  # type: ignore[no-untyped-def]
    stack = await stack_factory()
    pids = list(stack.service_pids().values())
    stack.stop(signal.SIGKILL)
    assert wait_gone(pids, 10) == []


async def test_second_run_reuses_the_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    async def run_once() -> Stack:
        port = free_port()
        stack = Stack(data_dir, port, stack_env(data_dir, port))
        stack.start()
        await wait_healthy(stack.url)
        return stack

    stack = await run_once()
    bus = await connect((data_dir / "run" / "nats.url").read_text().strip(), "test", 2)
    event = Event()
    await bus.publish_event("evt.test.remembered", event)
    await bus.close()
    assert stack.stop() == 0

    stack = await run_once()
    try:
        bus = await connect((data_dir / "run" / "nats.url").read_text().strip(), "test", 2)
        msg = await bus.js.get_last_msg("EVENTS", "evt.test.remembered")
        assert event.id.encode() in msg.data
        await bus.close()
    finally:
        stack.stop()


def run_and_fail(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "borgui", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )


def assert_one_clear_line(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_and_fail(stack_env(tmp_path / "data", port))
    assert_one_clear_line(result, f"port {port}", "already in use", "PORT")


def test_unwritable_data_dir_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_and_fail(stack_env(blocker / "data", free_port()))
    assert_one_clear_line(result, "DATA_DIR", "not writable", "DATA_DIR=")
    assert blocker.read_text() == "not a folder"


def test_silent_nats_url_is_one_clear_line(tmp_path: Path) -> None:
    dead = free_port()
    result = run_and_fail(stack_env(tmp_path / "data", free_port(), NATS_URL=f"nats://user:pw@127.0.0.1:{dead}"))
    assert_one_clear_line(result, "NATS_URL", "does not answer", "unset NATS_URL")
    assert "pw" not in result.stderr


def test_bad_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = run_and_fail(stack_env(tmp_path / "data", free_port(), LOG_LEVEL="loud"))
    assert_one_clear_line(result, "LOG_LEVEL")


async def test_existing_nats_server_is_used(stack_factory, nats_server: NatsServer) -> None:  # type: ignore[no-untyped-def]
    stack = await stack_factory(NATS_URL=nats_server.url)
    pids = stack.service_pids()
    assert "nats" not in pids and set(pids) == set(SERVICES)
    assert (stack.data_dir / "run" / "nats.url").read_text().strip() == nats_server.url


async def test_open_event_streams_do_not_hold_up_shutdown(stack_factory, api) -> None:  # type: ignore[no-untyped-def]
    stack = await stack_factory()
    session = await api(stack)
    responses = []
    for _ in range(2):
        resp = await session.get("/api/events", headers={"Accept": "text/event-stream"})
        assert resp.status == 200
        assert (await resp.content.readline()).startswith(b"retry:")
        responses.append(resp)
    responses[0].close()  # one client gone, one still reading
    started = time.monotonic()
    assert stack.stop(timeout=10) == 0
    assert time.monotonic() - started < 4
    assert "did not stop" not in stack.log()
    for resp in responses:
        resp.close()
