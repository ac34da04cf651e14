"""The message bus: NATS core request/reply plus JetStream commands and events."""

import sys

# nats-py imports aiohttp, when installed, for a websocket transport we never use; that costs every
# service ~15 MB of memory. Hiding it during the import leaves nats on plain TCP and lets the
# gateway import aiohttp for itself afterwards.
if "aiohttp" not in sys.modules:
    sys.modules["aiohttp"] = None  # type: ignore[assignment]
    try:
        import nats  # noqa: F401
    finally:
        del sys.modules["aiohttp"]

from libs.bus.bus import Bus, connect
from libs.bus.streams import COMMANDS_STREAM, EVENTS_STREAM

__all__ = ["Bus", "connect", "COMMANDS_STREAM", "EVENTS_STREAM"]
