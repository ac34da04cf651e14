"""Download tickets: a short-lived ``?ticket=`` that lets the browser fetch one download by plain
navigation, streaming to disk, where it could not send the Authorization header."""

from __future__ import annotations

import msgspec
from aiohttp import web
from yarl import URL

from libs.contracts.envelope import RpcError
from libs.contracts.tickets import TICKETS_CREATE, Ticket, TicketCreate
from services.gateway.auth import caller
from services.gateway.auth.tickets import matches_template, requested_url, ticket_target
from services.gateway.http import json_response, read_body
from services.gateway.keys import BUS, ROUTE_SPECS
from services.gateway.routing import Routes

routes = Routes("download-tickets")


class TicketRequest(msgspec.Struct, forbid_unknown_fields=True):
    url: str


def _opens_with_ticket(request: web.Request, url: URL) -> bool:
    """Whether ``url`` is a GET route declared to accept tickets."""
    return any(
        spec.ticket and spec.method == "GET" and matches_template(spec.path, url.path) for spec in request.app[ROUTE_SPECS]
    )


@routes.post(
    "/api/download-tickets",
    summary="A ticket valid 60 s for one download URL (path and query) of the caller: "
    "append `&ticket=` to that URL instead of sending the Authorization header.",
    access="viewer",
    body=TicketRequest,
    reply=Ticket,
)
async def create_ticket(request: web.Request) -> web.Response:
    body = await read_body(request, TicketRequest)
    target = ticket_target(body.url)
    if not _opens_with_ticket(request, target):
        raise RpcError("invalid", "this URL does not take download tickets; send the Authorization header", {"field": "url"})
    user = caller(request)
    create = TicketCreate(username=user.username, url=requested_url(target), auth_source=user.auth_source)
    return json_response(await request.app[BUS].request_as(TICKETS_CREATE.subject, create, Ticket))
