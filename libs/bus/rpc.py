"""Request/reply over core NATS with the reply envelope."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import NoRespondersError, TimeoutError as NatsTimeoutError

from libs.contracts.envelope import RpcError, decode_reply, encode_error, encode_ok

log = logging.getLogger("libs.bus.rpc")

Handler = Callable[[Any], Awaitable[Any]]
_encoder = msgspec.json.Encoder()


def _service_of(subject: str) -> str:
    parts = subject.split(".")
    return parts[1] if len(parts) > 1 else subject


def unavailable(subject: str) -> RpcError:
    service = _service_of(subject)
    return RpcError("unavailable", f"the {service} service is not answering", {"service": service})


async def request(nc: Client, subject: str, body: Any, timeout: float) -> Any:
    """Send ``body`` and return the reply's data; raise ``RpcError`` for error envelopes and silence."""
    try:
        msg = await nc.request(subject, _encoder.encode(body), timeout=timeout)
    except (NoRespondersError, NatsTimeoutError, asyncio.TimeoutError):
        raise unavailable(subject) from None
    return decode_reply(msg.data)


async def _answer(msg: Msg, request_type: type, handler: Handler) -> None:
    try:
        try:
            body = msgspec.json.decode(msg.data or b"{}", type=request_type)
        except msgspec.ValidationError as exc:
            raise RpcError("invalid", str(exc)) from None
        except msgspec.DecodeError:
            raise RpcError("invalid", "the request body is not valid JSON") from None
        data = await handler(body)
        payload = encode_ok(data)
    except RpcError as exc:
        payload = encode_error(exc)
    except Exception:
        log.exception("request on %s failed", msg.subject)
        payload = encode_error(RpcError("internal", "the service failed to handle the request"))
    if msg.reply:
        await msg.respond(payload)


async def serve(
    nc: Client,
    subject: str,
    request_type: type,
    handler: Handler,
    queue: str,
    tasks: set[asyncio.Task],
) -> Subscription:
    """Answer ``subject`` in queue group ``queue``; each request runs in its own task so a slow one
    (a password hash, a borg call) never holds up the next."""

    async def on_message(msg: Msg) -> None:
        task = asyncio.create_task(_answer(msg, request_type, handler))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    return await nc.subscribe(subject, queue=queue, cb=on_message)
