"""Authentication and authorisation at the gateway: ``install(app)`` once, ``access`` middleware."""

from __future__ import annotations

from aiohttp import web

from services.gateway.auth.authenticator import Authenticator
from services.gateway.auth.keys import AUTHENTICATOR, PRINCIPAL, caller
from services.gateway.auth.middleware import access
from services.gateway.keys import BUS, SETTINGS

__all__ = ["AUTHENTICATOR", "PRINCIPAL", "access", "caller", "install"]


async def _start(app: web.Application) -> None:
    await app[AUTHENTICATOR].start()


async def _stop(app: web.Application) -> None:
    await app[AUTHENTICATOR].stop()


def install(app: web.Application) -> None:
    """Create the authenticator; it subscribes to auth's events and fetches its key on startup."""
    app[AUTHENTICATOR] = Authenticator(app[SETTINGS], app[BUS])
    app.on_startup.append(_start)
    app.on_cleanup.append(_stop)
