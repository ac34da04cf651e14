"""Helpers the tests share: real processes started on free loopback ports."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

import psutil
import pytest

from libs.bus import connect
from libs.config import Settings, load_settings
from libs.runtime import Service, run_service

ROOT = Path(__file__).resolve().parents[1]
IN_CI = bool(os.environ.get("CI"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_program(name: str, *candidates: str) -> str:
    """The path of a program the tests need; in CI its absence fails the run instead of skipping."""
    for candidate in (name, *candidates):
        found = shutil.which(candidate)
        if found:
            return found
    message = f"{name} is not installed (.ci/run installs it with apt-get)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def nats_server_binary() -> str:
    beside = Path(sys.executable).with_name("nats-server")
    return str(beside) if beside.exists() else require_program("nats-server")


@dataclass
class NatsServer:
    url: str
    port: int
    store: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [nats_server_binary(), "--addr", "127.0.0.1", "--port", str(self.port), "--jetstream", "--store_dir", str(self.store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on port {port}")


def make_settings(data_dir: Path, nats_url: str = "", **env: str) -> Settings:
    base = {"DATA_DIR": str(data_dir), "NATS_URL": nats_url, "PORT": str(free_port()), "LOG_LEVEL": "WARNING"}
    base.update(env)
    return load_settings(base)


@contextlib.asynccontextmanager
async def running_service(service_cls: type[Service], settings: Settings) -> AsyncIterator[asyncio.Task]:
    """Run one service in this process until the block ends, with its own NATS connection."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_service(service_cls, settings, stop))
    try:
        await wait_rpc(settings.nats_url, f"rpc.{service_cls.name}.health", task)
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def wait_rpc(nats_url: str, subject: str, task: asyncio.Task | None = None, timeout: float = 10.0) -> None:
    bus = await connect(nats_url, "test-probe", 0.5)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if task is not None and task.done():
                task.result()
            try:
                await bus.request(subject, timeout=0.5)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)
    finally:
        await bus.close()


@dataclass
class Stack:
    """The whole system started as ``python -m borgui run`` in a subprocess."""

    data_dir: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen | None = None
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_path = self.data_dir.parent / f"stack-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "borgui", "run"], cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def service_pids(self) -> dict[str, int]:
        """Service name → pid, read from the supervisor's children."""
        assert self.process is not None
        pids = {}
        for child in psutil.Process(self.process.pid).children():
            with contextlib.suppress(psutil.Error):
                cmd = child.cmdline()
                for i, part in enumerate(cmd):
                    if part == "-m" and i + 1 < len(cmd) and cmd[i + 1].startswith("services."):
                        pids[cmd[i + 1].split(".")[1]] = child.pid
                    elif part.endswith("nats-server"):
                        pids["nats"] = child.pid
        return pids

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        finally:
            self._log.close()


def stack_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "PORT", "DATA_DIR")}
    env.update({"DATA_DIR": str(data_dir), "PORT": str(port), "LOG_LEVEL": "INFO"})
    env.update(extra)
    return env


async def wait_healthy(url: str, timeout: float = 10.0) -> float:
    """Seconds until ``GET /api/health`` answers 200."""
    import aiohttp

    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        while True:
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with session.get(f"{url}/api/health", timeout=aiohttp.ClientTimeout(total=2)) as resp:
                    if resp.status == 200:
                        return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{url} not healthy after {timeout}s")
            await asyncio.sleep(0.05)
