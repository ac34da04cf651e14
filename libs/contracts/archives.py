"""Archives: their list, the browse/search index, restore planning and downloads (executor)."""

from __future__ import annotations

from typing import Literal

import msgspec

from libs.contracts.base import Empty
from libs.contracts.registry import declare

IndexStateName = Literal["none", "queued", "building", "ready", "failed"]
SortKey = Literal["name", "size", "mtime"]
ChangeKind = Literal["added", "removed", "modified"]
DownloadFormat = Literal["file", "tar", "tar.gz"]


class IndexState(msgspec.Struct, kw_only=True):
    state: IndexStateName
    entries: int = 0
    job_id: str | None = None


class Archive(msgspec.Struct, kw_only=True):
    name: str
    id: str
    start: str | None
    end: str | None
    duration_seconds: float | None
    # Known for archives made here (from `borg create --json`); null for others until known.
    original_size: int | None
    compressed_size: int | None
    deduplicated_size: int | None
    files: int | None
    hostname: str | None
    username: str | None
    comment: str | None
    index: IndexState


class ArchiveList(msgspec.Struct, kw_only=True):
    archives: list[Archive]  # newest first


class ListArchives(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str
    # Read the list from the repository again (`borg list --json`) instead of the cache.
    refresh: bool = False


class IndexedEntry(msgspec.Struct, kw_only=True):
    name: str
    path: str
    # borg's type letter: "d" folder, "-" file, "l" symlink, "h" hard link (borg 1.x), "c"/"b"/"p"...
    type: str
    size: int  # a folder's recursive total
    mode: str
    user: str
    group: str
    mtime: str
    target: str  # a symlink's target, or the first name of a hard-linked file
    hardlink: bool
    total_files: int | None = None  # folders: files below it, recursively


class FolderListing(msgspec.Struct, kw_only=True):
    archive: str
    path: str
    breadcrumb: list[str]
    total: int
    offset: int
    entries: list[IndexedEntry]


class Browse(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str
    archive: str
    path: str = ""
    sort: SortKey = "name"
    order: Literal["asc", "desc"] = "asc"
    offset: int = 0
    limit: int = 200
    # Who asked; recorded on the index job the first open starts.
    actor: str | None = None


class BrowseReply(msgspec.Struct, kw_only=True):
    """``listing`` when the archive is indexed; otherwise ``index`` says how its index job is doing."""

    listing: FolderListing | None = None
    index: IndexState | None = None


class Search(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str
    # A glob on the name when it holds * ? or [, else a case-insensitive substring.
    q: str
    path: str = ""
    min_size: int | None = None
    max_size: int | None = None
    after: str | None = None  # mtime lower bound, ISO 8601
    before: str | None = None
    limit: int = 200


class SearchHit(msgspec.Struct, kw_only=True):
    path: str
    type: str
    size: int
    mtime: str
    archives: list[str]  # newest first


class SearchResult(msgspec.Struct, kw_only=True):
    hits: list[SearchHit]
    unindexed_archives: list[str]


class Versions(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str
    path: str


class Version(msgspec.Struct, kw_only=True):
    archive: str
    archive_time: str
    size: int
    mtime: str
    changed: bool  # size or mtime differ from the previous version (always true for the first)


class VersionList(msgspec.Struct, kw_only=True):
    path: str
    versions: list[Version]  # oldest first


class Changes(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str
    archive: str
    base: str | None = None  # default: the archive before it
    kind: ChangeKind | None = None
    path: str = ""
    offset: int = 0
    limit: int = 500
    # Compare contents with `borg diff` (slow: reads both archives) instead of size and mtime from the index.
    content: bool = False


class Change(msgspec.Struct, kw_only=True):
    path: str
    change: ChangeKind
    type: str
    size: int
    old_size: int | None = None
    mtime: str = ""
    old_mtime: str | None = None
    # Set when compared with `borg diff` (`content`): whether the bytes differ (null for added or
    # removed files), and borg's differences in words (content, mode, owner, mtime, link target).
    content_changed: bool | None = None
    detail: str | None = None


class ChangeSummary(msgspec.Struct, kw_only=True):
    archive: str
    base: str
    added: int
    removed: int
    modified: int
    changes: list[Change]


class PlanRestore(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str
    archive: str
    paths: list[str]
    destination: str | None = None
    strip_components: int = 0
    # Items listed at most (the counts cover everything).
    limit: int = 1000


class RestoreItem(msgspec.Struct, kw_only=True):
    path: str  # in the archive
    target: str  # where it would be written
    size: int
    type: str
    exists: bool  # something is there already and would be overwritten


class RestorePlan(msgspec.Struct, kw_only=True):
    items: list[RestoreItem]
    files: int
    bytes: int
    overwrites: int
    truncated: bool = False


class OpenDownload(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    repository_id: str
    archive: str
    paths: list[str]
    # "file": the bytes of one file; "tar"/"tar.gz": the selection (folders allowed) as a tar stream.
    format: DownloadFormat = "file"


class DownloadInfo(msgspec.Struct, kw_only=True):
    stream_id: str
    size: int | None  # known for a single file
    filename: str
    content_type: str


class ReadDownload(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    stream_id: str


class DownloadChunk(msgspec.Struct, kw_only=True):
    # Base64 in the JSON envelope (msgspec encodes bytes so); at most 512 KiB before encoding.
    data: bytes
    eof: bool


ARCHIVES_LIST = declare(
    "rpc", "rpc.executor.archives.list", ListArchives, "Archives of a repository, newest first, each with its index state.", ArchiveList
)
ARCHIVES_BROWSE = declare(
    "rpc",
    "rpc.executor.archives.browse",
    Browse,
    "One folder of an archive from its index; an unindexed archive answers `index` (and starts its index job).",
    BrowseReply,
)
ARCHIVES_SEARCH = declare(
    "rpc", "rpc.executor.archives.search", Search, "Search names across every indexed archive of a repository.", SearchResult
)
ARCHIVES_VERSIONS = declare(
    "rpc", "rpc.executor.archives.versions", Versions, "Every indexed archive holding a path, oldest first.", VersionList
)
ARCHIVES_CHANGES = declare(
    "rpc",
    "rpc.executor.archives.changes",
    Changes,
    "Files added, removed or modified in an archive against another (from the index, or by content with `borg diff`).",
    ChangeSummary,
)
ARCHIVES_PLAN_RESTORE = declare(
    "rpc",
    "rpc.executor.archives.plan_restore",
    PlanRestore,
    "Check a restore and list what it would write and overwrite (nothing is written).",
    RestorePlan,
)
DOWNLOAD_OPEN = declare(
    "rpc",
    "rpc.executor.download.open",
    OpenDownload,
    "Start streaming a file or a tar of a selection out of an archive; read it with `download.read`.",
    DownloadInfo,
)
DOWNLOAD_READ = declare(
    "rpc",
    "rpc.executor.download.read",
    ReadDownload,
    "The next chunk (at most 512 KiB) of an open download; pull-based, an idle stream is closed after a while.",
    DownloadChunk,
)
DOWNLOAD_CLOSE = declare(
    "rpc", "rpc.executor.download.close", ReadDownload, "Stop a download early (its borg is killed).", Empty
)
