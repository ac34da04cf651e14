"""The executor's requests about archives: list, browse, search, versions, changes, restore plans
and downloads (mixed into ``ExecutorService``)."""

from __future__ import annotations

import asyncio
import posixpath

import msgspec

from libs.contracts.archives import (
    ArchiveList,
    Browse,
    BrowseReply,
    Changes,
    ChangeSummary,
    DownloadChunk,
    DownloadInfo,
    ListArchives,
    OpenDownload,
    PlanRestore,
    ReadDownload,
    RestorePlan,
    Search,
    SearchResult,
    VersionList,
    Versions,
)
from libs.contracts.base import Empty
from libs.contracts.envelope import RpcError
from libs.contracts.jobs import IndexCommand, RestoreCommand, VerifyCommand
from libs.runtime import command, rpc
from services.executor.archives.content_changes import content_changes
from services.executor.archives.downloads import DownloadStreams
from services.executor.archives.jobs import ArchiveJobs, archive_name
from services.executor.archives.restore_plan import (
    check_destination,
    check_selection,
    plan_restore,
)
from services.executor.borg.export_tar import export_tar_args
from services.executor.borg.extract import extract_args, path_patterns
from services.executor.borg.list import list_entries_args
from services.executor.index import queries
from services.executor.index.entry import BorgEntry, split_path
from services.executor.index.store import IndexStore
from services.executor.paths import parse_roots

MAX_LIMIT = 1000
# A read answers within this many seconds, with an empty chunk if borg has nothing yet.
READ_WAIT = 1.0
_FILE_TYPES = ("-", "h")


def _page(offset: int, limit: int) -> tuple[int, int]:
    if offset < 0:
        raise RpcError("invalid", "offset must not be negative")
    if not 1 <= limit <= MAX_LIMIT:
        raise RpcError("invalid", f"limit must be between 1 and {MAX_LIMIT}")
    return offset, limit


class ArchiveEndpoints:
    """Needs ``self.db``, ``self.repos``, ``self.borg``, ``self.settings`` and ``self._accept``."""

    def _init_archives(self) -> None:
        service_dir = self.settings.service_dir("executor")
        self.index = IndexStore(service_dir / "index")
        self.archives = ArchiveJobs(
            db=self.db,
            repos=self.repos,
            borg=self.borg,
            index=self.index,
            restore_roots=parse_roots(self.settings.restore_roots),
            accept=self._accept,
            index_after_backup=self.settings.index_after_backup,
        )
        self.downloads = DownloadStreams(self.settings.download_idle_timeout, self.borg.stream)

    def _start_archives(self) -> None:
        self.downloads.start()

    async def _stop_archives(self) -> None:
        await self.downloads.stop()
        await self.index.close()

    @rpc("archives.list", ListArchives)
    async def list_archives(self, req: ListArchives) -> ArchiveList:
        repo = await self.repos.get(req.repository_id)
        return ArchiveList(archives=await self.archives.archives(repo, req.refresh))

    @rpc("archives.browse", Browse)
    async def browse_archive(self, req: Browse) -> BrowseReply:
        offset, limit = _page(req.offset, req.limit)
        repo = await self.repos.get(req.repository_id)
        state = await self.archives.ensure_index(repo, archive_name(req.archive), req.actor)
        if state.state != "ready":
            return BrowseReply(index=state)
        db = await self.index.reader(repo.id)
        listing = await queries.browse(
            db, req.archive, req.path, sort=req.sort, descending=req.order == "desc", offset=offset, limit=limit
        )
        return BrowseReply(listing=listing)

    @rpc("archives.search", Search)
    async def search_archives(self, req: Search) -> SearchResult:
        _page(0, req.limit)
        repo = await self.repos.get(req.repository_id)
        listed = await self.archives.archives(repo, refresh=False)
        unindexed = [a.name for a in listed if a.index.state != "ready"]
        if len(unindexed) == len(listed):
            if not req.q.strip():
                raise RpcError("invalid", "search needs a name or pattern")
            return SearchResult(hits=[], unindexed_archives=unindexed)
        db = await self.index.reader(repo.id)
        hits = await queries.search(
            db, req.q, path_prefix=req.path, min_size=req.min_size, max_size=req.max_size,
            modified_after=req.after, modified_before=req.before, limit=req.limit,
        )
        return SearchResult(hits=hits, unindexed_archives=unindexed)

    @rpc("archives.versions", Versions)
    async def path_versions(self, req: Versions) -> VersionList:
        repo = await self.repos.get(req.repository_id)
        path = queries.normalise_path(req.path)
        if not path:
            raise RpcError("invalid", "name a file or folder")
        if not self.index.path(repo.id).exists():
            raise RpcError("not_found", f"{path!r} is in no indexed archive")
        db = await self.index.reader(repo.id)
        return VersionList(path=path, versions=await queries.versions(db, path))

    @rpc("archives.changes", Changes)
    async def archive_changes(self, req: Changes) -> ChangeSummary:
        offset, limit = _page(req.offset, req.limit)
        repo = await self.repos.get(req.repository_id)
        archive_id = await self.archives.ready_archive_id(repo, archive_name(req.archive), None)
        base_id = None if req.base is None else await self.archives.ready_archive_id(repo, archive_name(req.base), None)
        db = await self.index.reader(repo.id)
        if req.content:
            return await self._content_changes(repo, db, req, archive_id, base_id, offset, limit)
        return await queries.changes(db, req.archive, req.base, kind=req.kind, path_prefix=req.path, offset=offset, limit=limit)

    async def _content_changes(
        self, repo, db, req: Changes, archive_id: int, base_id: int | None, offset: int, limit: int
    ) -> ChangeSummary:
        base = req.base
        if base_id is None:
            # The archive list is known: ready_archive_id found the archive in it.
            names = await self.archives.catalog.names(repo.id)  # newest first
            position = names.index(req.archive) if req.archive in names else len(names)
            if position + 1 >= len(names):
                raise RpcError("not_found", f"archive {req.archive!r} has no earlier archive to compare with")
            base = names[position + 1]
            base_id = await self.archives.ready_archive_id(repo, archive_name(base), None)
        return await content_changes(
            self.borg, repo, db, (req.archive, archive_id), (base, base_id),
            kind=req.kind, path_prefix=queries.normalise_path(req.path), offset=offset, limit=limit,
        )

    @rpc("archives.plan_restore", PlanRestore)
    async def plan_restore(self, req: PlanRestore) -> RestorePlan:
        repo = await self.repos.get(req.repository_id)
        archive_id = await self.archives.ready_archive_id(repo, archive_name(req.archive), None)
        paths = check_selection(req.paths, req.strip_components)
        destination = await asyncio.to_thread(check_destination, req.destination, self.archives.restore_roots)
        db = await self.index.reader(repo.id)
        return await plan_restore(
            db, archive_id, paths, req.strip_components, destination, self.archives.restore_roots, max(0, min(req.limit, 10_000))
        )

    # --- jobs ------------------------------------------------------------------------------------------

    @command("index", IndexCommand)
    async def on_index(self, cmd: IndexCommand) -> None:
        await self._accept("index", cmd)
        await self.archives.catalog.set_index_job(cmd.repository_id, cmd.archive, cmd.id)

    @command("restore", RestoreCommand)
    async def on_restore(self, cmd: RestoreCommand) -> None:
        await self._accept("restore", cmd)

    @command("verify", VerifyCommand)
    async def on_verify(self, cmd: VerifyCommand) -> None:
        await self._accept("verify", cmd)

    # --- downloads -----------------------------------------------------------------------------------

    async def _entry(self, repo, archive: str, path: str) -> tuple[str, int]:
        """(type, size) of one archive path: from the index when ready, else from borg."""
        states = await self.index.states(repo.id)
        if states.get(archive, ("", 0))[0] == "ready":
            db = await self.index.reader(repo.id)
            parent, name = split_path(path)
            async with db.execute(
                "SELECT e.type, e.size FROM entries e JOIN archives a ON a.id = e.archive_id JOIN folders f ON f.id = e.folder_id"
                " WHERE a.name = ? AND f.path = ? AND e.name_id = (SELECT id FROM names WHERE name = ?) AND e.implied = 0",
                (archive, parent, name),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                raise RpcError("not_found", f"{path!r} is not in archive {archive!r}")
            return row[0], row[1]
        argv = list_entries_args(self.borg.binary, repo.location, archive, path_patterns([path]))
        run = await self.borg.run(argv, self.borg.env_for(repo), passphrase=repo.passphrase)
        for line in run.stdout.splitlines():
            entry = msgspec.json.decode(line, type=BorgEntry)
            if entry.path.strip("/") == path:
                return entry.type, entry.size
        raise RpcError("not_found", f"{path!r} is not in archive {archive!r}")

    @rpc("download.open", OpenDownload)
    async def open_download(self, req: OpenDownload) -> DownloadInfo:
        repo = await self.repos.get(req.repository_id)
        archive = archive_name(req.archive)
        await self.archives.archive_row(repo, archive)
        paths = [queries.normalise_path(p) for p in req.paths]
        if any(not p for p in paths):
            raise RpcError("invalid", "an empty path names no file")
        env = self.borg.env_for(repo)
        if req.format == "file":
            if len(paths) != 1:
                raise RpcError("invalid", "download one file at a time, or several as tar")
            kind, size = await self._entry(repo, archive, paths[0])
            if kind not in _FILE_TYPES:
                what = "a folder" if kind == "d" else "not a regular file"
                raise RpcError("invalid", f"{paths[0]!r} is {what}; download it as tar")
            argv = extract_args(self.borg.binary, repo.location, archive, paths, stdout=True)
            stream_id = self.downloads.open(argv, env, repo.passphrase)
            return DownloadInfo(
                stream_id=stream_id, size=size, filename=posixpath.basename(paths[0]), content_type="application/octet-stream"
            )
        for path in paths:
            await self._entry(repo, archive, path)
        gzip = req.format == "tar.gz"
        argv = export_tar_args(self.borg.binary, repo.location, archive, paths, tar_filter="gzip" if gzip else None)
        stream_id = self.downloads.open(argv, env, repo.passphrase)
        stem = posixpath.basename(paths[0]) if len(paths) == 1 else archive
        return DownloadInfo(
            stream_id=stream_id,
            size=None,
            filename=f"{stem}.{req.format}",
            content_type="application/gzip" if gzip else "application/x-tar",
        )

    @rpc("download.read", ReadDownload)
    async def read_download(self, req: ReadDownload) -> DownloadChunk:
        return await self.downloads.read(req.stream_id, READ_WAIT)

    @rpc("download.close", ReadDownload)
    async def close_download(self, req: ReadDownload) -> Empty:
        await self.downloads.close(req.stream_id)
        return Empty()
