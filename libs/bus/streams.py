"""Idempotent creation of the two JetStream streams."""

from __future__ import annotations

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

COMMANDS_STREAM = "COMMANDS"
EVENTS_STREAM = "EVENTS"
# Repeats of a command id inside this window are dropped by the server itself.
DUPLICATE_WINDOW_SECONDS = 600.0


def commands_config() -> StreamConfig:
    return StreamConfig(
        name=COMMANDS_STREAM,
        subjects=["cmd.>"],
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )


def events_config(max_age_days: int, max_mb: int) -> StreamConfig:
    return StreamConfig(
        name=EVENTS_STREAM,
        subjects=["evt.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=max_age_days * 86400.0,
        max_bytes=max_mb * 1024 * 1024,
        duplicate_window=120.0,
    )


async def ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    """Create the stream, or bring its bounds in line with ``config`` if it exists."""
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        return
    current = info.config
    if (current.max_age, current.max_bytes, current.duplicate_window) != (
        config.max_age,
        config.max_bytes,
        config.duplicate_window,
    ):
        await js.update_stream(config)


async def ensure_streams(js: JetStreamContext, events_max_age_days: int, events_max_mb: int) -> None:
    await ensure_stream(js, commands_config())
    await ensure_stream(js, events_config(events_max_age_days, events_max_mb))
