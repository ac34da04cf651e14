"""Archives: list, browse, search, versions, changes, index rebuild, restore, verify, download."""

from __future__ import annotations

from urllib.parse import quote

import msgspec
from aiohttp import web

from libs.contracts.archives import (
    ARCHIVES_BROWSE,
    ARCHIVES_CHANGES,
    ARCHIVES_LIST,
    ARCHIVES_PLAN_RESTORE,
    ARCHIVES_SEARCH,
    ARCHIVES_VERSIONS,
    DOWNLOAD_CLOSE,
    DOWNLOAD_OPEN,
    DOWNLOAD_READ,
    ArchiveList,
    BrowseReply,
    ChangeSummary,
    DownloadChunk,
    DownloadInfo,
    FolderListing,
    IndexState,
    RestorePlan,
    SearchResult,
    VersionList,
)
from libs.contracts.envelope import RpcError
from libs.contracts.jobs import IndexCommand, RestoreCommand, VerifyCommand
from services.gateway.api.repositories import JobStarted
from services.gateway.auth import caller
from services.gateway.http import ApiError, json_response, query_choice, query_int, read_body
from services.gateway.keys import BUS
from services.gateway.routing import Routes

routes = Routes("archives")

# Index, plan and download requests may read an archive's listing from borg first.
SLOW = 60.0
PLAN_ITEMS = 1000


class IndexPending(msgspec.Struct):
    index: IndexState


class RestoreRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    archive: str
    paths: list[str]
    destination: str | None = None
    strip_components: int = 0
    dry_run: bool = False


class VerifyRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    archive: str | None = None
    paths: list[str] = []


def _ids(request: web.Request) -> tuple[str, str]:
    return request.match_info["id"], request.match_info.get("archive", "")


@routes.get(
    "/api/repositories/{id}/archives",
    summary="The repository's archives, newest first, with sizes (when known) and index state.",
    access="viewer",
    reply=ArchiveList,
    query={"refresh": "1 to read the list from the repository again"},
)
async def list_archives(request: web.Request) -> web.Response:
    body = {"repository_id": request.match_info["id"], "refresh": request.query.get("refresh") in ("1", "true")}
    return json_response(await request.app[BUS].request(ARCHIVES_LIST.subject, body, timeout=SLOW))


@routes.get(
    "/api/repositories/{id}/archives/{archive}/browse",
    summary="One folder of an archive; 202 with the index job while the archive is being indexed (first open starts it).",
    access="viewer",
    reply=FolderListing,
    query={
        "path": "folder inside the archive ('' is the root)",
        "sort": "name, size or mtime",
        "order": "asc or desc",
        "offset": "entries to skip",
        "limit": "entries at most (1-1000, default 200)",
    },
)
async def browse(request: web.Request) -> web.Response:
    repository_id, archive = _ids(request)
    body = {
        "repository_id": repository_id,
        "archive": archive,
        "path": request.query.get("path", ""),
        "sort": query_choice(request, "sort", ("name", "size", "mtime"), "name"),
        "order": query_choice(request, "order", ("asc", "desc"), "asc"),
        "offset": query_int(request, "offset", 0),
        "limit": query_int(request, "limit", 200, 1, 1000),
        "actor": caller(request).username,
    }
    reply = await request.app[BUS].request_as(ARCHIVES_BROWSE.subject, body, BrowseReply, timeout=SLOW)
    if reply.listing is None:
        return json_response(IndexPending(index=reply.index), 202)
    return json_response(reply.listing)


@routes.get(
    "/api/repositories/{id}/search",
    summary="Find files by name across the repository's indexed archives.",
    access="viewer",
    reply=SearchResult,
    query={
        "q": "a glob (with * ? [) or a case-insensitive substring of the name",
        "path": "only below this folder",
        "min_size": "bytes",
        "max_size": "bytes",
        "after": "modified at or after (ISO 8601)",
        "before": "modified at or before (ISO 8601)",
        "limit": "hits at most (1-1000, default 200)",
    },
)
async def search(request: web.Request) -> web.Response:
    q = request.query.get("q", "").strip()
    if not q:
        raise ApiError("invalid", "search needs q: a name, part of one, or a pattern")
    body = {
        "repository_id": request.match_info["id"],
        "q": q,
        "path": request.query.get("path", ""),
        "min_size": query_int(request, "min_size", None),
        "max_size": query_int(request, "max_size", None),
        "after": request.query.get("after") or None,
        "before": request.query.get("before") or None,
        "limit": query_int(request, "limit", 200, 1, 1000),
    }
    return json_response(await request.app[BUS].request(ARCHIVES_SEARCH.subject, body, timeout=SLOW))


@routes.get(
    "/api/repositories/{id}/versions",
    summary="Every indexed archive holding a path, oldest first, marking where it changed.",
    access="viewer",
    reply=VersionList,
    query={"path": "file or folder inside the archives"},
)
async def versions(request: web.Request) -> web.Response:
    body = {"repository_id": request.match_info["id"], "path": request.query.get("path", "")}
    return json_response(await request.app[BUS].request(ARCHIVES_VERSIONS.subject, body))


@routes.get(
    "/api/repositories/{id}/archives/{archive}/changes",
    summary="Files added, removed or modified (size or mtime, or contents with `content=true`) against the archive before it or `base`.",
    access="viewer",
    reply=ChangeSummary,
    query={
        "base": "archive to compare with (default: the one before)",
        "kind": "added, removed or modified",
        "path": "only below this folder",
        "offset": "changes to skip",
        "limit": "changes at most (1-1000, default 500)",
        "content": "true: compare file contents with `borg diff` (slower; finds changes that keep size and mtime)",
    },
)
async def changes(request: web.Request) -> web.Response:
    repository_id, archive = _ids(request)
    body = {
        "repository_id": repository_id,
        "archive": archive,
        "base": request.query.get("base") or None,
        "kind": query_choice(request, "kind", ("added", "removed", "modified"), None),
        "path": request.query.get("path", ""),
        "offset": query_int(request, "offset", 0),
        "limit": query_int(request, "limit", 500, 1, 1000),
        "content": query_choice(request, "content", ("true", "false", "1", "0"), "false") in ("true", "1"),
    }
    return json_response(await request.app[BUS].request(ARCHIVES_CHANGES.subject, body, timeout=SLOW))


@routes.post(
    "/api/repositories/{id}/archives/{archive}/index",
    summary="Build the archive's index again. Answers 202 with the job id.",
    access="operator",
    reply=JobStarted,
)
async def rebuild_index(request: web.Request) -> web.Response:
    repository_id, archive = _ids(request)
    bus = request.app[BUS]
    await _known_archive(request, repository_id, archive)
    command = IndexCommand(repository_id=repository_id, archive=archive, actor=caller(request).username)
    await bus.send_command("cmd.executor.index", command)
    return json_response(JobStarted(command.id), 202)


async def _known_archive(request: web.Request, repository_id: str, archive: str) -> None:
    listed = await request.app[BUS].request_as(ARCHIVES_LIST.subject, {"repository_id": repository_id}, ArchiveList, timeout=SLOW)
    if archive not in {a.name for a in listed.archives}:
        raise ApiError("not_found", f"the repository has no archive named {archive!r}")


@routes.post(
    "/api/repositories/{id}/restore",
    summary="Restore files and folders of an archive; `dry_run` lists what would be written and overwritten (200), "
    "otherwise 202 with the restore job's id.",
    access="operator",
    body=RestoreRequest,
    reply=RestorePlan,
)
async def restore(request: web.Request) -> web.Response:
    body = await read_body(request, RestoreRequest)
    repository_id = request.match_info["id"]
    plan_request = {
        "repository_id": repository_id,
        "archive": body.archive,
        "paths": body.paths,
        "destination": body.destination,
        "strip_components": body.strip_components,
        "limit": PLAN_ITEMS if body.dry_run else 0,
    }
    # The same checks for both: a real run is refused here, before any job exists.
    plan = await request.app[BUS].request(ARCHIVES_PLAN_RESTORE.subject, plan_request, timeout=SLOW)
    if body.dry_run:
        return json_response(plan)
    command = RestoreCommand(
        repository_id=repository_id,
        archive=body.archive,
        paths=body.paths,
        destination=body.destination,
        strip_components=body.strip_components,
        actor=caller(request).username,
    )
    await request.app[BUS].send_command("cmd.executor.restore", command)
    return json_response(JobStarted(command.id), 202)


@routes.post(
    "/api/repositories/{id}/verify",
    summary="Check an archive (default: the newest) can be restored, with `borg extract --dry-run`. Answers 202 with the job id.",
    access="operator",
    body=VerifyRequest,
    reply=JobStarted,
)
async def verify(request: web.Request) -> web.Response:
    body = await read_body(request, VerifyRequest)
    repository_id = request.match_info["id"]
    if body.archive is not None:
        await _known_archive(request, repository_id, body.archive)
    command = VerifyCommand(repository_id=repository_id, archive=body.archive, paths=body.paths, actor=caller(request).username)
    await request.app[BUS].send_command("cmd.executor.verify", command)
    return json_response(JobStarted(command.id), 202)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name in RFC 5987 form."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@routes.get(
    "/api/repositories/{id}/archives/{archive}/download",
    summary="One file's bytes, or with `format=tar|tar.gz` the selection (folders allowed) as a tar stream.",
    access="viewer",
    query={"path": "archive path (repeat for a selection)", "format": "file (default), tar or tar.gz"},
    ticket=True,
)
async def download(request: web.Request) -> web.StreamResponse:
    repository_id, archive = _ids(request)
    bus = request.app[BUS]
    paths = request.query.getall("path", [])
    if not paths:
        raise ApiError("invalid", "name what to download with path=")
    fmt = query_choice(request, "format", ("file", "tar", "tar.gz"), "file")
    body = {"repository_id": repository_id, "archive": archive, "paths": paths, "format": fmt}
    info = await bus.request_as(DOWNLOAD_OPEN.subject, body, DownloadInfo, timeout=SLOW)
    stream = {"stream_id": info.stream_id}
    response: web.StreamResponse | None = None
    finished = False
    try:
        # The first bytes come before the headers go out: a borg that fails at once (a lock, a
        # missing file) is still answered with a proper error status.
        chunk = await _next_chunk(bus, stream)
        headers = {"Content-Type": info.content_type, "Content-Disposition": content_disposition(info.filename), "Cache-Control": "no-store"}
        response = web.StreamResponse(headers=headers)
        if info.size is not None:
            response.content_length = info.size
        await response.prepare(request)
        while True:
            if chunk.data:
                await response.write(chunk.data)
            if chunk.eof:
                break
            chunk = await _next_chunk(bus, stream)
        finished = True
        await response.write_eof()
        return response
    except RpcError:
        if response is None:
            raise
        # Headers are gone; cutting the connection tells the client the file is incomplete.
        if request.transport is not None:
            request.transport.close()
        return response
    finally:
        if not finished:
            try:
                await bus.request(DOWNLOAD_CLOSE.subject, stream)
            except RpcError:
                pass


async def _next_chunk(bus, stream: dict[str, str]) -> DownloadChunk:
    while True:
        chunk = await bus.request_as(DOWNLOAD_READ.subject, stream, DownloadChunk, timeout=10)
        if chunk.data or chunk.eof:
            return chunk
