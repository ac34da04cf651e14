"""Download tickets at the gateway: which URL a ticket opens, and checking one: pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, urlencode

import jwt
import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from yarl import URL

from libs.contracts.auth import AuthSource, Principal, Role
from libs.contracts.envelope import RpcError
from libs.contracts.tickets import TICKET_AUDIENCE
from services.gateway.auth.jwt_verify import ALGORITHMS, KeyMismatch

TICKET_PARAM = "ticket"
# A route template's placeholder: ``{name}`` or ``{name:regex}``, as aiohttp writes them.
_PLACEHOLDER = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
_REQUIRED = ["aud", "url", "sub", "role", "sv", "iat", "exp", "jti"]


class TicketClaims(msgspec.Struct):
    url: str
    sub: str
    role: Role
    sv: int
    exp: int
    src: AuthSource = "local"
    mcp: bool = False

    def principal(self) -> Principal:
        # Tickets stand in for a request of a signed-in user; the profile fields are not needed.
        return Principal(username=self.sub, role=self.role, must_change_password=self.mcp, auth_source=self.src, created_at="")


def canonical_url(path: str, query: Iterable[tuple[str, str]]) -> str:
    """One spelling of a decoded path and its query, so equal requests compare equal whatever
    their percent-encoding; the ticket parameter itself is never part of it."""
    items = [(k, v) for k, v in query if k != TICKET_PARAM]
    return quote(path, safe="/") + ("?" + urlencode(items, quote_via=quote) if items else "")


def requested_url(url: URL) -> str:
    return canonical_url(url.path, url.query.items())


def ticket_target(text: str) -> URL:
    """The URL a ticket is asked for, if it is a plain API path with a query; else ``invalid``."""
    try:
        url = URL(text)
    except ValueError:
        url = None
    if url is None or url.is_absolute() or url.fragment or not url.path.startswith("/api/"):
        raise RpcError("invalid", "url must be an API path such as /api/…/download?path=…", {"field": "url"})
    if TICKET_PARAM in url.query:
        raise RpcError("invalid", "url already carries a ticket", {"field": "url"})
    return url


def matches_template(template: str, path: str) -> bool:
    """Whether the decoded ``path`` is one of a route template's, placeholders matched as aiohttp
    does (one segment, or the placeholder's own regex)."""
    pattern, start = [], 0
    for found in _PLACEHOLDER.finditer(template):
        pattern += [re.escape(template[start : found.start()]), f"(?:{found.group(2) or '[^{}/]+'})"]
        start = found.end()
    pattern.append(re.escape(template[start:]))
    return re.fullmatch("".join(pattern), path) is not None


def verify_ticket(token: str, key: Ed25519PublicKey) -> TicketClaims:
    """The claims of a download ticket ``key`` signed that has not expired; a sign-in token (no
    audience) is refused here, as a ticket is refused where a sign-in token is expected."""
    try:
        payload = jwt.decode(token, key, algorithms=ALGORITHMS, audience=TICKET_AUDIENCE, options={"require": _REQUIRED})
    except jwt.ExpiredSignatureError:
        raise RpcError("unauthorized", "the download ticket has expired; start the download again") from None
    except jwt.InvalidSignatureError:
        raise KeyMismatch() from None
    except jwt.InvalidTokenError:
        raise RpcError("unauthorized", "the download ticket is not valid") from None
    try:
        return msgspec.convert(payload, TicketClaims)
    except msgspec.ValidationError:
        raise RpcError("unauthorized", "the download ticket is not valid") from None
