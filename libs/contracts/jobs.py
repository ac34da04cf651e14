"""Jobs: every borg run of the executor, started by a command and followed by events.

The sender chooses the command id; the executor keys the job by it, so the sender knows the job
id at once (the gateway answers 202 with it) and a redelivered command is recognised.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from libs.contracts.base import Command, Empty, Event
from libs.contracts.executor import BackupOptions
from libs.contracts.registry import declare

JobKind = Literal[
    "backup", "prune", "compact", "check", "delete_archives", "rename_archive", "break_lock", "index", "restore", "verify"
]
JobStatus = Literal["queued", "running", "succeeded", "warning", "failed", "cancelled", "interrupted"]
JOB_KINDS: tuple[str, ...] = JobKind.__args__  # type: ignore[attr-defined]
JOB_STATUSES: tuple[str, ...] = JobStatus.__args__  # type: ignore[attr-defined]
FINAL_STATUSES = frozenset({"succeeded", "warning", "failed", "cancelled", "interrupted"})


class JobStats(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What a finished job measured; backups fill the archive fields."""

    archive_name: str | None = None
    files: int | None = None
    original_size: int | None = None
    compressed_size: int | None = None
    deduplicated_size: int | None = None


class Job(msgspec.Struct, kw_only=True):
    id: str
    kind: JobKind
    repository_id: str
    status: JobStatus
    actor: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    duration_seconds: float | None
    # The command's options as given (never a secret: commands carry none).
    params: dict[str, Any]
    stats: JobStats | None
    # Kind-specific outcome, e.g. a prune's ``{"pruned": [...], "kept": [...]}``.
    result: dict[str, Any] | None
    error: str | None
    error_lines: list[str]


class JobPage(msgspec.Struct, kw_only=True):
    items: list[Job]
    total: int
    limit: int
    offset: int


class ListJobs(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str | None = None
    kind: JobKind | None = None
    status: JobStatus | None = None
    limit: int = 50
    offset: int = 0


class JobRef(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    id: str


class ReadLog(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    id: str
    offset: int = 0
    limit: int = 256 * 1024


class LogChunk(msgspec.Struct, kw_only=True):
    text: str
    offset: int
    next_offset: int
    size: int
    # True once the job has finished and ``next_offset`` reached the end: nothing more will come.
    complete: bool


class JobCommand(Command, kw_only=True):
    repository_id: str


class BackupCommand(JobCommand, kw_only=True):
    # None uses the repository's defaults.
    options: BackupOptions | None = None


class PruneCommand(JobCommand, kw_only=True):
    keep_within: str | None = None
    keep_secondly: int | None = None
    keep_minutely: int | None = None
    keep_hourly: int | None = None
    keep_daily: int | None = None
    keep_weekly: int | None = None
    keep_monthly: int | None = None
    keep_yearly: int | None = None
    glob_archives: str | None = None
    # Only list what would go (in the job's ``result``); nothing is deleted.
    dry_run: bool = False


class CompactCommand(JobCommand, kw_only=True):
    threshold_percent: int | None = None


class CheckCommand(JobCommand, kw_only=True):
    repository_only: bool = False
    archives_only: bool = False
    verify_data: bool = False
    max_duration_seconds: int | None = None


class DeleteArchivesCommand(JobCommand, kw_only=True):
    archives: list[str]


class RenameArchiveCommand(JobCommand, kw_only=True):
    archive: str
    new_name: str


class BreakLockCommand(JobCommand, kw_only=True):
    # Breaking a lock another process may still hold can corrupt the repository: say so explicitly.
    confirm: bool = False


class IndexCommand(JobCommand, kw_only=True):
    """(Re)build the browse and search index of one archive from ``borg list --json-lines``."""

    archive: str


class RestoreCommand(JobCommand, kw_only=True):
    archive: str
    # Archive paths (files or folders); at least one.
    paths: list[str]
    # An absolute folder under RESTORE_ROOTS; None restores to the original place ("/").
    destination: str | None = None
    strip_components: int = 0


class VerifyCommand(JobCommand, kw_only=True):
    # None verifies the newest archive.
    archive: str | None = None
    # Empty verifies the whole archive.
    paths: list[str] = []


class JobEvent(Event, kw_only=True):
    job_id: str
    kind: JobKind
    repository_id: str
    status: JobStatus
    duration_seconds: float | None = None
    stats: JobStats | None = None
    error: str | None = None


class JobProgress(msgspec.Struct, kw_only=True):
    """One live progress sample; sizes in bytes, ``rate`` in original bytes per second."""

    job_id: str
    time: str
    files: int = 0
    original_size: int = 0
    compressed_size: int = 0
    deduplicated_size: int = 0
    path: str = ""
    rate: float = 0.0
    # Known when the total is known (the size of a backup's sources, or borg's own percent).
    percent: float | None = None
    eta_seconds: float | None = None
    message: str | None = None
    # Entries read so far by an index job.
    entries: int | None = None


COMMAND_TYPES: dict[str, type[JobCommand]] = {
    "backup": BackupCommand,
    "prune": PruneCommand,
    "compact": CompactCommand,
    "check": CheckCommand,
    "delete_archives": DeleteArchivesCommand,
    "rename_archive": RenameArchiveCommand,
    "break_lock": BreakLockCommand,
    "index": IndexCommand,
    "restore": RestoreCommand,
    "verify": VerifyCommand,
}

_COMMAND_SUMMARIES = {
    "backup": "Back up sources into a new archive (`borg create`).",
    "prune": "Delete archives outside the keep rules (`borg prune`), or list them with `dry_run`.",
    "compact": "Free space of deleted archives (`borg compact`).",
    "check": "Verify the repository and/or archives (`borg check`).",
    "delete_archives": "Delete the named archives (`borg delete`).",
    "rename_archive": "Rename one archive (`borg rename`).",
    "break_lock": "Remove a stale repository lock (`borg break-lock`); needs `confirm: true`.",
    "index": "Build the browse and search index of one archive (`borg list --json-lines`).",
    "restore": "Restore archive paths into a folder under RESTORE_ROOTS (`borg extract`).",
    "verify": "Check that an archive (or some of its paths) can be restored (`borg extract --dry-run`).",
}

JOB_COMMANDS = {
    kind: declare("command", f"cmd.executor.{kind}", body, _COMMAND_SUMMARIES[kind])
    for kind, body in COMMAND_TYPES.items()
}

JOBS_LIST = declare("rpc", "rpc.executor.jobs.list", ListJobs, "Jobs, newest first, filtered and paged.", JobPage)
JOBS_GET = declare("rpc", "rpc.executor.jobs.get", JobRef, "One job.", Job)
JOBS_CANCEL = declare(
    "rpc", "rpc.executor.jobs.cancel", JobRef, "Cancel a queued or running job (borg gets SIGINT, then SIGTERM, SIGKILL).", Job
)
JOBS_LOG = declare("rpc", "rpc.executor.jobs.log", ReadLog, "A slice of a job's log from `offset`.", LogChunk)

JOB_QUEUED = declare("event", "evt.job.queued", JobEvent, "A job was recorded and waits for its turn.")
JOB_STARTED = declare("event", "evt.job.started", JobEvent, "A job started running borg.")
JOB_FINISHED = declare(
    "event", "evt.job.finished", JobEvent, "A job ended: succeeded, warning, failed, cancelled or interrupted."
)

JOB_PROGRESS = declare("live", "live.job.*", JobProgress, "Progress of the running job whose id is the last token; at most twice a second.")


class ValidateJob(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: JobKind
    command: dict[str, Any]


JOBS_VALIDATE = declare(
    "rpc",
    "rpc.executor.jobs.validate",
    ValidateJob,
    "Check a job's command (repository, options, sources) before sending it; `invalid` or `not_found` if it would fail.",
    Empty,
)
