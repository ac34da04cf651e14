"""Jobs: list with filters, one job, its log (tail and download), cancel."""

from __future__ import annotations

from aiohttp import web

from libs.contracts.jobs import JOB_KINDS, JOB_STATUSES, JOBS_CANCEL, JOBS_GET, JOBS_LIST, JOBS_LOG, Job, JobPage, LogChunk
from services.gateway.http import json_response, query_choice, query_int
from services.gateway.keys import BUS
from services.gateway.routing import Routes

routes = Routes("jobs")

DOWNLOAD_CHUNK = 512 * 1024


@routes.get(
    "/api/jobs",
    summary="Jobs, newest first.",
    access="viewer",
    reply=JobPage,
    query={
        "repository_id": "only this repository's jobs",
        "kind": "one of " + ", ".join(JOB_KINDS),
        "status": "one of " + ", ".join(JOB_STATUSES),
        "limit": "page size (1-500, default 50)",
        "offset": "how many to skip",
    },
)
async def list_jobs(request: web.Request) -> web.Response:
    query = {
        "limit": query_int(request, "limit", 50, 1, 500),
        "offset": query_int(request, "offset", 0, 0, 10**9),
        "repository_id": request.query.get("repository_id") or None,
        "kind": query_choice(request, "kind", JOB_KINDS, None),
        "status": query_choice(request, "status", JOB_STATUSES, None),
    }
    return json_response(await request.app[BUS].request(JOBS_LIST.subject, query))


@routes.get("/api/jobs/{id}", summary="One job.", access="viewer", reply=Job)
async def get_job(request: web.Request) -> web.Response:
    return json_response(await request.app[BUS].request(JOBS_GET.subject, {"id": request.match_info["id"]}))


@routes.get(
    "/api/jobs/{id}/log",
    summary="The job's log from `offset` (follow a running job by passing the previous `next_offset`); `download=1` for the whole file.",
    access="viewer",
    reply=LogChunk,
    query={"offset": "byte offset to read from", "limit": "bytes at most (default 256 KiB)", "download": "1 for the whole log as a file"},
)
async def job_log(request: web.Request) -> web.StreamResponse:
    job_id = request.match_info["id"]
    if request.query.get("download") in ("1", "true"):
        return await _download(request, job_id)
    body = {"id": job_id, "offset": query_int(request, "offset", 0, 0, 2**53), "limit": query_int(request, "limit", 256 * 1024, 1, 512 * 1024)}
    return json_response(await request.app[BUS].request(JOBS_LOG.subject, body))


async def _download(request: web.Request, job_id: str) -> web.StreamResponse:
    bus = request.app[BUS]
    chunk = await bus.request_as(JOBS_LOG.subject, {"id": job_id, "offset": 0, "limit": DOWNLOAD_CHUNK}, LogChunk)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Disposition": f'attachment; filename="job-{job_id}.log"',
        }
    )
    await response.prepare(request)
    while True:
        await response.write(chunk.text.encode("utf-8"))
        if chunk.next_offset >= chunk.size or chunk.next_offset == chunk.offset:
            break
        chunk = await bus.request_as(JOBS_LOG.subject, {"id": job_id, "offset": chunk.next_offset, "limit": DOWNLOAD_CHUNK}, LogChunk)
    await response.write_eof()
    return response


@routes.post(
    "/api/jobs/{id}/cancel",
    summary="Cancel a queued or running job; borg gets SIGINT, then SIGTERM and SIGKILL after grace periods.",
    access="operator",
    reply=Job,
)
async def cancel_job(request: web.Request) -> web.Response:
    return json_response(await request.app[BUS].request(JOBS_CANCEL.subject, {"id": request.match_info["id"]}, timeout=10))
