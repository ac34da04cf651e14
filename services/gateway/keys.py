"""Typed keys for what the application holds."""

from aiohttp import web

from libs.bus import Bus
from libs.config import Settings

BUS = web.AppKey("bus", Bus)
SETTINGS = web.AppKey("settings", Settings)
ROUTE_SPECS = web.AppKey("route_specs", list)
