"""Sign in and out, the caller's own account, and what the login screen needs to know."""

from __future__ import annotations

import msgspec
from aiohttp import web

from libs.contracts.auth import CHANGE_PASSWORD, LOGIN, LOGOUT, AuthSource, LoginName, LoginPassword, LoginRequest, PasswordChange, Role, SignedToken, UserRef
from libs.contracts.envelope import RpcError
from services.gateway.auth import caller
from services.gateway.auth.proxy import client_ip
from services.gateway.http import ApiError, error_response, json_response, read_body
from services.gateway.keys import BUS, SETTINGS
from services.gateway.routing import Routes

routes = Routes("auth")


class LoginBody(msgspec.Struct):
    username: LoginName
    password: LoginPassword


class PasswordChangeBody(msgspec.Struct):
    current_password: str
    new_password: str


class Me(msgspec.Struct):
    username: str
    role: Role
    must_change_password: bool
    auth_source: AuthSource
    created_at: str
    last_login_at: str | None


class AuthConfig(msgspec.Struct):
    authentication_disabled: bool
    proxy_header: str | None


@routes.post(
    "/api/auth/login",
    summary="Sign in with a user name and password (JSON or an OAuth2 password form); returns a bearer token.",
    access="public",
    body=LoginBody,
    reply=SignedToken,
)
async def login(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if settings.disable_authentication:
        raise ApiError("forbidden", "password sign-in is off (DISABLE_AUTHENTICATION=true); sign in through the proxy")
    body = await read_body(request, LoginBody)
    ip = client_ip(request.remote, request.headers.get("X-Forwarded-For"), settings.trusted_proxies)
    try:
        data = await request.app[BUS].request(LOGIN.subject, LoginRequest(username=body.username, password=body.password, ip=ip))
    except RpcError as exc:
        if exc.code == "rate_limited" and isinstance(exc.details, dict):
            return error_response(exc, headers={"Retry-After": str(exc.details.get("retry_after", 900))})
        raise
    return json_response(data)


@routes.get(
    "/api/auth/me",
    summary="The signed-in user.",
    access="authenticated",
    reply=Me,
    before_password_change=True,
)
async def me(request: web.Request) -> web.Response:
    who = caller(request)
    return json_response(
        Me(who.username, who.role, who.must_change_password, who.auth_source, who.created_at, who.last_login_at)
    )


@routes.post(
    "/api/auth/change-password",
    summary="Change one's own password; earlier sign-in tokens end and a fresh one is returned.",
    access="authenticated",
    body=PasswordChangeBody,
    reply=SignedToken,
    before_password_change=True,
)
async def change_password(request: web.Request) -> web.Response:
    body = await read_body(request, PasswordChangeBody)
    change = PasswordChange(
        username=caller(request).username, current_password=body.current_password, new_password=body.new_password
    )
    return json_response(await request.app[BUS].request(CHANGE_PASSWORD.subject, change))


@routes.post(
    "/api/auth/logout",
    summary="Sign out: every sign-in token of the caller issued so far ends.",
    access="authenticated",
    before_password_change=True,
)
async def logout(request: web.Request) -> web.Response:
    who = caller(request)
    await request.app[BUS].request(LOGOUT.subject, UserRef(username=who.username, actor=who.username))
    return web.Response(status=204)


@routes.get(
    "/api/auth/config",
    summary="Whether the login screen is used or a proxy signs users in.",
    access="public",
    reply=AuthConfig,
)
async def config(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    header = settings.proxy_auth_header if settings.disable_authentication else None
    return json_response(AuthConfig(settings.disable_authentication, header))
