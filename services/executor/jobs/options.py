"""Check job options from the outside world and turn them into the borg layer's option types."""

from __future__ import annotations

from pathlib import Path

from libs.contracts.envelope import RpcError
from libs.contracts.executor import BackupOptions, HookCommand
from libs.contracts.jobs import CheckCommand, PruneCommand
from services.executor.borg.options import (
    CheckOptions,
    CreateOptions,
    OptionError,
    PruneOptions,
    validate_archive_template,
    validate_check_options,
    validate_create_options,
    validate_prune_options,
)
from services.executor.paths import check_sources, resolve_inside

MAX_HOOK_TIMEOUT = 24 * 3600.0


def create_options(options: BackupOptions) -> CreateOptions:
    return CreateOptions(
        compression=options.compression,
        exclude_patterns=tuple(options.exclude_patterns),
        exclude_if_present=tuple(options.exclude_if_present),
        exclude_caches=options.exclude_caches,
        one_file_system=options.one_file_system,
        upload_ratelimit_kib=options.upload_ratelimit_kib,
        extra_flags=tuple(options.extra_flags),
    )


def _check_hook(hook: HookCommand | None, label: str) -> None:
    if hook is None:
        return
    if not hook.argv or not hook.argv[0]:
        raise RpcError("invalid", f"the {label} command needs a program to run")
    if any("\x00" in arg for arg in hook.argv):
        raise RpcError("invalid", f"the {label} command holds a NUL character")
    if not 0 < hook.timeout_seconds <= MAX_HOOK_TIMEOUT:
        raise RpcError("invalid", f"the {label} command's timeout must be between 0 and {MAX_HOOK_TIMEOUT:g} seconds")


def validate_backup_options(options: BackupOptions, source_roots: tuple[Path, ...], *, require_sources: bool) -> BackupOptions:
    """``invalid`` naming the first problem. With ``require_sources`` every source must exist now
    (a backup about to run); otherwise (stored defaults) they need only lie under the roots."""
    try:
        validate_create_options(create_options(options))
        validate_archive_template(options.archive_name_template)
    except OptionError as exc:
        raise RpcError("invalid", str(exc)) from None
    if require_sources:
        check_sources(options.sources, source_roots)
    else:
        for source in options.sources:
            resolve_inside(source, source_roots, "source")
    _check_hook(options.pre_command, "pre-backup")
    _check_hook(options.post_command, "post-backup")
    return options


def prune_options(cmd: PruneCommand) -> PruneOptions:
    options = PruneOptions(
        keep_within=cmd.keep_within,
        keep_secondly=cmd.keep_secondly,
        keep_minutely=cmd.keep_minutely,
        keep_hourly=cmd.keep_hourly,
        keep_daily=cmd.keep_daily,
        keep_weekly=cmd.keep_weekly,
        keep_monthly=cmd.keep_monthly,
        keep_yearly=cmd.keep_yearly,
        glob_archives=cmd.glob_archives,
        dry_run=cmd.dry_run,
    )
    try:
        return validate_prune_options(options)
    except OptionError as exc:
        raise RpcError("invalid", str(exc)) from None


def check_options(cmd: CheckCommand) -> CheckOptions:
    options = CheckOptions(
        repository_only=cmd.repository_only,
        archives_only=cmd.archives_only,
        verify_data=cmd.verify_data,
        max_duration=cmd.max_duration_seconds,
    )
    try:
        return validate_check_options(options)
    except OptionError as exc:
        raise RpcError("invalid", str(exc)) from None
