"""Typed keys for what the application holds."""

import asyncio

from aiohttp import web

from libs.bus import Bus
from libs.config import Settings

BUS = web.AppKey("bus", Bus)
SETTINGS = web.AppKey("settings", Settings)
ROUTE_SPECS = web.AppKey("route_specs", list)
# Set when the gateway begins to stop, so long-lived responses (event streams) end at once.
SHUTTING_DOWN = web.AppKey("shutting_down", asyncio.Event)
