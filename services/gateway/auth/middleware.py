"""The access middleware: every API route is checked against its declared access before it runs."""

from __future__ import annotations

from aiohttp import web

from libs.contracts.envelope import RpcError
from services.gateway.auth.decide import refusal
from services.gateway.auth.keys import AUTHENTICATOR, PRINCIPAL
from services.gateway.routing import Handler, spec_of


@web.middleware
async def access(request: web.Request, handler: Handler) -> web.StreamResponse:
    spec = spec_of(request)
    if spec is None:
        # An API handler added without a declaration would have no access rule: closed, not open.
        # The web UI's files are public, and unknown API paths fall through to their 404/405.
        if request.path.startswith("/api/") and request.match_info.http_exception is None:
            raise RpcError("forbidden", "this route declares no access rule")
        return await handler(request)
    if spec.access == "public":
        return await handler(request)
    caller = await request.app[AUTHENTICATOR].authenticate(request, ticket_allowed=spec.ticket)
    problem = refusal(spec.access, spec.before_password_change, caller)
    if problem is not None:
        raise problem
    request[PRINCIPAL] = caller
    return await handler(request)
