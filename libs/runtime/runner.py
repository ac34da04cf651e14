"""Start a service: configuration, logging, NATS, database, entry points, signals, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Awaitable, Callable

from libs.bus import COMMANDS_STREAM, EVENTS_STREAM, Bus, connect
from libs.bus.durable import consume
from libs.config import ConfigError, Settings, load_settings
from libs.runtime.entrypoints import CommandEntry, EventEntry, RpcEntry, entrypoints
from libs.logs import setup_logging
from libs.runtime.service import Service
from libs.store import open_store

log = logging.getLogger("libs.runtime")


def _durable_name(service: str, suffix: str) -> str:
    return f"{service}-{suffix}".replace(".", "_").replace(">", "all").replace("*", "any")


async def attach(service: Service) -> list[asyncio.Task]:
    """Subscribe every entry point of ``service``; return the consumer tasks to cancel on stop."""
    bus, name = service.bus, service.name
    commands: dict[str, tuple[type, Callable[..., Awaitable[None]]]] = {}
    tasks: list[asyncio.Task] = []
    for entry, method in entrypoints(service):
        if isinstance(entry, RpcEntry):
            await bus.serve(f"rpc.{name}.{entry.name}", entry.request, method, queue=name)
        elif isinstance(entry, CommandEntry):
            commands[f"cmd.{name}.{entry.verb}"] = (entry.body, method)
        elif isinstance(entry, EventEntry):
            tasks.append(
                asyncio.create_task(
                    consume(
                        bus.js,
                        stream=EVENTS_STREAM,
                        filter_subject=entry.subject,
                        durable=_durable_name(name, entry.durable),
                        routes={entry.subject: (entry.body, method)},
                        deliver_new_only=entry.deliver_new_only,
                    ),
                    name=f"{name}-events-{entry.durable}",
                )
            )
    if commands:
        tasks.append(
            asyncio.create_task(
                consume(
                    bus.js,
                    stream=COMMANDS_STREAM,
                    filter_subject=f"cmd.{name}.>",
                    durable=_durable_name(name, "commands"),
                    routes=commands,
                ),
                name=f"{name}-commands",
            )
        )
    await bus.nc.flush()
    return tasks


async def run_service(
    service_cls: type[Service], settings: Settings, stop: asyncio.Event, bus: Bus | None = None
) -> None:
    """Run until ``stop`` is set. ``bus`` may be given by a test; otherwise one is connected."""
    own_bus = bus is None
    if bus is None:
        bus = await connect(settings.nats_url, service_cls.name, settings.rpc_timeout)
    await bus.ensure_streams(settings.events_max_age_days, settings.events_max_mb)
    db = None
    if service_cls.migrations:
        db = await open_store(settings.service_dir(service_cls.name) / f"{service_cls.name}.db", service_cls.migrations)
    service = service_cls(settings=settings, bus=bus, db=db)
    tasks = await attach(service)
    await service.start()
    log.info("%s service ready", service_cls.name)
    try:
        await stop.wait()
    finally:
        log.info("%s service stopping", service_cls.name)
        await service.stop()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if own_bus:
            await bus.close()
        if db is not None:
            await db.close()


async def _main(service_cls: type[Service], settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_service(service_cls, settings, stop)


def main(service_cls: type[Service]) -> None:
    """Entry point of ``python -m services.<name>``: one clear line and exit 2 on a setup error."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"{service_cls.name}: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if not settings.nats_url:
        print(f"{service_cls.name}: NATS_URL is not set; start the whole system with `make run`", file=sys.stderr)
        raise SystemExit(2)
    setup_logging(service_cls.name, settings.log_level)
    try:
        asyncio.run(_main(service_cls, settings))
    except ConnectionError as exc:
        print(f"{service_cls.name}: {exc}", file=sys.stderr)
        raise SystemExit(3) from None
    except PermissionError as exc:
        print(f"{service_cls.name}: cannot write {exc.filename}: permission denied; check DATA_DIR", file=sys.stderr)
        raise SystemExit(2) from None
