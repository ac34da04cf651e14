"""Errors as JSON and one log line per request."""

from __future__ import annotations

import logging
import time

from aiohttp import web

from libs.contracts.envelope import RpcError
from services.gateway.http import error_response
from services.gateway.routing import Handler

log = logging.getLogger("gateway.http")


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes ``{"error": {"code", "message"}}``; never an HTML page or traceback."""
    try:
        return await handler(request)
    except RpcError as exc:
        return error_response(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status, "invalid")
        message = {
            404: f"no such route: {request.method} {request.path}",
            405: f"{request.method} is not allowed on {request.path}",
        }.get(exc.status, exc.reason)
        response = error_response(RpcError(code, message))
        response.set_status(exc.status)
        return response
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return error_response(RpcError("internal", "internal error; the gateway log has the details"))


@web.middleware
async def access_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    response = await handler(request)
    if log.isEnabledFor(logging.INFO):
        log.info(
            "%s %s %s %.1fms",
            request.method,
            request.rel_url.path,  # never the query string: it may carry a token for SSE
            response.status,
            (time.perf_counter() - started) * 1000,
        )
    return response
