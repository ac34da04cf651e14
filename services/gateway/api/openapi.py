"""``GET /api/openapi.json``."""

from aiohttp import web

from services.gateway.http import json_response
from services.gateway.keys import ROUTE_SPECS
from services.gateway.openapi import build_openapi
from services.gateway.routing import Routes

routes = Routes("system")


@routes.get("/api/openapi.json", summary="This API's OpenAPI 3.1 description.", access="public")
async def openapi(request: web.Request) -> web.Response:
    return json_response(build_openapi(request.app[ROUTE_SPECS]))
