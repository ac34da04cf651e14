"""The work of each kind of job: build borg's arguments, run it, read its result."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Awaitable, Callable

from libs.contracts.envelope import RpcError
from libs.contracts.jobs import (
    BackupCommand,
    BreakLockCommand,
    CheckCommand,
    CompactCommand,
    DeleteArchivesCommand,
    JobStats,
    PruneCommand,
    RenameArchiveCommand,
)
from services.executor.borg.break_lock import break_lock_args
from services.executor.borg.check import check_args
from services.executor.borg.compact import compact_args
from services.executor.borg.create import create_args, parse_create_result
from services.executor.borg.delete import delete_archives_args
from services.executor.borg.events import BorgOutput, LogRecord
from services.executor.borg.prune import PruneDecision, parse_prune_list, prune_args
from services.executor.borg.rename import rename_args
from services.executor.jobs.archive_kinds import ARCHIVE_WORK
from services.executor.jobs.context import JobContext, Outcome, outcome_of
from services.executor.jobs.hooks import run_hook
from services.executor.jobs.options import check_options, create_options, prune_options
from services.executor.jobs.source_size import source_size
from services.executor.jobs.validate import backup_options, validate_command
from services.executor.repositories import locks
from services.executor.repositories.stats import stats_after_backup

log = logging.getLogger("executor.jobs")


async def backup(ctx: JobContext) -> Outcome:
    cmd = ctx.command
    assert isinstance(cmd, BackupCommand)
    options = backup_options(cmd, ctx.repo)
    notes: list[str] = []
    if options.pre_command is not None:
        ok, outcome = await run_hook(options.pre_command, "pre-backup", ctx.log)
        if not ok:
            if options.pre_command.on_failure == "skip":
                return Outcome("failed", error=f"{outcome}; backup skipped")
            notes.append(outcome)
    validate_command(cmd, ctx.repo, ctx.source_roots)

    def total_known(task: asyncio.Future[int]) -> None:
        if not task.cancelled() and task.exception() is None:
            ctx.live.tracker.total_bytes = task.result()

    # Measured beside borg rather than before it: the backup never waits for the estimate.
    sizing = asyncio.ensure_future(
        asyncio.to_thread(source_size, options.sources, tuple(options.exclude_if_present), options.one_file_system)
    )
    sizing.add_done_callback(total_known)
    argv = create_args(
        ctx.borg.binary, ctx.repo.location, options.archive_name_template, options.sources, create_options(options)
    )
    run = await ctx.run(argv)
    result = outcome_of(run, "backup")
    if run.status in ("succeeded", "warning") and run.stdout:
        created = parse_create_result(run.stdout)
        result.created = created
        result.stats = JobStats(
            archive_name=created.archive_name,
            files=created.stats.nfiles,
            original_size=created.stats.original_size,
            compressed_size=created.stats.compressed_size,
            deduplicated_size=created.stats.deduplicated_size,
        )
        result.repository_stats = stats_after_backup(ctx.repo.stats, created)
    if options.post_command is not None and result.status in ("succeeded", "warning"):
        ok, outcome = await run_hook(options.post_command, "post-backup", ctx.log)
        if not ok:
            notes.append(outcome)
    if notes and result.status == "succeeded":
        result.status = "warning"
        result.error = "; ".join(notes)
    elif notes:
        result.error_lines = [*notes, *result.error_lines]
    return result


async def prune(ctx: JobContext) -> Outcome:
    cmd = ctx.command
    assert isinstance(cmd, PruneCommand)
    messages: list[str] = []

    def collect(output: BorgOutput) -> None:
        if isinstance(output, LogRecord) and output.name == "borg.output.list":
            messages.append(output.message)

    run = await ctx.run(prune_args(ctx.borg.binary, ctx.repo.location, prune_options(cmd)), collect)
    result = outcome_of(run, "prune")
    decisions: list[PruneDecision] = parse_prune_list(messages)
    result.result = {
        "dry_run": cmd.dry_run,
        "pruned": [d.archive for d in decisions if d.action == "prune"],
        "kept": [d.archive for d in decisions if d.action == "keep"],
    }
    return result


async def compact(ctx: JobContext) -> Outcome:
    cmd = ctx.command
    assert isinstance(cmd, CompactCommand)
    run = await ctx.run(compact_args(ctx.borg.binary, ctx.repo.location, threshold_percent=cmd.threshold_percent))
    return outcome_of(run, "compact")


async def check(ctx: JobContext) -> Outcome:
    cmd = ctx.command
    assert isinstance(cmd, CheckCommand)
    run = await ctx.run(check_args(ctx.borg.binary, ctx.repo.location, check_options(cmd)))
    return outcome_of(run, "check")


async def delete_archives(ctx: JobContext) -> Outcome:
    cmd = ctx.command
    assert isinstance(cmd, DeleteArchivesCommand)
    run = await ctx.run(delete_archives_args(ctx.borg.binary, ctx.repo.location, cmd.archives))
    result = outcome_of(run, "delete")
    result.result = {"archives": list(cmd.archives)}
    return result


async def rename_archive(ctx: JobContext) -> Outcome:
    cmd = ctx.command
    assert isinstance(cmd, RenameArchiveCommand)
    run = await ctx.run(rename_args(ctx.borg.binary, ctx.repo.location, cmd.archive, cmd.new_name))
    return outcome_of(run, "rename")


async def break_lock(ctx: JobContext) -> Outcome:
    cmd = ctx.command
    assert isinstance(cmd, BreakLockCommand)
    if not cmd.confirm:
        raise RpcError("invalid", "breaking a lock needs confirm: true")
    holders = await asyncio.to_thread(locks.read_holders, Path(ctx.repo.location))
    described = locks.describe(holders)
    for h in described:
        state = "alive" if h.alive else ("dead" if h.alive is False else "unknown (another host)")
        ctx.log.line(f"lock held ({h.kind}) by {h.host} pid {h.pid}: {state}")
    if not holders:
        ctx.log.line("the repository was not locked")
    run = await ctx.run(break_lock_args(ctx.borg.binary, ctx.repo.location))
    result = outcome_of(run, "break-lock")
    result.result = {"holders": [{"host": h.host, "pid": h.pid, "kind": h.kind, "alive": h.alive} for h in described]}
    return result


Work = Callable[[JobContext], Awaitable[Outcome]]
WORK: dict[str, Work] = {
    "backup": backup,
    "prune": prune,
    "compact": compact,
    "check": check,
    "delete_archives": delete_archives,
    "rename_archive": rename_archive,
    "break_lock": break_lock,
    **ARCHIVE_WORK,
}
# Kinds after which the repository's figures are read again (a backup brings its own).
CHANGES_REPOSITORY = frozenset({"prune", "compact", "delete_archives", "rename_archive"})
