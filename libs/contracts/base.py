"""Base shapes shared by every command and event."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import msgspec


def new_id() -> str:
    return uuid.uuid4().hex


def iso(moment: datetime) -> str:
    """``moment`` as UTC ISO 8601 text with milliseconds and a ``Z``, the form every record uses."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> str:
    return iso(datetime.now(timezone.utc))


class Command(msgspec.Struct, kw_only=True):
    """A request for work, sent on ``cmd.<service>.<verb>``; ``id`` doubles as ``Nats-Msg-Id``."""

    id: str = msgspec.field(default_factory=new_id)
    time: str = msgspec.field(default_factory=utc_now)
    actor: str | None = None


class Event(msgspec.Struct, kw_only=True):
    """A fact that already happened, sent on ``evt.<aggregate>.<event>``; never holds a secret."""

    id: str = msgspec.field(default_factory=new_id)
    time: str = msgspec.field(default_factory=utc_now)
    actor: str | None = None


class Empty(msgspec.Struct):
    """A request or reply without fields."""
