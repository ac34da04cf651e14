"""``borgui run``: the whole system on one machine, as ``make run`` starts it."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from pathlib import Path

from borgui.preflight import PreflightError, check_data_dir, check_nats_reachable, check_port_free
from borgui.supervisor import Supervisor, http_status
from libs.config import Settings
from libs.logs import setup_logging

log = logging.getLogger("supervisor")

READY_WAIT = 60.0


def nats_url_file(data_dir: Path) -> Path:
    return data_dir / "run" / "nats.url"


def write_nats_url(data_dir: Path, url: str) -> None:
    """Tell local tools (``borgui users …``) where the running system's bus is."""
    path = nats_url_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(url + "\n")


def public_url(settings: Settings) -> str:
    host = "127.0.0.1" if settings.bind in ("0.0.0.0", "::", "") else settings.bind
    return f"http://{host}:{settings.port}"


async def _wait_healthy(settings: Settings, stop: asyncio.Event) -> bool:
    host = "127.0.0.1" if settings.bind in ("0.0.0.0", "") else ("::1" if settings.bind == "::" else settings.bind)
    deadline = time.monotonic() + READY_WAIT
    while not stop.is_set() and time.monotonic() < deadline:
        if await http_status(host, settings.port, "/api/health") == 200:
            return True
        await asyncio.sleep(0.05)
    return False


async def run(settings: Settings) -> int:
    check_data_dir(settings.data_dir)
    check_port_free(settings.bind, settings.port)
    if settings.nats_url:
        await check_nats_reachable(settings.nats_url)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    supervisor = Supervisor(settings)
    try:
        nats_url = settings.nats_url or await supervisor.start_nats()
        write_nats_url(settings.data_dir, nats_url)
        await supervisor.start_services(nats_url)
        if await _wait_healthy(settings, stop):
            print(f"Borg Web UI is running at {public_url(settings)}", flush=True)
        elif not stop.is_set():
            log.error("services did not become healthy within %.0fs; see the lines above", READY_WAIT)
        await stop.wait()
    finally:
        await supervisor.stop()
        nats_url_file(settings.data_dir).unlink(missing_ok=True)
    log.info("stopped")
    return 0


def main(settings: Settings) -> int:
    setup_logging("supervisor", settings.log_level)
    try:
        return asyncio.run(run(settings))
    except PreflightError as exc:
        print(f"borgui: {exc}", file=sys.stderr)
        return 2
