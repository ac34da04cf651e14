"""User administration (admins only)."""

from __future__ import annotations

import msgspec
from aiohttp import web

from libs.contracts.auth import (
    USERS_CREATE,
    USERS_DELETE,
    USERS_LIST,
    USERS_RESET_PASSWORD,
    USERS_UPDATE,
    PasswordReset,
    Role,
    User,
    UserCreate,
    UserList,
    UserRef,
    UserUpdate,
)
from services.gateway.auth import caller
from services.gateway.http import json_response, read_body
from services.gateway.keys import BUS
from services.gateway.routing import Routes

routes = Routes("users")


class NewUser(msgspec.Struct):
    username: str
    password: str
    role: Role


class UserPatch(msgspec.Struct):
    role: Role | None = None
    disabled: bool | None = None


class NewPassword(msgspec.Struct):
    new_password: str


@routes.get("/api/users", summary="Every user.", access="admin", reply=list[User])
async def list_users(request: web.Request) -> web.Response:
    reply = await request.app[BUS].request_as(USERS_LIST.subject, {}, UserList)
    return json_response(reply.users)


@routes.post("/api/users", summary="Create a local user.", access="admin", body=NewUser, reply=User)
async def create_user(request: web.Request) -> web.Response:
    body = await read_body(request, NewUser)
    create = UserCreate(username=body.username, password=body.password, role=body.role, actor=caller(request).username)
    return json_response(await request.app[BUS].request(USERS_CREATE.subject, create), status=201)


@routes.patch(
    "/api/users/{username}",
    summary="Change a user's role, or disable or enable it; the last enabled admin stays.",
    access="admin",
    body=UserPatch,
    reply=User,
)
async def update_user(request: web.Request) -> web.Response:
    body = await read_body(request, UserPatch)
    update = UserUpdate(
        username=request.match_info["username"], role=body.role, disabled=body.disabled, actor=caller(request).username
    )
    return json_response(await request.app[BUS].request(USERS_UPDATE.subject, update))


@routes.post(
    "/api/users/{username}/reset-password",
    summary="Set a user's password; it must be changed at the next sign-in.",
    access="admin",
    body=NewPassword,
    reply=User,
)
async def reset_password(request: web.Request) -> web.Response:
    body = await read_body(request, NewPassword)
    reset = PasswordReset(username=request.match_info["username"], new_password=body.new_password, actor=caller(request).username)
    return json_response(await request.app[BUS].request(USERS_RESET_PASSWORD.subject, reset))


@routes.delete("/api/users/{username}", summary="Delete a user and its API tokens.", access="admin")
async def delete_user(request: web.Request) -> web.Response:
    ref = UserRef(username=request.match_info["username"], actor=caller(request).username)
    await request.app[BUS].request(USERS_DELETE.subject, ref)
    return web.Response(status=204)
