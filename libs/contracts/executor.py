"""Repositories: the executor's requests and events about them.

A passphrase or key travels only inside create/import/update requests (to the executor); every
reply and event carries at most the masked form.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from libs.contracts.base import Empty, Event
from libs.contracts.registry import declare

Encryption = Literal[
    "none",
    "authenticated",
    "authenticated-blake2",
    "repokey",
    "repokey-blake2",
    "keyfile",
    "keyfile-blake2",
]
ENCRYPTIONS: tuple[str, ...] = Encryption.__args__  # type: ignore[attr-defined]
# Modes whose key is derived from a passphrase: creating or importing one needs it.
PASSPHRASE_MODES = frozenset(m for m in ENCRYPTIONS if m != "none")
KEYFILE_MODES = frozenset({"keyfile", "keyfile-blake2"})
KEY_EXPORT_MODES = frozenset({"repokey", "repokey-blake2", "keyfile", "keyfile-blake2"})


class HookCommand(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A program run before or after a backup, as an argument list (never through a shell)."""

    argv: list[str]
    timeout_seconds: float = 300.0
    # What a failing pre-command does: skip the backup (job fails) or continue with it.
    on_failure: Literal["skip", "continue"] = "skip"


class BackupOptions(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How to run ``borg create``; a repository keeps one set as its defaults."""

    sources: list[str] = []
    exclude_patterns: list[str] = []
    exclude_if_present: list[str] = []
    exclude_caches: bool = False
    one_file_system: bool = False
    compression: str = "lz4"
    archive_name_template: str = "{hostname}-{now:%Y-%m-%dT%H:%M:%S}"
    upload_ratelimit_kib: int | None = None
    extra_flags: list[str] = []
    pre_command: HookCommand | None = None
    post_command: HookCommand | None = None


class RepositoryStats(msgspec.Struct, kw_only=True):
    """From ``borg info --json``; sizes in bytes."""

    original_size: int = 0
    compressed_size: int = 0
    deduplicated_size: int = 0
    dedup_ratio: float | None = None
    archive_count: int = 0
    last_backup_at: str | None = None
    refreshed_at: str | None = None


class Repository(msgspec.Struct, kw_only=True):
    id: str
    name: str
    location: str
    encryption: Encryption
    # The masked passphrase ("" when none is stored); the real one never leaves the executor.
    passphrase: str
    has_keyfile: bool
    defaults: BackupOptions
    stats: RepositoryStats | None
    created_at: str
    updated_at: str
    # Set by a successful verify job: when, and which archive was shown restorable.
    last_verified_at: str | None = None
    last_verified_archive: str | None = None


class RepositoryList(msgspec.Struct, kw_only=True):
    items: list[Repository]


class RepositoryRef(msgspec.Struct, kw_only=True):
    id: str


class CreateRepository(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    location: str
    encryption: Encryption = "repokey-blake2"
    passphrase: str | None = None
    defaults: BackupOptions = msgspec.field(default_factory=BackupOptions)
    # Who asked (set by the gateway from the signed-in user); recorded on the resulting event.
    actor: str | None = None


class ImportRepository(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    location: str
    passphrase: str | None = None
    # The key file's text, for keyfile-mode repositories whose key is not on this host.
    keyfile: str | None = None
    defaults: BackupOptions = msgspec.field(default_factory=BackupOptions)
    # Who asked (set by the gateway from the signed-in user); recorded on the resulting event.
    actor: str | None = None


class UpdateRepository(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    id: str
    name: str | None = None
    defaults: BackupOptions | None = None
    # A new passphrase to store (it must open the repository); the key itself is not changed.
    passphrase: str | None = None
    # Who asked (set by the gateway from the signed-in user); recorded on the resulting event.
    actor: str | None = None


class RemoveRepository(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    id: str
    # When true the repository's data is deleted too; ``confirm_name`` must equal its name.
    delete_data: bool = False
    confirm_name: str | None = None
    # Who asked (set by the gateway from the signed-in user); recorded on the resulting event.
    actor: str | None = None


class RefreshInfo(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    id: str
    # Who asked (set by the gateway from the signed-in user); recorded on the resulting event.
    actor: str | None = None


class KeyExportRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    id: str
    format: Literal["key", "paper", "qr-html"] = "key"


class KeyExport(msgspec.Struct, kw_only=True):
    filename: str
    content_type: str
    content: str


class LockHolder(msgspec.Struct, kw_only=True):
    host: str
    pid: int
    kind: Literal["exclusive", "shared"]
    # Whether the holder runs on this host (then ``alive`` is known) and is still running.
    this_host: bool
    alive: bool | None


class LockState(msgspec.Struct, kw_only=True):
    locked: bool
    holders: list[LockHolder]
    # Our own job currently running against the repository, if any.
    running_job_id: str | None


class RepositoryEvent(Event, kw_only=True):
    repository_id: str
    name: str
    location: str
    encryption: str
    # Only on evt.repository.removed: whether the data was deleted as well.
    data_deleted: bool = False


REPOSITORIES_LIST = declare("rpc", "rpc.executor.repositories.list", Empty, "All repositories.", RepositoryList)
REPOSITORIES_GET = declare("rpc", "rpc.executor.repositories.get", RepositoryRef, "One repository.", Repository)
REPOSITORIES_CREATE = declare(
    "rpc",
    "rpc.executor.repositories.create",
    CreateRepository,
    "Create a new repository with `borg init` (the path must not exist or be an empty folder).",
    Repository,
)
REPOSITORIES_IMPORT = declare(
    "rpc",
    "rpc.executor.repositories.import",
    ImportRepository,
    "Register an existing repository after opening it with `borg info`.",
    Repository,
)
REPOSITORIES_UPDATE = declare(
    "rpc", "rpc.executor.repositories.update", UpdateRepository, "Rename, change backup defaults or passphrase.", Repository
)
REPOSITORIES_REMOVE = declare(
    "rpc",
    "rpc.executor.repositories.remove",
    RemoveRepository,
    "Forget a repository, keeping its data, or delete the data too (needs `confirm_name`).",
    Empty,
)
REPOSITORIES_REFRESH = declare(
    "rpc",
    "rpc.executor.repositories.refresh",
    RefreshInfo,
    "Read sizes and archive count again with `borg info --json` (`locked` while a job runs).",
    Repository,
)
REPOSITORIES_KEY_EXPORT = declare(
    "rpc",
    "rpc.executor.repositories.key_export",
    KeyExportRequest,
    "Export the repository key (`borg key export`); the reply holds key material.",
    KeyExport,
)
REPOSITORIES_LOCK = declare(
    "rpc", "rpc.executor.repositories.lock", RepositoryRef, "Who holds the repository's lock, if anyone.", LockState
)

REPOSITORY_CREATED = declare("event", "evt.repository.created", RepositoryEvent, "A repository was created or imported.")
REPOSITORY_UPDATED = declare("event", "evt.repository.updated", RepositoryEvent, "A repository's name, defaults or passphrase changed.")
REPOSITORY_REMOVED = declare("event", "evt.repository.removed", RepositoryEvent, "A repository was removed (with or without its data).")
