"""Start NATS (unless ``NATS_URL`` is given) and the five services as processes; restart any that
dies, with back-off; stop them all, NATS last, on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from borgui.embedded_nats import nats_server_args, nats_server_binary
from borgui.preflight import free_port
from libs.config import Settings
from libs.process import die_with_parent
from libs.contracts.health import SERVICES

log = logging.getLogger("supervisor")

STOP_GRACE = 6.0
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0
# A process that stayed up this long is healthy again; its next crash restarts without delay.
STABLE_AFTER = 30.0

@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path | None = None
    process: asyncio.subprocess.Process | None = None
    restarts: int = 0
    started_at: float = 0.0
    backoff: float = BACKOFF_FIRST
    task: asyncio.Task | None = field(default=None, repr=False)

    async def spawn(self) -> None:
        output = None
        if self.log_path is not None:
            output = open(self.log_path, "ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                env=self.env,
                start_new_session=True,
                preexec_fn=die_with_parent(signal.SIGTERM),
                stdout=output,
                stderr=output,
            )
        finally:
            if output is not None:
                output.close()
        self.started_at = time.monotonic()
        log.debug("started %s (pid %s)", self.name, self.process.pid)


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stopping = asyncio.Event()
        self.nats: Child | None = None
        self.services: list[Child] = []

    def _child_env(self, nats_url: str) -> dict[str, str]:
        env = dict(os.environ)
        env["NATS_URL"] = nats_url
        env["DATA_DIR"] = str(self.settings.data_dir)
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    async def start_nats(self) -> str:
        port = self.settings.nats_port or free_port()
        store = self.settings.data_dir / "nats"
        store.mkdir(parents=True, exist_ok=True)
        # The server's own chatter goes to a file; our services report NATS trouble themselves.
        self.nats = Child(
            "nats", nats_server_args(nats_server_binary(), port, store), dict(os.environ), store / "nats-server.log"
        )
        await self.nats.spawn()
        await _wait_for_port("127.0.0.1", port, timeout=10.0)
        log.info("embedded NATS listening on nats://127.0.0.1:%s (store %s)", port, store)
        return f"nats://127.0.0.1:{port}"

    async def start_services(self, nats_url: str) -> None:
        env = self._child_env(nats_url)
        self.services = [Child(name, [sys.executable, "-m", f"services.{name}"], env) for name in SERVICES]
        await asyncio.gather(*(child.spawn() for child in self.services))
        for child in self.services:
            child.task = asyncio.create_task(self._watch(child))
        if self.nats is not None:
            self.nats.task = asyncio.create_task(self._watch(self.nats))

    async def _watch(self, child: Child) -> None:
        while not self.stopping.is_set():
            assert child.process is not None
            code = await child.process.wait()
            if self.stopping.is_set():
                return
            if time.monotonic() - child.started_at > STABLE_AFTER:
                child.backoff = BACKOFF_FIRST
            log.warning("%s exited with code %s; restarting in %.1fs", child.name, code, child.backoff)
            try:
                await asyncio.wait_for(self.stopping.wait(), timeout=child.backoff)
                return
            except asyncio.TimeoutError:
                pass
            child.backoff = min(child.backoff * 2, BACKOFF_MAX)
            child.restarts += 1
            await child.spawn()

    async def stop(self) -> None:
        """Services first (they finish what they hold), NATS last; SIGKILL whatever outlives the grace."""
        self.stopping.set()
        await _terminate([c for c in self.services if c.process], STOP_GRACE)
        if self.nats and self.nats.process:
            await _terminate([self.nats], 3.0)
        for child in [*self.services, self.nats]:
            if child and child.task:
                child.task.cancel()


async def _terminate(children: list[Child], grace: float) -> None:
    running = [c.process for c in children if c.process and c.process.returncode is None]
    for proc in running:
        try:
            proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
    if not running:
        return
    _, pending = await asyncio.wait([asyncio.create_task(p.wait()) for p in running], timeout=grace)
    if pending:
        for proc in running:
            if proc.returncode is None:
                log.warning("pid %s did not stop in %.0fs; killing it", proc.pid, grace)
                try:
                    proc.kill()
                except ProcessLookupError:
                    pass
        await asyncio.gather(*(p.wait() for p in running))


async def _wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout:.0f}s")
            await asyncio.sleep(0.05)


async def http_status(host: str, port: int, path: str, timeout: float = 2.0) -> int:
    """The status code of a plain GET; 0 when nothing answers."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        line = await asyncio.wait_for(reader.readline(), timeout)
        writer.close()
        return int(line.split()[1])
    except (OSError, asyncio.TimeoutError, IndexError, ValueError):
        return 0
