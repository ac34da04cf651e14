"""Who a request comes from: sign-in tokens checked locally, API tokens and proxy users via auth.

The gateway keeps the auth service's public key and the per-user revocations in memory, so a
request with a sign-in token costs no NATS round trip. Both are fetched at start, kept current from
``evt.auth.*`` on a core subscription, and fetched again every ``RESYNC_SECONDS`` in case an event
was missed while NATS was away.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

import msgspec
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from libs.bus import Bus
from libs.config import Settings
from libs.contracts.auth import (
    PROXY_USER,
    PUBLIC_KEY,
    SESSIONS,
    SESSIONS_ENDED,
    SIGNING_KEY_LOADED,
    TOKEN_VERIFY,
    Principal,
    ProxyUser,
    PublicKey,
    SessionsEnded,
    SessionVersions,
    TokenCheck,
)
from libs.contracts.envelope import RpcError
from services.gateway.auth import jwt_verify, proxy, tickets
from services.gateway.auth.cache import TtlCache
from services.gateway.auth.revocations import Revocations

log = logging.getLogger("gateway.auth")

API_TOKEN_MARK = "bwu_"
# A key refetch triggered by a token that does not verify happens at most this often, so a flood of
# forged tokens cannot turn into a flood of requests to auth.
KEY_REFETCH_SECONDS = 3.0
RESYNC_SECONDS = 10.0
# How long an API token's or proxy user's check is reused; auth's events cut it short on changes.
REMOTE_CHECK_SECONDS = 5.0
# Verified sign-in tokens, so the signature of a token in use is checked once, not per request
# (a check costs about as much as the rest of a small request). Keyed by the whole token.
VERIFIED_MAX = 10_000

C = TypeVar("C")


class _Username(msgspec.Struct):
    username: str


class Authenticator:
    def __init__(self, settings: Settings, bus: Bus) -> None:
        self.settings = settings
        self.bus = bus
        self.revocations = Revocations()
        self._key: Ed25519PublicKey | None = None
        self._key_id: str | None = None
        self._key_fetched_at = 0.0
        self._key_lock = asyncio.Lock()
        self._remote = TtlCache[Principal | RpcError](REMOTE_CHECK_SECONDS)
        self._verified: dict[str, jwt_verify.Claims] = {}
        self._subscription: Subscription | None = None
        self._resync_task: asyncio.Task | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        self._subscription = await self.bus.nc.subscribe("evt.auth.>", cb=self._on_event)
        self._resync_task = asyncio.create_task(self._resync_forever(), name="gateway-auth-resync")

    async def stop(self) -> None:
        if self._resync_task is not None:
            self._resync_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._resync_task
        if self._subscription is not None and not self.bus.nc.is_closed:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()

    async def _resync_forever(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._fetch_key()
                await self._fetch_revocations()
                delay = RESYNC_SECONDS
            except RpcError as exc:
                # Auth may simply not be up yet; retry soon, and say so only if it lasts.
                log.log(logging.WARNING if delay >= RESYNC_SECONDS else logging.DEBUG, "auth state not fetched: %s", exc.message)
                delay = min(max(delay * 2, 0.2), RESYNC_SECONDS)
            await asyncio.sleep(delay)

    async def _on_event(self, msg: Msg) -> None:
        try:
            if msg.subject == SESSIONS_ENDED.subject:
                ended = msgspec.json.decode(msg.data, type=SessionsEnded)
                self.revocations.raise_to(ended.username, ended.version)
                self._remote.forget_owner(ended.username)
            elif msg.subject == SIGNING_KEY_LOADED.subject:
                await self._fetch_key()
            elif msg.subject.startswith("evt.auth.login_"):
                return
            else:
                self._remote.forget_owner(msgspec.json.decode(msg.data, type=_Username).username)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            log.warning("ignored a malformed %s: %s", msg.subject, exc)
        except RpcError as exc:
            log.warning("could not fetch the signing key after %s: %s", msg.subject, exc.message)

    async def _fetch_key(self) -> None:
        async with self._key_lock:
            reply = await self.bus.request_as(PUBLIC_KEY.subject, {}, PublicKey)
            self._key_fetched_at = time.monotonic()
            if reply.key_id != self._key_id:
                self._key = jwt_verify.load_public_key(reply.public_key_pem)
                self._verified.clear()
                if self._key_id is not None:
                    log.warning("the token signing key changed; tokens signed with the old one are refused")
                self._key_id = reply.key_id

    async def _fetch_revocations(self) -> None:
        reply = await self.bus.request_as(SESSIONS.subject, {}, SessionVersions)
        self.revocations.merge(reply.versions)

    # --- checking credentials -----------------------------------------------------------------------

    async def authenticate(self, request: web.Request, ticket_allowed: bool = False) -> Principal:
        """The caller; ``ticket_allowed`` (declared per route) also accepts a download ticket in the
        query when no Authorization header is sent."""
        token = bearer_token(request)
        if token is not None:
            if token.startswith(API_TOKEN_MARK):
                return await self._api_token(token)
            return await self._signin_token(token)
        if ticket_allowed and tickets.TICKET_PARAM in request.query:
            return await self._ticket(request)
        if self.settings.disable_authentication:
            return await self._proxy_user(request)
        raise RpcError("unauthorized", "sign in first: this needs an Authorization: Bearer token")

    async def _key_and_revocations(self) -> Ed25519PublicKey:
        if self._key is None or not self.revocations.loaded:
            # Not known yet (auth was down when the gateway started): one attempt now, else 503.
            await self._fetch_key()
            await self._fetch_revocations()
        assert self._key is not None
        return self._key

    async def _signin_token(self, token: str) -> Principal:
        key = await self._key_and_revocations()
        claims = self._verified.get(token)
        if claims is None:
            try:
                claims = jwt_verify.verify(token, key)
            except jwt_verify.KeyMismatch:
                claims = await self._verify_with_fresh_key(token, jwt_verify.verify, "sign-in token")
            if len(self._verified) >= VERIFIED_MAX:
                del self._verified[next(iter(self._verified))]
            self._verified[token] = claims
        elif claims.exp <= time.time():
            del self._verified[token]
            raise RpcError("unauthorized", "the sign-in token has expired; sign in again")
        if self.revocations.is_ended(claims.sub, claims.sv):
            raise RpcError("unauthorized", "this sign-in has ended (signed out, or the account changed); sign in again")
        return claims.principal()

    async def _ticket(self, request: web.Request) -> Principal:
        """A download ticket: signed by auth, for exactly this path and query, of a live session."""
        given = request.query.getall(tickets.TICKET_PARAM)
        if len(given) != 1:
            raise RpcError("unauthorized", "give exactly one download ticket")
        key = await self._key_and_revocations()
        try:
            claims = tickets.verify_ticket(given[0], key)
        except jwt_verify.KeyMismatch:
            claims = await self._verify_with_fresh_key(given[0], tickets.verify_ticket, "download ticket")
        if claims.url != tickets.requested_url(request.rel_url):
            raise RpcError("forbidden", "this download ticket is for another download")
        if self.revocations.is_ended(claims.sub, claims.sv):
            raise RpcError("unauthorized", "this sign-in has ended (signed out, or the account changed); sign in again")
        return claims.principal()

    async def _verify_with_fresh_key(self, token: str, verify: Callable[[str, Ed25519PublicKey], C], what: str) -> C:
        """The key may have been replaced since it was fetched; look again, but not too often."""
        stale = self._key_id
        if time.monotonic() - self._key_fetched_at >= KEY_REFETCH_SECONDS:
            await self._fetch_key()
        if self._key_id != stale and self._key is not None:
            with contextlib.suppress(jwt_verify.KeyMismatch):
                return verify(token, self._key)
        raise RpcError("unauthorized", f"the {what}'s signature is not valid")

    async def _remote_check(self, key: str, owner: str | None, subject: str, body: msgspec.Struct) -> Principal:
        cached = self._remote.get(key)
        if cached is None:
            try:
                cached = await self.bus.request_as(subject, body, Principal)
            except RpcError as exc:
                if exc.code == "unavailable":
                    raise
                cached = exc
            self._remote.put(key, cached.username if isinstance(cached, Principal) else owner, cached)
        if isinstance(cached, RpcError):
            raise cached
        return cached

    async def _api_token(self, token: str) -> Principal:
        key = "token:" + hashlib.sha256(token.encode()).hexdigest()
        return await self._remote_check(key, None, TOKEN_VERIFY.subject, TokenCheck(token=token))

    async def _proxy_user(self, request: web.Request) -> Principal:
        if not proxy.is_trusted(request.remote, self.settings.trusted_proxies):
            log.warning("refused a request from %s: not a trusted proxy (TRUSTED_PROXIES)", request.remote)
            raise RpcError("unauthorized", "requests must come through the trusted proxy, which signs users in")
        username = proxy.proxy_username(request.headers, self.settings.proxy_auth_header)
        if username is None:
            raise RpcError("unauthorized", f"the proxy sent no user name (header {self.settings.proxy_auth_header})")
        body = ProxyUser(username=username, default_role=self.settings.proxy_auth_default_role)  # type: ignore[arg-type]
        return await self._remote_check("proxy:" + username.lower(), username, PROXY_USER.subject, body)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    # EventSource cannot send headers; only an event stream may carry its token in the query.
    if request.method == "GET" and "text/event-stream" in request.headers.get("Accept", ""):
        return request.query.get("access_token") or None
    return None
