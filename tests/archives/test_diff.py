"""Changes by content with real borg: a file rewritten with the same size and mtime is invisible to
the index's comparison and found by ``content=true`` (``borg diff``); a locked repository fails
clearly."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from libs.bus import Bus
from libs.contracts.envelope import RpcError
from services.executor.service import ExecutorService
from tests.executor.conftest import executor_settings
from tests.executor.helpers import create_repo, send, wait_job
from tests.support import running_service

pytestmark = pytest.mark.borg

CHANGES = "rpc.executor.archives.changes"


@pytest.fixture
async def root(nats_server, data_dir: Path, tmp_path: Path, bus: Bus, borg_binary: str) -> AsyncIterator[Path]:
    await bus.js.purge_stream("COMMANDS")
    root = tmp_path / "files"
    root.mkdir()
    settings = executor_settings(data_dir, nats_server.url, root, BORG_BINARY=borg_binary)
    async with running_service(ExecutorService, settings):
        yield root


async def backup(bus: Bus, rid: str, src: Path, name: str) -> None:
    job_id = await send(bus, "backup", rid, options={"sources": [str(src)], "archive_name_template": name})
    assert (await wait_job(bus, job_id)).status == "succeeded"
    deadline = time.monotonic() + 30
    while True:
        listed = (await bus.request("rpc.executor.archives.list", {"repository_id": rid}))["archives"]
        if all(a["index"]["state"] == "ready" for a in listed):
            return
        assert time.monotonic() < deadline, listed
        await asyncio.sleep(0.1)


async def test_content_change_keeping_size_and_mtime(root: Path, bus: Bus, borg_binary: str) -> None:
    src = root / "src"
    (src / "docs").mkdir(parents=True)
    same = src / "docs" / "same.bin"
    same.write_bytes(b"A" * 4096)
    (src / "docs" / "grows.txt").write_text("short")
    (src / "gone.txt").write_text("bye")
    repo = await create_repo(bus, root / "repo", encryption="none", passphrase=None)
    rid = repo["id"]
    await backup(bus, rid, src, "one")

    before = same.stat()
    same.write_bytes(b"B" * 4096)
    os.utime(same, ns=(before.st_atime_ns, before.st_mtime_ns))
    (src / "docs" / "grows.txt").write_text("much longer now")
    (src / "gone.txt").unlink()
    (src / "new.txt").write_text("hi")
    await backup(bus, rid, src, "two")

    prefix = str(src).strip("/")
    same_path = f"{prefix}/docs/same.bin"
    by_index = await bus.request(CHANGES, {"repository_id": rid, "archive": "two"})
    assert by_index["base"] == "one"
    assert same_path not in {c["path"] for c in by_index["changes"]}

    reply = await bus.request(CHANGES, {"repository_id": rid, "archive": "two", "content": True}, timeout=30)
    assert reply["base"] == "one"
    changes = {c["path"]: c for c in reply["changes"]}
    assert changes[same_path]["change"] == "modified" and changes[same_path]["content_changed"] is True
    assert changes[same_path]["size"] == 4096 and changes[same_path]["mtime"] == changes[same_path]["old_mtime"]
    assert changes[same_path]["detail"].startswith("content:")
    assert changes[f"{prefix}/docs/grows.txt"]["content_changed"] is True
    assert changes[f"{prefix}/docs/grows.txt"]["old_size"] == 5
    assert changes[f"{prefix}/new.txt"]["change"] == "added"
    assert changes[f"{prefix}/gone.txt"]["change"] == "removed" and changes[f"{prefix}/gone.txt"]["size"] == 3
    # Folders whose mtime moved are left out, as in the index's changes.
    assert not any(c["type"] == "d" for c in reply["changes"]), reply["changes"]
    assert (reply["added"], reply["removed"], reply["modified"]) == (1, 1, 2)

    under = await bus.request(
        CHANGES, {"repository_id": rid, "archive": "two", "base": "one", "content": True, "path": f"{prefix}/docs", "kind": "modified", "limit": 1, "offset": 1}
    )
    assert (under["added"], under["removed"], under["modified"]) == (0, 0, 2)
    assert len(under["changes"]) == 1 and under["changes"][0]["path"].startswith(f"{prefix}/docs/")

    # A running job holds the repository's lock: a clear "locked", not a hang.
    env = {**os.environ, "BORG_BASE_DIR": str(root / "borg-base"), "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes"}
    holder = await asyncio.create_subprocess_exec(borg_binary, "with-lock", str(root / "repo"), "sleep", "10", env=env)
    try:
        deadline = time.monotonic() + 10
        while not (root / "repo" / "lock.exclusive").exists():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        with pytest.raises(RpcError) as err:
            await bus.request(CHANGES, {"repository_id": rid, "archive": "two", "content": True}, timeout=30)
        assert err.value.code == "locked"
        assert "could not compare" in err.value.message
    finally:
        holder.terminate()
        await holder.wait()
