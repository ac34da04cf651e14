"""A connection to NATS with the helpers every service uses."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, TypeVar

import msgspec
import nats
from nats.aio.client import Client
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext

from libs.bus import durable, rpc
from libs.bus.streams import ensure_streams
from libs.contracts.base import Command, Event
from libs.urls import redact_url

log = logging.getLogger("libs.bus")

T = TypeVar("T")
_encoder = msgspec.json.Encoder()


class Bus:
    """Publish, request and serve on one NATS connection. Created by ``connect``."""

    def __init__(self, nc: Client, rpc_timeout: float) -> None:
        self.nc = nc
        self.closing = False
        self.js: JetStreamContext = nc.jetstream()
        self.rpc_timeout = rpc_timeout
        self._tasks: set[asyncio.Task] = set()

    async def ensure_streams(self, events_max_age_days: int, events_max_mb: int) -> None:
        await ensure_streams(self.js, events_max_age_days, events_max_mb)

    async def request(self, subject: str, body: Any = None, timeout: float | None = None) -> Any:
        return await rpc.request(self.nc, subject, {} if body is None else body, timeout or self.rpc_timeout)

    async def request_as(self, subject: str, body: Any, reply_type: type[T], timeout: float | None = None) -> T:
        data = await self.request(subject, body, timeout)
        return msgspec.convert(data, reply_type)

    async def serve(self, subject: str, request_type: type, handler: rpc.Handler, queue: str) -> Subscription:
        return await rpc.serve(self.nc, subject, request_type, handler, queue, self._tasks)

    async def publish_event(self, subject: str, event: Event) -> None:
        await durable.publish(self.js, subject, event, event.id)

    async def send_command(self, subject: str, command: Command) -> None:
        await durable.publish(self.js, subject, command, command.id)

    async def publish_live(self, subject: str, body: Any) -> None:
        await self.nc.publish(subject, _encoder.encode(body))

    async def close(self) -> None:
        self.closing = True
        for task in list(self._tasks):
            task.cancel()
        if not self.nc.is_closed:
            try:
                await asyncio.wait_for(self.nc.drain(), timeout=3)
            except Exception:
                await self.nc.close()


async def connect(url: str, name: str, rpc_timeout: float, wait: float = 30.0) -> Bus:
    """Connect, trying for up to ``wait`` seconds; once connected, reconnects forever."""
    bus: Bus | None = None

    async def on_error(exc: Exception) -> None:
        # Failed attempts before the first connection are summed up by the error raised below.
        if bus is not None and not bus.closing:
            log.warning("NATS: %s", exc)

    async def on_disconnect() -> None:
        if bus is not None and not bus.closing:
            log.warning("NATS connection lost; reconnecting")

    async def on_reconnect() -> None:
        log.info("NATS connection restored")

    try:
        nc = await asyncio.wait_for(
            nats.connect(
                # A comma-separated list names several servers of one cluster.
                [server.strip() for server in url.split(",") if server.strip()],
                name=name,
                connect_timeout=2,
                allow_reconnect=True,
                max_reconnect_attempts=-1,
                reconnect_time_wait=0.5,
                error_cb=on_error,
                disconnected_cb=on_disconnect,
                reconnected_cb=on_reconnect,
            ),
            timeout=wait,
        )
    except (asyncio.TimeoutError, OSError):
        raise ConnectionError(f"cannot reach NATS at {redact_url(url)} within {wait:.0f}s") from None
    bus = Bus(nc, rpc_timeout)
    return bus
