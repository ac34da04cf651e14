"""The reply envelope every ``rpc.*`` responder answers with."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

ErrorCode = Literal[
    "invalid",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "locked",
    "rate_limited",
    "unavailable",
    "password_change_required",
    "internal",
]

HTTP_STATUS: dict[str, int] = {
    "invalid": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "password_change_required": 403,
    "not_found": 404,
    "conflict": 409,
    "locked": 423,
    "rate_limited": 429,
    "unavailable": 503,
    "internal": 500,
}


class ErrorBody(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    details: Any = None


class Reply(msgspec.Struct, omit_defaults=True):
    ok: bool
    data: Any = None
    error: ErrorBody | None = None


class RpcError(Exception):
    """Raised by a responder to answer with an error envelope, and by callers on receiving one."""

    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 500)

    def body(self) -> ErrorBody:
        return ErrorBody(self.code, self.message, self.details)


_encoder = msgspec.json.Encoder()
_reply_decoder = msgspec.json.Decoder(Reply)


def encode_ok(data: Any) -> bytes:
    return _encoder.encode(Reply(ok=True, data=data))


def encode_error(error: RpcError) -> bytes:
    return _encoder.encode(Reply(ok=False, error=error.body()))


def decode_reply(payload: bytes) -> Any:
    """Return the data of an ok envelope or raise the ``RpcError`` it carries."""
    reply = _reply_decoder.decode(payload)
    if reply.ok:
        return reply.data
    err = reply.error or ErrorBody("internal", "error reply without a body")
    raise RpcError(err.code, err.message, err.details)
