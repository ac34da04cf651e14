"""The message bus: NATS core request/reply plus JetStream commands and events."""

from libs.bus.bus import Bus, connect
from libs.bus.streams import COMMANDS_STREAM, EVENTS_STREAM

__all__ = ["Bus", "connect", "COMMANDS_STREAM", "EVENTS_STREAM"]
