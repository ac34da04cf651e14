"""The base class of every service."""

from __future__ import annotations

import os
import time
from typing import ClassVar, Sequence

import aiosqlite

from libs.bus import Bus
from libs.config import Settings
from libs.contracts.health import Health
from libs.runtime.entrypoints import rpc

VERSION = "0.1.0"


class Service:
    """Subclasses set ``name`` (and ``migrations`` when they keep a database) and declare entry
    points with ``@rpc``, ``@command`` and ``@on_event``. Dependencies arrive through ``__init__``,
    so a test can build one around its own bus and database."""

    name: ClassVar[str]
    migrations: ClassVar[Sequence[str]] = ()

    def __init__(self, *, settings: Settings, bus: Bus, db: aiosqlite.Connection | None) -> None:
        self.settings = settings
        self.bus = bus
        self.db = db
        self.started_at = time.monotonic()

    async def start(self) -> None:
        """Called once entry points are subscribed; start background work here."""

    async def stop(self) -> None:
        """Called on shutdown before the bus drains; stop background work here."""

    @rpc("health")
    async def health(self, _: object) -> Health:
        return Health(
            service=self.name,
            status="ok",
            version=VERSION,
            pid=os.getpid(),
            uptime_seconds=round(time.monotonic() - self.started_at, 3),
        )
