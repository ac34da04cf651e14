"""Publishing to and consuming from the JetStream streams."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Awaitable, Callable

import msgspec
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import FetchTimeoutError

log = logging.getLogger("libs.bus.durable")

_encoder = msgspec.json.Encoder()

# A message whose handler keeps failing is retried with growing pauses, never dropped silently.
_RETRY_DELAYS = (1.0, 5.0, 30.0, 120.0)


async def publish(js: JetStreamContext, subject: str, body: Any, msg_id: str) -> None:
    """Store ``body`` on a stream; the id makes a repeat within the duplicate window a no-op."""
    await js.publish(subject, _encoder.encode(body), headers={"Nats-Msg-Id": msg_id})


Route = tuple[type, Callable[[Any], Awaitable[None]]]


def _route_for(routes: dict[str, Route], subject: str) -> Route | None:
    route = routes.get(subject)
    if route is not None:
        return route
    for pattern, candidate in routes.items():
        if pattern.endswith(".>") and subject.startswith(pattern[:-1]):
            return candidate
    return None


async def consume(
    js: JetStreamContext,
    *,
    stream: str,
    filter_subject: str,
    durable: str,
    routes: dict[str, Route],
    deliver_new_only: bool = False,
    ack_wait: float = 60.0,
) -> None:
    """Feed messages of a durable pull consumer to the handler routed by subject, forever.

    The message is acknowledged only after its handler returned, so a handler that persists what it
    received before returning makes the message survive any crash. Bodies that do not decode are
    terminated (never redelivered) with a log line; handler failures are retried with back-off.
    """
    config = ConsumerConfig(
        durable_name=durable,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ack_wait,
        deliver_policy=DeliverPolicy.NEW if deliver_new_only else DeliverPolicy.ALL,
        filter_subject=filter_subject,
    )
    sub = await js.pull_subscribe(filter_subject, durable=durable, stream=stream, config=config)
    try:
        while True:
            try:
                messages = await sub.fetch(batch=16, timeout=5.0)
            except (FetchTimeoutError, asyncio.TimeoutError):
                continue
            for msg in messages:
                route = _route_for(routes, msg.subject)
                if route is None:
                    log.warning("no handler for %s on %s; dropping it", msg.subject, durable)
                    await msg.term()
                    continue
                body_type, handler = route
                try:
                    body = msgspec.json.decode(msg.data, type=body_type)
                except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                    log.error("rejected malformed message on %s: %s", msg.subject, exc)
                    await msg.term()
                    continue
                try:
                    await handler(body)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    attempt = min(msg.metadata.num_delivered, len(_RETRY_DELAYS)) - 1
                    log.exception("handler for %s failed; will retry", msg.subject)
                    await msg.nak(delay=_RETRY_DELAYS[max(attempt, 0)])
                    continue
                await msg.ack_sync()
    finally:
        # A pull subscription left open holds up the connection's drain at shutdown.
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
