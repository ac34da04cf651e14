"""``GET /api/health``: the gateway and every service it can reach over NATS."""

from __future__ import annotations

import asyncio

import msgspec
from aiohttp import web

from libs.bus import Bus
from libs.contracts.envelope import RpcError
from libs.contracts.health import SERVICES
from services.gateway.http import json_response
from services.gateway.keys import BUS
from services.gateway.routing import Routes

routes = Routes("system")

# Health must answer quickly even when a service is gone: a short wait per service, all at once.
HEALTH_TIMEOUT = 1.5


class HealthReply(msgspec.Struct):
    status: str
    services: dict[str, str]


async def _probe(bus: Bus, service: str) -> str:
    try:
        await bus.request(f"rpc.{service}.health", timeout=min(HEALTH_TIMEOUT, bus.rpc_timeout))
    except RpcError:
        return "down"
    return "ok"


@routes.get(
    "/api/health",
    summary="Health of the gateway and every service; 503 while any is down.",
    access="public",
    reply=HealthReply,
)
async def health(request: web.Request) -> web.Response:
    bus: Bus = request.app[BUS]
    others = [s for s in SERVICES if s != "gateway"]
    states = await asyncio.gather(*(_probe(bus, s) for s in others))
    services = {"gateway": "ok", **dict(zip(others, states))}
    ok = all(state == "ok" for state in services.values())
    return json_response(HealthReply("ok" if ok else "degraded", services), status=200 if ok else 503)
