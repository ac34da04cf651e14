"""JSON bodies in and out, validated at the edge with msgspec."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import parse_qsl

import msgspec
from aiohttp import web

from libs.contracts.envelope import RpcError

T = TypeVar("T")
_encoder = msgspec.json.Encoder()


class ApiError(RpcError):
    """An error found by the gateway itself; rendered like an error from a service."""


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=_encoder.encode(data), status=status, content_type="application/json", headers=headers)


def error_response(error: RpcError, headers: dict[str, str] | None = None) -> web.Response:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details is not None:
        body["details"] = error.details
    return json_response({"error": body}, status=error.http_status, headers=headers)


async def read_body(request: web.Request, body_type: type[T]) -> T:
    """Decode the request body as ``body_type``; JSON, or form-encoded for clients that send it."""
    raw = await request.read()
    try:
        if request.content_type == "application/x-www-form-urlencoded":
            return msgspec.convert(dict(parse_qsl(raw.decode())), body_type, strict=False)
        return msgspec.json.decode(raw or b"{}", type=body_type)
    except msgspec.ValidationError as exc:
        raise ApiError("invalid", f"invalid request body: {exc}") from None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise ApiError("invalid", "the request body is not valid JSON") from None


def query_int(request: web.Request, name: str, default: int | None, low: int = 0, high: int = 2**62) -> int | None:
    """A whole-number query parameter within bounds; ``default`` when absent or empty."""
    raw = request.query.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError("invalid", f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ApiError("invalid", f"{name} must be between {low} and {high}")
    return value


def query_choice(request: web.Request, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    """A query parameter that must be one of ``allowed``; ``default`` when absent or empty."""
    value = request.query.get(name) or default
    if value is not None and value not in allowed:
        raise ApiError("invalid", f"{name} must be one of {', '.join(allowed)}")
    return value
