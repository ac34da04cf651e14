"""Assemble the gateway's aiohttp application."""

from __future__ import annotations

from aiohttp import web

from libs.bus import Bus
from libs.config import Settings
from services.gateway import middleware
from services.gateway.api import health, openapi
from services.gateway.keys import BUS, ROUTE_SPECS, SETTINGS
from services.gateway.routing import install
from services.gateway.static import install_static

API_GROUPS = [health.routes, openapi.routes]


def build_app(settings: Settings, bus: Bus) -> web.Application:
    app = web.Application(middlewares=[middleware.access_log, middleware.errors], client_max_size=64 * 1024 * 1024)
    app[BUS] = bus
    app[SETTINGS] = settings
    app[ROUTE_SPECS] = install(app, API_GROUPS)
    install_static(app)
    return app
