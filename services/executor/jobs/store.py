"""Job records in the executor's database."""

from __future__ import annotations

from typing import Any

import aiosqlite
import msgspec

from libs.contracts.base import utc_now
from libs.contracts.envelope import RpcError
from libs.contracts.jobs import Job, JobEvent, JobPage, JobStats, ListJobs

MAX_PAGE = 500


def _job(row: aiosqlite.Row) -> Job:
    return Job(
        id=row["id"],
        kind=row["kind"],
        repository_id=row["repository_id"],
        status=row["status"],
        actor=row["actor"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        duration_seconds=row["duration_seconds"],
        params=msgspec.json.decode(row["params"]),
        stats=msgspec.json.decode(row["stats"], type=JobStats) if row["stats"] else None,
        result=msgspec.json.decode(row["result"]) if row["result"] else None,
        error=row["error"],
        error_lines=msgspec.json.decode(row["error_lines"]),
    )


def event_of(job: Job) -> JobEvent:
    return JobEvent(
        job_id=job.id,
        kind=job.kind,
        repository_id=job.repository_id,
        status=job.status,
        duration_seconds=job.duration_seconds,
        stats=job.stats,
        error=job.error,
        actor=job.actor,
    )


class JobStore:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def insert(self, job_id: str, kind: str, repository_id: str, actor: str | None, params: dict[str, Any], created_at: str) -> bool:
        """Record a queued job; False when a job with this id exists (a redelivered command)."""
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO jobs (id, kind, repository_id, status, actor, params, created_at)"
            " VALUES (?, ?, ?, 'queued', ?, ?, ?)",
            (job_id, kind, repository_id, actor, msgspec.json.encode(params).decode(), created_at),
        )
        await self.db.commit()
        return cur.rowcount == 1

    async def find(self, job_id: str) -> Job | None:
        async with self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)) as cur:
            row = await cur.fetchone()
        return _job(row) if row else None

    async def get(self, job_id: str) -> Job:
        job = await self.find(job_id)
        if job is None:
            raise RpcError("not_found", f"no job with id {job_id}")
        return job

    async def page(self, q: ListJobs) -> JobPage:
        where, values = [], []
        for column in ("repository_id", "kind", "status"):
            value = getattr(q, column)
            if value is not None:
                where.append(f"{column} = ?")
                values.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        limit = max(1, min(q.limit, MAX_PAGE))
        offset = max(0, q.offset)
        async with self.db.execute(f"SELECT COUNT(*) FROM jobs {clause}", values) as cur:
            total = (await cur.fetchone())[0]
        async with self.db.execute(
            f"SELECT * FROM jobs {clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?", (*values, limit, offset)
        ) as cur:
            items = [_job(row) for row in await cur.fetchall()]
        return JobPage(items=items, total=total, limit=limit, offset=offset)

    async def queued(self) -> list[tuple[str, str]]:
        """(job id, repository id) of waiting jobs, oldest first."""
        async with self.db.execute(
            "SELECT id, repository_id FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid"
        ) as cur:
            return [(row["id"], row["repository_id"]) for row in await cur.fetchall()]

    async def running(self) -> list[Job]:
        async with self.db.execute("SELECT * FROM jobs WHERE status = 'running'") as cur:
            return [_job(row) for row in await cur.fetchall()]

    async def mark_running(self, job_id: str) -> Job:
        await self.db.execute(
            "UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'", (utc_now(), job_id)
        )
        await self.db.commit()
        return await self.get(job_id)

    async def finish(
        self,
        job_id: str,
        status: str,
        *,
        duration: float | None,
        stats: JobStats | None = None,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        error_lines: list[str] | None = None,
    ) -> Job:
        await self.db.execute(
            "UPDATE jobs SET status = ?, finished_at = ?, duration_seconds = ?, stats = ?, result = ?, error = ?,"
            " error_lines = ? WHERE id = ?",
            (
                status,
                utc_now(),
                None if duration is None else round(duration, 3),
                msgspec.json.encode(stats).decode() if stats else None,
                msgspec.json.encode(result).decode() if result is not None else None,
                error,
                msgspec.json.encode(error_lines or []).decode(),
                job_id,
            ),
        )
        await self.db.commit()
        return await self.get(job_id)

    async def has_active(self, repository_id: str) -> bool:
        async with self.db.execute(
            "SELECT 1 FROM jobs WHERE repository_id = ? AND status IN ('queued', 'running') LIMIT 1", (repository_id,)
        ) as cur:
            return await cur.fetchone() is not None

    async def cancel_queued(self, job_id: str) -> Job | None:
        """Cancel a job still waiting; None when it is no longer queued."""
        cur = await self.db.execute(
            "UPDATE jobs SET status = 'cancelled', finished_at = ?, error = 'cancelled by request'"
            " WHERE id = ? AND status = 'queued'",
            (utc_now(), job_id),
        )
        await self.db.commit()
        return await self.get(job_id) if cur.rowcount == 1 else None
