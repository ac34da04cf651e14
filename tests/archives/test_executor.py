"""The executor's archive work over NATS with real borg: index after backup with live progress,
rename and prune keeping the index right, download streams stopped by close and by idleness."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import psutil
import pytest

from libs.bus import Bus
from libs.contracts.envelope import RpcError
from services.executor.service import ExecutorService
from tests.archives.trees import make_source
from tests.executor.conftest import executor_settings
from tests.executor.helpers import create_repo, send, wait_job
from tests.support import running_service

pytestmark = pytest.mark.borg


@pytest.fixture
async def root(nats_server, data_dir: Path, tmp_path: Path, bus: Bus, borg_binary: str) -> AsyncIterator[Path]:
    await bus.js.purge_stream("COMMANDS")
    root = tmp_path / "files"
    root.mkdir()
    settings = executor_settings(data_dir, nats_server.url, root, BORG_BINARY=borg_binary, DOWNLOAD_IDLE_TIMEOUT="1")
    async with running_service(ExecutorService, settings):
        yield root


def borg_children(word: str) -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if word in " ".join(p.cmdline())]


async def archives(bus: Bus, rid: str) -> list[dict]:
    return (await bus.request("rpc.executor.archives.list", {"repository_id": rid}))["archives"]


async def test_index_after_backup_rename_prune(root: Path, bus: Bus) -> None:
    src = make_source(root / "src")
    repo = await create_repo(bus, root / "repo")
    rid = repo["id"]
    live: list[dict] = []

    async def keep(msg) -> None:
        live.append(msgspec.json.decode(msg.data))

    sub = await bus.nc.subscribe("live.job.>", cb=keep)
    try:
        job_id = await send(bus, "backup", rid, options={"sources": [str(src)], "archive_name_template": "first"})
        assert (await wait_job(bus, job_id)).status == "succeeded"
        deadline = time.monotonic() + 30
        while (listed := await archives(bus, rid))[0]["index"]["state"] != "ready":
            assert time.monotonic() < deadline, listed
            await asyncio.sleep(0.1)
        index_job = listed[0]["index"]["job_id"]
        await asyncio.sleep(0.2)
    finally:
        await sub.unsubscribe()
    assert listed[0]["files"] >= 8 and listed[0]["index"]["entries"] > 10
    assert any(m.get("job_id") == index_job and (m.get("entries") or 0) > 0 for m in live), live

    prefix = str(src).strip("/")
    job_id = await send(bus, "rename_archive", rid, archive="first", new_name="renamed")
    assert (await wait_job(bus, job_id)).status == "succeeded"
    assert [a["name"] for a in await archives(bus, rid)] == ["renamed"]
    reply = await bus.request("rpc.executor.archives.browse", {"repository_id": rid, "archive": "renamed", "path": prefix})
    assert reply["listing"]["total"] == 8
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.archives.browse", {"repository_id": rid, "archive": "first"})
    assert err.value.code == "not_found"

    job_id = await send(bus, "prune", rid, keep_within="1H", glob_archives="nothing-*")
    assert (await wait_job(bus, job_id)).status == "succeeded"
    job_id = await send(bus, "delete_archives", rid, archives=["renamed"])
    assert (await wait_job(bus, job_id)).status == "succeeded"
    assert await archives(bus, rid) == []
    found = await bus.request("rpc.executor.archives.search", {"repository_id": rid, "q": "leaf"})
    assert found == {"hits": [], "unindexed_archives": []}


async def test_download_streams_stop_their_borg(root: Path, bus: Bus) -> None:
    src = make_source(root / "src")
    (src / "huge.bin").write_bytes(os.urandom(12 * 1024 * 1024))
    repo = await create_repo(bus, root / "repo", encryption="none", passphrase=None)
    rid = repo["id"]
    job_id = await send(bus, "backup", rid, options={"sources": [str(src)], "archive_name_template": "a"})
    assert (await wait_job(bus, job_id)).status == "succeeded"
    prefix = str(src).strip("/")
    opened = {"repository_id": rid, "archive": "a", "paths": [f"{prefix}/huge.bin"]}

    # Pull-based: the client reads one chunk and goes away; close stops borg.
    info = await bus.request("rpc.executor.download.open", opened)
    assert info["size"] == 12 * 1024 * 1024 and info["filename"] == "huge.bin"
    chunk = await bus.request("rpc.executor.download.read", {"stream_id": info["stream_id"]})
    while not chunk["data"]:
        chunk = await bus.request("rpc.executor.download.read", {"stream_id": info["stream_id"]})
    assert 0 < len(chunk["data"]) <= 4 * 512 * 1024 * 2  # base64 of at most 512 KiB
    await asyncio.sleep(0.3)
    assert borg_children("extract"), "borg should be waiting for the reader (backpressure)"
    await bus.request("rpc.executor.download.close", {"stream_id": info["stream_id"]})
    assert not borg_children("extract")

    # Nobody reads: the idle stream is closed and its borg stopped.
    info = await bus.request("rpc.executor.download.open", {**opened, "paths": [prefix], "format": "tar"})
    await asyncio.sleep(0.5)
    assert borg_children("export-tar")
    deadline = time.monotonic() + 10
    while borg_children("export-tar"):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.download.read", {"stream_id": info["stream_id"]})
    assert err.value.code == "not_found"


async def test_cancelled_index_leaves_nothing_and_is_started_again(root: Path, bus: Bus) -> None:
    src = root / "many"
    for d in range(20):
        (src / f"d{d}").mkdir(parents=True)
        for i in range(1000):
            (src / f"d{d}" / f"f{i}").touch()
    repo = await create_repo(bus, root / "repo", encryption="none", passphrase=None)
    rid = repo["id"]
    job_id = await send(bus, "backup", rid, options={"sources": [str(src)], "archive_name_template": "a"})
    assert (await wait_job(bus, job_id, timeout=60)).status == "succeeded"
    index_job = (await archives(bus, rid))[0]["index"]["job_id"]
    await wait_job(bus, index_job, statuses={"running"})
    await bus.request("rpc.executor.jobs.cancel", {"id": index_job}, timeout=10)
    job = await wait_job(bus, index_job)
    if job.status == "succeeded":
        pytest.skip("the index was built before the cancel arrived")
    assert job.status == "cancelled", job
    listed = await archives(bus, rid)
    assert listed[0]["index"]["state"] == "failed" and listed[0]["index"]["entries"] == 0
    # The next open starts it again and gets the whole archive.
    reply = await bus.request("rpc.executor.archives.browse", {"repository_id": rid, "archive": "a"})
    assert reply["index"]["state"] == "queued" and reply["index"]["job_id"] != index_job
    assert (await wait_job(bus, reply["index"]["job_id"], timeout=60)).status == "succeeded"
    assert (await archives(bus, rid))[0]["index"]["entries"] == 20_000 + 21  # listed entries: files, folders, "many"
