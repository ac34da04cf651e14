"""Typed keys for the authenticator on the application and the caller on each request."""

from aiohttp import web

from libs.contracts.auth import Principal
from services.gateway.auth.authenticator import Authenticator

AUTHENTICATOR = web.AppKey("authenticator", Authenticator)
PRINCIPAL = web.RequestKey("principal", Principal)


def caller(request: web.Request) -> Principal:
    """The signed-in user of a request that passed the access middleware."""
    return request[PRINCIPAL]
