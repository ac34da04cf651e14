"""The archive index built from real ``borg list --json-lines`` output of real archives."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import AsyncIterator

import aiosqlite
import pytest

from libs.contracts import RpcError
from libs.store import open_store
from services.executor.index.build import build_index
from services.executor.index.queries import browse, search, versions
from services.executor.index.schema import INDEX_MIGRATIONS

BORG_ENV = {
    **os.environ,
    "BORG_PASSPHRASE": "",
    "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes",
}


def borg(binary: str, *args: str, cwd: Path) -> None:
    import subprocess

    subprocess.run([binary, *args], cwd=cwd, env={**BORG_ENV, "BORG_BASE_DIR": str(cwd / "base")}, check=True, capture_output=True)


async def listing(binary: str, repo: Path, archive: str, cwd: Path) -> AsyncIterator[bytes]:
    proc = await asyncio.create_subprocess_exec(
        binary, "list", "--json-lines", f"{repo}::{archive}",
        cwd=cwd, env={**BORG_ENV, "BORG_BASE_DIR": str(cwd / "base")},
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    async for line in proc.stdout:
        yield line
    assert await proc.wait() == 0


@pytest.fixture
async def indexed(tmp_path: Path, borg_binary: str) -> AsyncIterator[aiosqlite.Connection]:
    src = tmp_path / "src"
    (src / "sub dir" / "empty").mkdir(parents=True)
    (src / "deep" / "er").mkdir(parents=True)
    (src / "a.txt").write_text("hello")
    (src / "sub dir" / "ü ni code.txt").write_text("xyz")
    (src / "deep" / "er" / "report-2026.pdf").write_bytes(b"p" * 1000)
    (src / "changes.log").write_text("one")
    os.link(src / "a.txt", src / "hard")
    os.symlink("a.txt", src / "link")
    borg(borg_binary, "init", "-e", "none", "repo", cwd=tmp_path)
    borg(borg_binary, "create", "repo::first", "src", cwd=tmp_path)
    (src / "changes.log").write_text("one two")
    os.utime(src / "changes.log", (1_900_000_000, 1_900_000_000))
    (src / "a.txt").unlink()
    os.unlink(src / "hard")
    borg(borg_binary, "create", "repo::second", "src", str(tmp_path / "src" / "deep"), cwd=tmp_path)

    db = await open_store(tmp_path / "index.db", INDEX_MIGRATIONS)
    for name, when in (("first", "2026-01-01T00:00:00"), ("second", "2026-01-02T00:00:00")):
        count = await build_index(db, name, when, listing(borg_binary, tmp_path / "repo", name, tmp_path))
        assert count > 0
    yield db
    await db.close()


async def test_browse_folders_with_totals(indexed: aiosqlite.Connection) -> None:
    root = await browse(indexed, "first")
    assert [e.name for e in root.entries] == ["src"]
    src = await browse(indexed, "first", "src")
    assert [e.name for e in src.entries] == ["deep", "sub dir", "a.txt", "changes.log", "hard", "link"]
    by_name = {e.name: e for e in src.entries}
    assert by_name["deep"].type == "d" and by_name["deep"].size == 1000 and by_name["deep"].total_files == 1
    assert by_name["link"].type == "l" and by_name["link"].target == "a.txt"
    assert by_name["hard"].size == 5 and by_name["a.txt"].size == 5
    assert by_name["a.txt"].hardlink or by_name["hard"].hardlink
    empty = await browse(indexed, "first", "/src/sub dir/empty/")
    assert empty.total == 0 and empty.breadcrumb == ["src", "sub dir", "empty"]
    unicode = await browse(indexed, "first", "src/sub dir")
    assert "ü ni code.txt" in [e.name for e in unicode.entries]

    by_size = await browse(indexed, "first", "src", sort="size", descending=True)
    files = [e.name for e in by_size.entries if e.type != "d"]
    assert files[0] in ("a.txt", "hard") and files[-1] == "changes.log"
    page = await browse(indexed, "first", "src", offset=2, limit=2)
    assert page.total == 6 and [e.name for e in page.entries] == ["a.txt", "changes.log"]


async def test_implied_parent_folders_are_browsable(indexed: aiosqlite.Connection, tmp_path: Path) -> None:
    # "second" also holds the absolute path tmp_path/src/deep, whose parents borg never lists.
    top = str(tmp_path).strip("/").split("/")[0]
    root = await browse(indexed, "second")
    assert top in [e.name for e in root.entries]
    deep = await browse(indexed, "second", f"{str(tmp_path).strip('/')}/src")
    assert [e.name for e in deep.entries] == ["deep"]
    assert deep.entries[0].size == 1000


async def test_bad_browse_requests(indexed: aiosqlite.Connection) -> None:
    for archive, path, code in (("nope", "", "not_found"), ("first", "src/../etc", "invalid"), ("first", "src/a.txt", "not_found"), ("first", "src/missing", "not_found")):
        with pytest.raises(RpcError) as caught:
            await browse(indexed, archive, path)
        assert caught.value.code == code, (archive, path)


async def test_search_across_archives(indexed: aiosqlite.Connection) -> None:
    hits = await search(indexed, "REPORT")
    paths = {h.path: h.archives for h in hits}
    assert paths["src/deep/er/report-2026.pdf"] == ["second", "first"]
    assert len(paths) == 2  # and the copy under the absolute path, in "second" only

    glob = await search(indexed, "*.txt")
    assert {h.path for h in glob} == {"src/a.txt", "src/sub dir/ü ni code.txt"}
    a_txt = next(h for h in glob if h.path == "src/a.txt")
    assert a_txt.archives == ["first"]

    assert [h.path for h in await search(indexed, "code", path_prefix="src/sub dir")] == ["src/sub dir/ü ni code.txt"]
    assert await search(indexed, "code", path_prefix="src/deep") == []
    big = await search(indexed, "*", min_size=900, path_prefix="src")
    assert [h.path for h in big] == ["src/deep/er/report-2026.pdf"]
    assert [h.path for h in await search(indexed, "%")] == []


async def test_versions_mark_changes(indexed: aiosqlite.Connection) -> None:
    changed = await versions(indexed, "src/changes.log")
    assert [(v.archive, v.changed) for v in changed] == [("first", True), ("second", True)]
    same = await versions(indexed, "/src/sub dir/ü ni code.txt")
    assert [(v.archive, v.changed) for v in same] == [("first", True), ("second", False)]
    with pytest.raises(RpcError):
        await versions(indexed, "src/never-there")


async def test_rebuild_replaces_and_delete_cascades(indexed: aiosqlite.Connection) -> None:
    async with indexed.execute("SELECT COUNT(*) FROM entries") as cur:
        (before,) = await cur.fetchone()
    await indexed.execute("DELETE FROM archives WHERE name = 'first'")
    await indexed.commit()
    async with indexed.execute("SELECT COUNT(*) FROM entries") as cur:
        (after,) = await cur.fetchone()
    assert 0 < after < before
    with pytest.raises(RpcError):
        await browse(indexed, "first")


async def test_changes_against_the_previous_archive(indexed: aiosqlite.Connection, tmp_path: Path) -> None:
    from services.executor.index.queries import changes

    summary = await changes(indexed, "second")
    assert summary.base == "first"
    by_path = {c.path: c.change for c in summary.changes}
    assert by_path["src/changes.log"] == "modified"
    assert by_path["src/a.txt"] == "removed" and by_path["src/hard"] == "removed"
    absolute = f"{str(tmp_path).strip('/')}/src/deep/er/report-2026.pdf"
    assert by_path[absolute] == "added"
    assert (summary.added, summary.removed, summary.modified) == (1, 2, 1)
    only_removed = await changes(indexed, "second", kind="removed")
    assert {c.path for c in only_removed.changes} == {"src/a.txt", "src/hard"}
    with pytest.raises(RpcError):
        await changes(indexed, "first")
