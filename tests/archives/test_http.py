"""Archives through the gateway with real borg: list, index on first open, browse, search, versions,
changes, downloads, restore, verify, bad input, restart and delete."""

from __future__ import annotations

import asyncio
import gzip
import io
import os
import signal
import sqlite3
import tarfile
import time
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest

from tests.archives.trees import change_source, make_source, snapshot
from tests.executor.helpers import PASSPHRASE
from tests.executor.test_stack import wait_http_job

pytestmark = pytest.mark.borg


async def browse(session, rid: str, archive: str, path: str = "", timeout: float = 60.0, **query: str) -> dict:
    """Browse, waiting out the 202s of an archive being indexed."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = await session.call("GET", f"/api/repositories/{rid}/archives/{quote(archive)}/browse", params={"path": path, **query})
        if status != 202:
            assert status == 200, body
            return body
        assert body["index"]["state"] in ("queued", "building") and body["index"]["job_id"]
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.1)


def borg_running(stack, word: str) -> bool:
    for proc in psutil.Process(stack.process.pid).children(recursive=True):
        try:
            cmd = proc.cmdline()
            if proc.status() != psutil.STATUS_ZOMBIE and word in cmd and any("borg" in part for part in cmd):
                return True
        except psutil.Error:
            continue
    return False


async def download(session, rid: str, archive: str, *paths: str, fmt: str | None = None) -> tuple[int, dict, bytes]:
    params = [("path", p) for p in paths] + ([("format", fmt)] if fmt else [])
    async with session.get(f"/api/repositories/{rid}/archives/{quote(archive)}/download", params=params) as resp:
        return resp.status, dict(resp.headers), await resp.read()


async def test_archives_over_http(stack_factory, api, tmp_path: Path) -> None:
    root = tmp_path / "files"
    src = make_source(root / "src")
    (src / "huge.bin").write_bytes(os.urandom(16 * 1024 * 1024))  # more than the executor reads ahead
    os.utime(src, (1_600_000_000, 1_600_000_000))
    restores = root / "restore"
    restores.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    stack = await stack_factory(
        SOURCE_ROOTS=str(root), REPOSITORY_ROOTS=str(root), RESTORE_ROOTS=str(restores), INDEX_AFTER_BACKUP="false"
    )
    operator = await api(stack, role="operator")
    viewer = await api(stack, role="viewer")
    body = {"name": "r", "location": str(root / "repo"), "passphrase": PASSPHRASE, "defaults": {"sources": [str(src)]}}
    status, repo = await operator.call("POST", "/api/repositories", json=body)
    assert status == 201, repo
    rid = repo["id"]
    for name in ("one", "two"):
        status, started = await operator.call(
            "POST", f"/api/repositories/{rid}/backup", json={"options": {"sources": [str(src)], "archive_name_template": name}}
        )
        assert status == 202, started
        assert (await wait_http_job(viewer, started["job_id"]))["status"] == "succeeded"
        if name == "one":
            change_source(src)

    # The list: newest first, with the figures borg create reported; nothing indexed yet.
    status, listed = await viewer.call("GET", f"/api/repositories/{rid}/archives")
    assert status == 200
    assert [a["name"] for a in listed["archives"]] == ["two", "one"]
    two = listed["archives"][0]
    assert two["files"] >= 8 and two["original_size"] > 1_300_000 and two["duration_seconds"] is not None
    assert all(a["index"]["state"] == "none" for a in listed["archives"])

    # First open: 202 with an index job, then the folder.
    status, pending = await viewer.call("GET", f"/api/repositories/{rid}/archives/two/browse")
    assert status == 202 and pending["index"]["job_id"]
    prefix = str(src).strip("/")
    strip = len(prefix.split("/"))
    non_folders = sum(1 for v in snapshot(src).values() if v[0] != "d")
    top = await browse(viewer, rid, "two")
    assert [e["name"] for e in top["entries"]] == [prefix.split("/")[0]] and top["entries"][0]["type"] == "d"
    folder = await browse(viewer, rid, "two", prefix)
    names = [e["name"] for e in folder["entries"]]
    assert names == ["deep", "docs", "empty", "links", "with space", "added.txt", "big.bin", "changing.txt", "huge.bin"]
    assert folder["breadcrumb"] == prefix.split("/")
    deep = next(e for e in folder["entries"] if e["name"] == "deep")
    assert deep["total_files"] == 1 and deep["size"] == 5
    by_size = await browse(viewer, rid, "two", prefix, sort="size", order="desc")
    assert [e["name"] for e in by_size["entries"]][5:] == ["huge.bin", "big.bin", "changing.txt", "added.txt"]
    links = {e["name"]: e for e in (await browse(viewer, rid, "two", f"{prefix}/links"))["entries"]}
    assert links["sym"]["type"] == "l" and links["sym"]["target"] == "../docs/readme.txt"
    assert links["hard2.bin"]["size"] == 5000 or links["hard1.bin"]["size"] == 5000
    assert (await browse(viewer, rid, "two", f"{prefix}/empty"))["total"] == 0
    status, err = await viewer.call("GET", f"/api/repositories/{rid}/archives/two/browse", params={"path": f"{prefix}/nope"})
    assert status == 404, err
    status, err = await viewer.call("GET", f"/api/repositories/{rid}/archives/nope/browse")
    assert status == 404 and "nope" in err["error"]["message"]
    await browse(viewer, rid, "one")

    status, listed = await viewer.call("GET", f"/api/repositories/{rid}/archives")
    assert [a["index"]["state"] for a in listed["archives"]] == ["ready", "ready"]
    assert listed["archives"][0]["index"]["entries"] > 11

    # Search, versions and changes.
    status, found = await viewer.call("GET", f"/api/repositories/{rid}/search", params={"q": "leaf"})
    assert status == 200 and found["unindexed_archives"] == []
    assert [(h["path"], h["archives"]) for h in found["hits"]] == [(f"{prefix}/deep/l1/l2/l3/leaf.txt", ["two", "one"])]
    status, found = await viewer.call("GET", f"/api/repositories/{rid}/search", params={"q": "*.txt", "path": f"{prefix}/docs"})
    assert {h["path"].rsplit("/", 1)[1] for h in found["hits"]} == {"readme.txt", "ünïcödé – file.txt"}
    status, _ = await viewer.call("GET", f"/api/repositories/{rid}/search", params={"q": ""})
    assert status == 400
    status, versions = await viewer.call("GET", f"/api/repositories/{rid}/versions", params={"path": f"{prefix}/changing.txt"})
    assert [(v["archive"], v["changed"]) for v in versions["versions"]] == [("one", True), ("two", True)]
    status, versions = await viewer.call("GET", f"/api/repositories/{rid}/versions", params={"path": f"{prefix}/docs/readme.txt"})
    assert [v["changed"] for v in versions["versions"]] == [True, False]
    status, changes = await viewer.call("GET", f"/api/repositories/{rid}/archives/two/changes")
    assert status == 200 and changes["base"] == "one"
    assert (changes["added"], changes["removed"], changes["modified"]) == (1, 1, 1)
    assert {(c["path"].rsplit("/", 1)[1], c["change"]) for c in changes["changes"]} == {
        ("added.txt", "added"), ("removed.txt", "removed"), ("changing.txt", "modified")
    }

    # Downloads: one file's bytes, a tar of a folder, a tar.gz of a selection.
    uni = f"{prefix}/docs/ünïcödé – file.txt"
    status, headers, data = await download(viewer, rid, "two", uni)
    assert status == 200 and data == (src / "docs" / "ünïcödé – file.txt").read_bytes()
    assert "filename*=UTF-8''%C3%BCn%C3%AFc%C3%B6d%C3%A9%20%E2%80%93%20file.txt" in headers["Content-Disposition"]
    status, headers, data = await download(viewer, rid, "two", f"{prefix}/big.bin")
    assert status == 200 and data == (src / "big.bin").read_bytes() and headers["Content-Length"] == str(len(data))
    status, headers, data = await download(viewer, rid, "two", prefix, fmt="tar")
    assert status == 200 and headers["Content-Type"] == "application/x-tar"
    unpacked = tmp_path / "unpacked"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(unpacked, filter="tar")
    assert snapshot(unpacked / prefix, mtime_ns=False) == snapshot(src, mtime_ns=False)
    status, headers, data = await download(viewer, rid, "one", f"{prefix}/removed.txt", f"{prefix}/deep", fmt="tar.gz")
    assert status == 200
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tar:
        assert {m.name.removeprefix(prefix + "/") for m in tar.getmembers() if m.isfile()} == {"removed.txt", "deep/l1/l2/l3/leaf.txt"}
    for paths, fmt, code in (
        ([f"{prefix}/nope.txt"], None, 404),
        ([prefix], None, 400),
        ([f"{prefix}/../etc/passwd"], None, 400),
        ([], None, 400),
        ([f"{prefix}/big.bin"], "zip", 400),
    ):
        status, _, _ = await download(viewer, rid, "two", *paths, fmt=fmt)
        assert status == code, (paths, fmt, status)
    status, _, _ = await download(viewer, rid, "nope", f"{prefix}/big.bin")
    assert status == 404
    # A client that goes away mid-download: the gateway closes the stream and the executor stops borg.
    async with viewer.get(f"/api/repositories/{rid}/archives/two/download", params={"path": f"{prefix}/huge.bin"}) as resp:
        assert resp.status == 200 and resp.headers["Content-Length"] == str(16 * 1024 * 1024)
        await resp.content.readexactly(100_000)
        assert borg_running(stack, "extract")
        resp.close()
    deadline = time.monotonic() + 15
    while borg_running(stack, "extract"):
        assert time.monotonic() < deadline, "borg extract still runs after the client left"
        await asyncio.sleep(0.2)

    # Restore: a dry run, the real thing, and the same tree back.
    dest = restores / "out"
    dest.mkdir()
    restore = {"archive": "two", "paths": [prefix], "destination": str(dest), "strip_components": strip}
    status, plan = await operator.call("POST", f"/api/repositories/{rid}/restore", json={**restore, "dry_run": True})
    assert status == 200, plan
    assert plan["files"] == non_folders and plan["overwrites"] == 0 and plan["bytes"] > 1_300_000
    assert {i["target"] for i in plan["items"]} >= {str(dest / "docs" / "readme.txt"), str(dest / "empty")}
    assert list(dest.iterdir()) == []
    status, _ = await viewer.call("POST", f"/api/repositories/{rid}/restore", json=restore)
    assert status == 403
    status, started = await operator.call("POST", f"/api/repositories/{rid}/restore", json=restore)
    assert status == 202, started
    job = await wait_http_job(viewer, started["job_id"])
    assert job["status"] == "succeeded", job
    assert snapshot(dest) == snapshot(src)
    assert (dest / "links" / "hard1.bin").stat().st_ino == (dest / "links" / "hard2.bin").stat().st_ino
    status, log = await viewer.call("GET", f"/api/jobs/{job['id']}/log")
    assert "deep/l1/l2/l3/leaf.txt" in log["text"]
    status, plan = await operator.call("POST", f"/api/repositories/{rid}/restore", json={**restore, "dry_run": True})
    assert plan["overwrites"] == non_folders

    # Bad restores: refused with a clear status, nothing written anywhere.
    (restores / "escape").symlink_to(outside)
    trap = restores / "trap"
    trap.mkdir()
    (trap / "docs").symlink_to(outside)
    fresh = restores / "fresh"
    fresh.mkdir()
    for change, code in (
        ({"paths": [f"{prefix}/../x"]}, 400),
        ({"paths": []}, 400),
        ({"paths": ["/" + prefix + "/nope"]}, 404),
        ({"archive": "nope"}, 404),
        ({"destination": "relative/dir"}, 400),
        ({"destination": str(outside)}, 403),
        ({"destination": str(restores / "escape")}, 403),
        ({"destination": str(trap)}, 403),
        ({"destination": str(restores / "missing")}, 404),
        ({"destination": str(fresh / ".." / ".." / "..")}, 403),
        ({"strip_components": -1}, 400),
        ({"destination": None}, 403),  # the original place, "/", is outside RESTORE_ROOTS here
    ):
        for dry_run in (True, False):
            status, err = await operator.call("POST", f"/api/repositories/{rid}/restore", json={**restore, "destination": str(fresh), **change, "dry_run": dry_run})
            assert status == code, (change, err)
            assert err["error"]["message"]
    assert list(outside.iterdir()) == [] and list(fresh.iterdir()) == []
    if os.geteuid() != 0:  # root may write anywhere
        fresh.chmod(0o500)
        status, err = await operator.call("POST", f"/api/repositories/{rid}/restore", json={**restore, "destination": str(fresh)})
        assert status == 403 and "not writable" in err["error"]["message"]

    # Verify records "last verified restorable" on the repository.
    status, started = await operator.call("POST", f"/api/repositories/{rid}/verify", json={})
    assert status == 202
    assert (await wait_http_job(viewer, started["job_id"]))["status"] == "succeeded"
    status, info = await viewer.call("GET", f"/api/repositories/{rid}")
    assert info["last_verified_archive"] == "two" and info["last_verified_at"]
    status, _ = await operator.call("POST", f"/api/repositories/{rid}/verify", json={"archive": "nope"})
    assert status == 404

    # The index survives a restart of the executor: browsing answers at once, no new index job.
    old = stack.service_pids()["executor"]
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 60
    # A request sent while the old process dies is lost (and waits out its timeout): ask the new one.
    while stack.service_pids().get("executor") in (None, old):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)
    while True:
        status, body = await viewer.call("GET", f"/api/repositories/{rid}/archives/one/browse", params={"path": prefix})
        if status == 200:
            break
        assert status == 503 and time.monotonic() < deadline, (status, body)
        await asyncio.sleep(0.2)
    assert stack.service_pids()["executor"] != old
    status, jobs = await viewer.call("GET", "/api/jobs", params={"kind": "index"})
    assert jobs["total"] == 2

    spec = (await viewer.call("GET", "/api/openapi.json"))[1]["paths"]
    assert spec["/api/repositories/{id}/archives/{archive}/browse"]["get"]["x-access"] == "viewer"
    assert spec["/api/repositories/{id}/restore"]["post"]["x-access"] == "operator"

    # Deleting an archive removes it from the list and its rows from the index.
    status, started = await operator.call("POST", f"/api/repositories/{rid}/delete-archives", json={"archives": ["one"]})
    assert (await wait_http_job(viewer, started["job_id"]))["status"] == "succeeded"
    status, listed = await viewer.call("GET", f"/api/repositories/{rid}/archives")
    assert [a["name"] for a in listed["archives"]] == ["two"]
    status, versions = await viewer.call("GET", f"/api/repositories/{rid}/versions", params={"path": f"{prefix}/changing.txt"})
    assert [v["archive"] for v in versions["versions"]] == ["two"]
    index_db = sqlite3.connect(stack.data_dir / "executor" / "index" / f"{rid}.db")
    try:
        assert index_db.execute("SELECT name FROM archives").fetchall() == [("two",)]
        (orphans,) = index_db.execute("SELECT COUNT(*) FROM entries WHERE archive_id NOT IN (SELECT id FROM archives)").fetchone()
        assert orphans == 0
    finally:
        index_db.close()
