"""Whether a job's command can run: checked when it is requested and again when it starts."""

from __future__ import annotations

from pathlib import Path

from libs.contracts.envelope import RpcError
from libs.contracts.executor import BackupOptions
from libs.contracts.jobs import (
    BackupCommand,
    BreakLockCommand,
    CheckCommand,
    DeleteArchivesCommand,
    JobCommand,
    PruneCommand,
    RenameArchiveCommand,
)
from services.executor.borg.options import OptionError, validate_archive_name
from services.executor.jobs.options import check_options, prune_options, validate_backup_options
from services.executor.repositories.store import RepositoryRecord


def backup_options(cmd: BackupCommand, repo: RepositoryRecord) -> BackupOptions:
    return cmd.options if cmd.options is not None else repo.defaults


def validate_command(cmd: JobCommand, repo: RepositoryRecord, source_roots: tuple[Path, ...]) -> None:
    """Raise ``RpcError("invalid", …)`` naming what is wrong with ``cmd``."""
    try:
        if isinstance(cmd, BackupCommand):
            validate_backup_options(backup_options(cmd, repo), source_roots, require_sources=True)
        elif isinstance(cmd, PruneCommand):
            prune_options(cmd)
        elif isinstance(cmd, CheckCommand):
            check_options(cmd)
        elif isinstance(cmd, DeleteArchivesCommand):
            if not cmd.archives:
                raise RpcError("invalid", "name at least one archive to delete")
            for name in cmd.archives:
                validate_archive_name(name)
        elif isinstance(cmd, RenameArchiveCommand):
            validate_archive_name(cmd.archive)
            validate_archive_name(cmd.new_name)
            if cmd.archive == cmd.new_name:
                raise RpcError("invalid", "the new name is the same as the old one")
        elif isinstance(cmd, BreakLockCommand) and not cmd.confirm:
            raise RpcError("invalid", "breaking a lock needs confirm: true (look at its owner first)")
    except OptionError as exc:
        raise RpcError("invalid", str(exc)) from None
