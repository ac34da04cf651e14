"""``GET /api/events``: Server-Sent Events of job and repository events and live job progress.

Stored events come from an ordered (ephemeral, unacknowledged) JetStream consumer per connection,
so each carries its stream sequence as the SSE ``id`` and a reconnecting browser resumes after
``Last-Event-ID`` without a gap. Live progress (``live.job.*``) is a plain NATS subscription: it
has no id and is not replayed, a missed sample is superseded by the next one.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web
from nats.js.api import ConsumerConfig, DeliverPolicy

from libs.bus import EVENTS_STREAM
from services.gateway.http import ApiError
from services.gateway.keys import BUS, SHUTTING_DOWN
from services.gateway.routing import Routes

routes = Routes("events")

HEARTBEAT_SECONDS = 15.0
EVENT_SUBJECTS = ["evt.job.>", "evt.repository.>"]
LIVE_SUBJECT = "live.job.>"
# A browser that stops reading loses progress samples first; stored events are never dropped
# silently: the stream ends and the browser resumes from its last id.
QUEUE_LIMIT = 2000


def frame(subject: str, data: bytes, seq: int | None) -> bytes:
    """One SSE message: ``data`` is ``{"subject": …, "seq": …, "body": <the message>}``."""
    head = f"id: {seq}\n".encode() if seq is not None else b""
    seq_json = b"null" if seq is None else str(seq).encode()
    body = data.replace(b"\n", b" ").replace(b"\r", b" ") or b"null"
    return head + b'data: {"subject":"' + subject.encode() + b'","seq":' + seq_json + b',"body":' + body + b"}\n\n"


def resume_after(request: web.Request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.query.get("last_event_id")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise ApiError("invalid", "Last-Event-ID must be the number of an event this stream sent")
    return int(raw)


@routes.get(
    "/api/events",
    summary="Server-Sent Events: `evt.job.*`, `evt.repository.*` (with ids, resumable via Last-Event-ID) and `live.job.*` progress; a comment every 15 s.",
    access="viewer",
    query={
        "last_event_id": "resume after this event id (same as the Last-Event-ID header)",
        "access_token": "the token, for EventSource which cannot send headers",
    },
)
async def events(request: web.Request) -> web.StreamResponse:
    bus = request.app[BUS]
    after = resume_after(request)
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    overflow = asyncio.Event()

    def put(item: bytes, droppable: bool) -> None:
        if queue.qsize() >= QUEUE_LIMIT:
            if not droppable:
                overflow.set()
            return
        queue.put_nowait(item)

    async def on_live(msg) -> None:
        put(frame(msg.subject, msg.data, None), True)

    async def on_event(msg) -> None:
        put(frame(msg.subject, msg.data, msg.metadata.sequence.stream), False)

    if after is None:
        config = ConsumerConfig(filter_subjects=EVENT_SUBJECTS, deliver_policy=DeliverPolicy.NEW)
    else:
        config = ConsumerConfig(filter_subjects=EVENT_SUBJECTS, deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after + 1)
    live_sub = await bus.nc.subscribe(LIVE_SUBJECT, cb=on_live)
    event_sub = None
    try:
        event_sub = await bus.js.subscribe("evt.>", stream=EVENTS_STREAM, cb=on_event, ordered_consumer=True, config=config)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        await response.write(b"retry: 3000\n: connected\n\n")
        stopping = request.app[SHUTTING_DOWN]
        stop_wait = asyncio.create_task(stopping.wait())
        try:
            while not overflow.is_set() and not stopping.is_set():
                next_item = asyncio.create_task(queue.get())
                done, _ = await asyncio.wait({next_item, stop_wait}, timeout=HEARTBEAT_SECONDS, return_when=asyncio.FIRST_COMPLETED)
                if next_item in done:
                    await response.write(next_item.result())
                else:
                    next_item.cancel()
                    if not stopping.is_set():
                        await response.write(b": heartbeat\n\n")
        finally:
            stop_wait.cancel()
        return response
    except ConnectionResetError:
        # The browser went away: the normal end of an event stream, not an error.
        return response
    finally:
        with contextlib.suppress(Exception):
            await live_sub.unsubscribe()
        if event_sub is not None:
            with contextlib.suppress(Exception):
                await event_sub.unsubscribe()
