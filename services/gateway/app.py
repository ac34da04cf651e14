"""Assemble the gateway's aiohttp application."""

from __future__ import annotations

import asyncio

from aiohttp import web

from libs.bus import Bus
from libs.config import Settings
from services.gateway import auth, middleware
from services.gateway.api import auth as auth_api
from services.gateway.api import events as events_api
from services.gateway.api import health, openapi
from services.gateway.api import jobs as jobs_api
from services.gateway.api import repositories as repositories_api
from services.gateway.api import archives as archives_api
from services.gateway.api import download_tickets
from services.gateway.api import tokens as tokens_api
from services.gateway.api import users as users_api
from services.gateway.keys import BUS, ROUTE_SPECS, SETTINGS, SHUTTING_DOWN
from services.gateway.routing import install
from services.gateway.static import install_static

API_GROUPS = [
    health.routes,
    openapi.routes,
    auth_api.routes,
    users_api.routes,
    tokens_api.routes,
    repositories_api.routes,
    archives_api.routes,
    download_tickets.routes,
    jobs_api.routes,
    events_api.routes,
]


def build_app(settings: Settings, bus: Bus) -> web.Application:
    app = web.Application(
        middlewares=[middleware.access_log, middleware.errors, auth.access], client_max_size=64 * 1024 * 1024
    )
    app[BUS] = bus
    app[SETTINGS] = settings
    app[SHUTTING_DOWN] = asyncio.Event()

    async def on_shutdown(app: web.Application) -> None:
        app[SHUTTING_DOWN].set()

    app.on_shutdown.append(on_shutdown)
    auth.install(app)
    app[ROUTE_SPECS] = install(app, API_GROUPS)
    install_static(app)
    return app
