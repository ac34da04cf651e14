"""The caller's personal API tokens."""

from __future__ import annotations

import msgspec
from aiohttp import web

from libs.contracts.auth import TOKENS_CREATE, TOKENS_DELETE, TOKENS_LIST, ApiToken, ApiTokenList, NewApiToken, TokenCreate, TokenRef, UserRef
from services.gateway.auth import caller
from services.gateway.http import json_response, read_body
from services.gateway.keys import BUS
from services.gateway.routing import Routes

routes = Routes("tokens")


class NewToken(msgspec.Struct):
    name: str
    expires_in_days: int | None = None


@routes.get("/api/tokens", summary="The caller's API tokens (prefix and last use, never the token).", access="authenticated", reply=list[ApiToken])
async def list_tokens(request: web.Request) -> web.Response:
    reply = await request.app[BUS].request_as(TOKENS_LIST.subject, UserRef(username=caller(request).username), ApiTokenList)
    return json_response(reply.tokens)


@routes.post(
    "/api/tokens",
    summary="Create an API token; the reply is the only time the token is shown.",
    access="authenticated",
    body=NewToken,
    reply=NewApiToken,
)
async def create_token(request: web.Request) -> web.Response:
    body = await read_body(request, NewToken)
    create = TokenCreate(username=caller(request).username, name=body.name, expires_in_days=body.expires_in_days)
    return json_response(await request.app[BUS].request(TOKENS_CREATE.subject, create), status=201)


@routes.delete("/api/tokens/{id}", summary="Revoke one of the caller's API tokens.", access="authenticated")
async def delete_token(request: web.Request) -> web.Response:
    await request.app[BUS].request(TOKENS_DELETE.subject, TokenRef(username=caller(request).username, id=request.match_info["id"]))
    return web.Response(status=204)
