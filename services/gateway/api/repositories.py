"""Repositories: list, create, import, edit, remove, figures, key export, lock, and starting jobs."""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from libs.contracts.envelope import RpcError
from libs.contracts.executor import (
    REPOSITORIES_CREATE,
    REPOSITORIES_GET,
    REPOSITORIES_IMPORT,
    REPOSITORIES_KEY_EXPORT,
    REPOSITORIES_LIST,
    REPOSITORIES_LOCK,
    REPOSITORIES_REFRESH,
    REPOSITORIES_REMOVE,
    REPOSITORIES_UPDATE,
    BackupOptions,
    CreateRepository,
    ImportRepository,
    KeyExport,
    LockState,
    Repository,
    RepositoryList,
    UpdateRepository,
)
from libs.contracts.jobs import COMMAND_TYPES, JOBS_VALIDATE
from services.gateway.auth import caller
from services.gateway.http import ApiError, json_response, query_choice, read_body
from services.gateway.keys import BUS
from services.gateway.routing import Routes

routes = Routes("repositories")

# Set by the gateway, never by the client.
_COMMAND_META = ("id", "time", "actor", "repository_id")


class RepositoryPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str | None = None
    defaults: BackupOptions | None = None
    passphrase: str | None = None


class DeleteData(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    confirm_name: str


class JobStarted(msgspec.Struct):
    job_id: str


def _id(request: web.Request) -> str:
    return request.match_info["id"]


@routes.get("/api/repositories", summary="All repositories with their figures.", access="viewer", reply=RepositoryList)
async def list_repositories(request: web.Request) -> web.Response:
    return json_response(await request.app[BUS].request(REPOSITORIES_LIST.subject))


@routes.post(
    "/api/repositories",
    summary="Create a repository with `borg init` (passphrase required unless encryption is none).",
    access="operator",
    body=CreateRepository,
    reply=Repository,
)
async def create_repository(request: web.Request) -> web.Response:
    body = await read_body(request, CreateRepository)
    body.actor = caller(request).username
    # borg init of a repokey repository derives keys: slower than an ordinary request.
    return json_response(await request.app[BUS].request(REPOSITORIES_CREATE.subject, body, timeout=60), 201)


@routes.post(
    "/api/repositories/import",
    summary="Register an existing repository (opened with `borg info`; `keyfile` for keyfile repositories).",
    access="operator",
    body=ImportRepository,
    reply=Repository,
)
async def import_repository(request: web.Request) -> web.Response:
    body = await read_body(request, ImportRepository)
    body.actor = caller(request).username
    return json_response(await request.app[BUS].request(REPOSITORIES_IMPORT.subject, body, timeout=60), 201)


@routes.get("/api/repositories/{id}", summary="One repository.", access="viewer", reply=Repository)
async def get_repository(request: web.Request) -> web.Response:
    return json_response(await request.app[BUS].request(REPOSITORIES_GET.subject, {"id": _id(request)}))


@routes.patch(
    "/api/repositories/{id}",
    summary="Rename, change backup defaults, or store a new passphrase (it must open the repository).",
    access="operator",
    body=RepositoryPatch,
    reply=Repository,
)
async def update_repository(request: web.Request) -> web.Response:
    patch = await read_body(request, RepositoryPatch)
    body = UpdateRepository(id=_id(request), **msgspec.structs.asdict(patch), actor=caller(request).username)
    return json_response(await request.app[BUS].request(REPOSITORIES_UPDATE.subject, body, timeout=30))


@routes.delete("/api/repositories/{id}", summary="Forget a repository; its data stays where it is.", access="operator")
async def remove_repository(request: web.Request) -> web.Response:
    await request.app[BUS].request(REPOSITORIES_REMOVE.subject, {"id": _id(request), "actor": caller(request).username})
    return web.Response(status=204)


@routes.post(
    "/api/repositories/{id}/delete-data",
    summary="Delete the repository and all its archives; `confirm_name` must equal its name.",
    access="admin",
    body=DeleteData,
)
async def delete_repository_data(request: web.Request) -> web.Response:
    body = await read_body(request, DeleteData)
    request_body = {"id": _id(request), "delete_data": True, "confirm_name": body.confirm_name, "actor": caller(request).username}
    await request.app[BUS].request(REPOSITORIES_REMOVE.subject, request_body, timeout=120)
    return web.Response(status=204)


@routes.post(
    "/api/repositories/{id}/refresh",
    summary="Read the repository's figures again (`borg info`); 423 while one of its jobs runs.",
    access="operator",
    reply=Repository,
)
async def refresh_repository(request: web.Request) -> web.Response:
    body = {"id": _id(request), "actor": caller(request).username}
    return json_response(await request.app[BUS].request(REPOSITORIES_REFRESH.subject, body, timeout=60))


@routes.get(
    "/api/repositories/{id}/key",
    summary="Download the repository key (`borg key export`) as a file.",
    access="admin",
    query={"format": "key (default), paper or qr-html"},
)
async def export_key(request: web.Request) -> web.Response:
    key_format = query_choice(request, "format", ("key", "paper", "qr-html"), "key")
    data = await request.app[BUS].request_as(
        REPOSITORIES_KEY_EXPORT.subject, {"id": _id(request), "format": key_format}, KeyExport, timeout=30
    )
    return web.Response(
        text=data.content,
        content_type=data.content_type.split(";")[0],
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{data.filename}"', "Cache-Control": "no-store"},
    )


@routes.get(
    "/api/repositories/{id}/lock",
    summary="Who holds the repository's lock (look before breaking it).",
    access="viewer",
    reply=LockState,
)
async def repository_lock(request: web.Request) -> web.Response:
    return json_response(await request.app[BUS].request(REPOSITORIES_LOCK.subject, {"id": _id(request)}))


async def _start_job(request: web.Request, kind: str) -> web.Response:
    bus = request.app[BUS]
    given = await read_body(request, dict[str, Any])
    fields = {k: v for k, v in given.items() if k not in _COMMAND_META}
    fields["repository_id"] = _id(request)
    try:
        command = msgspec.convert({**fields, "actor": caller(request).username}, COMMAND_TYPES[kind])
    except msgspec.ValidationError as exc:
        raise ApiError("invalid", f"invalid request body: {exc}") from None
    try:
        await bus.request(JOBS_VALIDATE.subject, {"kind": kind, "command": fields})
    except RpcError as exc:
        # With the executor down the command still waits safely in the stream; it is checked again
        # when it runs and fails there with the same message.
        if exc.code != "unavailable":
            raise
    await bus.send_command(f"cmd.executor.{kind}", command)
    return json_response(JobStarted(command.id), 202)


def _job_route(kind: str, path: str, summary: str) -> None:
    async def start(request: web.Request) -> web.Response:
        return await _start_job(request, kind)

    start.__name__ = f"start_{kind}"
    routes.post(
        f"/api/repositories/{{id}}/{path}", summary=summary + " Answers 202 with the job id.", access="operator",
        body=COMMAND_TYPES[kind], reply=JobStarted,
    )(start)


for _kind, _path, _summary in (
    ("backup", "backup", "Start a backup (`options` or the repository's defaults)."),
    ("prune", "prune", "Prune archives by keep rules; `dry_run` only lists what would go (in the job's result)."),
    ("compact", "compact", "Free the space of deleted archives."),
    ("check", "check", "Check the repository and/or archives."),
    ("delete_archives", "delete-archives", "Delete the named archives."),
    ("rename_archive", "rename-archive", "Rename one archive."),
    ("break_lock", "break-lock", "Break the repository's lock; needs `confirm: true`."),
):
    _job_route(_kind, _path, _summary)
