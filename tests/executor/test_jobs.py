"""Backups and other jobs through the COMMANDS stream, with real borg and real NATS."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time

import msgspec
import pytest

from libs.contracts.envelope import RpcError
from libs.contracts.jobs import JobProgress
from services.executor.service import ExecutorService
from tests.executor.conftest import executor_settings
from tests.executor.helpers import PASSPHRASE, create_repo, get_job, make_tree, send, wait_job
from tests.support import running_service

pytestmark = pytest.mark.borg


async def _events(bus, subject: str) -> tuple[list, object]:
    seen: list = []

    async def on(msg) -> None:
        seen.append((msg.subject, json.loads(msg.data)))

    sub = await bus.nc.subscribe(subject, cb=on)
    return seen, sub


async def test_backup_runs_reports_progress_and_refreshes_stats(executor, bus):
    src = make_tree(executor.root / "src", files=200, size=20_000)
    repo = await create_repo(bus, executor.root / "repo", defaults={"sources": [str(src)]})
    events, sub = await _events(bus, "evt.job.>")
    live, live_sub = await _events(bus, "live.job.>")
    job_id = await send(bus, "backup", repo["id"])
    job = await wait_job(bus, job_id)
    await asyncio.sleep(0.2)
    await sub.unsubscribe()
    await live_sub.unsubscribe()
    assert job.status == "succeeded", job
    assert job.stats.files == 200 and 0 <= job.stats.original_size - 200 * 20_000 < 10_000
    assert job.actor == "tester" and job.duration_seconds > 0
    mine = [(s, e["status"]) for s, e in events if e["job_id"] == job_id]
    assert mine == [("evt.job.queued", "queued"), ("evt.job.started", "running"), ("evt.job.finished", "succeeded")]
    assert live, "no live progress was published"
    samples = [msgspec.convert(body, JobProgress) for _, body in live]
    assert all(s.job_id == job_id for s in samples)
    info = await bus.request("rpc.executor.repositories.get", {"id": repo["id"]})
    assert info["stats"]["archive_count"] == 1 and 4_000_000 <= info["stats"]["original_size"] < 4_010_000
    log = (executor.logs / f"{job_id}.log").read_text()
    assert "borg" in log and "succeeded" in log
    # The passphrase appears in no log, event or progress sample.
    everything = log + json.dumps(events) + json.dumps(live)
    assert PASSPHRASE not in everything
    chunk = await bus.request("rpc.executor.jobs.log", {"id": job_id, "offset": 0, "limit": 100})
    assert chunk["next_offset"] <= 100 and chunk["size"] == len(log.encode())
    rest = await bus.request("rpc.executor.jobs.log", {"id": job_id, "offset": chunk["next_offset"]})
    assert chunk["text"] + rest["text"] == log and rest["complete"] is True


async def test_progress_has_percent_and_eta_and_is_throttled(executor, bus):
    src = executor.root / "src"
    src.mkdir()
    for i in range(48):
        (src / f"part{i}").write_bytes(os.urandom(256 * 1024))
    repo = await create_repo(bus, executor.root / "repo", encryption="none", passphrase=None)
    live, sub = await _events(bus, "live.job.>")
    # lzma,9 on 12 MiB of random data runs for several seconds even on an idle machine, long enough
    # for the twice-a-second samples (6 MiB at lzma,6 sometimes finished within a second).
    job_id = await send(bus, "backup", repo["id"], options={"sources": [str(src)], "compression": "lzma,9"})
    job = await wait_job(bus, job_id)
    await sub.unsubscribe()
    assert job.status == "succeeded"
    samples = [msgspec.convert(body, JobProgress) for _, body in live]
    assert len(samples) >= 3
    assert any(s.percent is not None and 0 < s.percent < 100 for s in samples)
    assert any(s.eta_seconds is not None and s.eta_seconds > 0 for s in samples)
    assert any(s.rate > 0 for s in samples)
    # At most two samples a second (plus the one that may open each half-second window).
    assert len(samples) <= 2 * job.duration_seconds + 2


async def test_missing_source_is_refused_before_and_fails_at_run(executor, bus):
    repo = await create_repo(bus, executor.root / "repo", encryption="none", passphrase=None)
    missing = str(executor.root / "nope")
    command = {"repository_id": repo["id"], "options": {"sources": [missing]}}
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.jobs.validate", {"kind": "backup", "command": command})
    assert err.value.code == "invalid" and "does not exist" in err.value.message
    job = await wait_job(bus, await send(bus, "backup", repo["id"], options={"sources": [missing]}))
    assert job.status == "failed" and "does not exist" in job.error
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.jobs.validate", {"kind": "backup", "command": {**command, "options": {"sources": ["/etc"]}}})
    assert "outside the allowed folders" in err.value.message


async def test_second_backup_waits_and_archive_name_conflict(executor, bus):
    src = make_tree(executor.root / "src", files=20)
    (src / "big").write_bytes(os.urandom(2 * 1024 * 1024))
    repo = await create_repo(bus, executor.root / "repo", encryption="none", passphrase=None)
    options = {"sources": [str(src)], "archive_name_template": "fixed-name", "compression": "lzma,6"}
    first = await send(bus, "backup", repo["id"], options=options)
    second = await send(bus, "backup", repo["id"], options=options)
    await wait_job(bus, first, {"running"})
    assert (await get_job(bus, second)).status == "queued"
    one = await wait_job(bus, first)
    two = await wait_job(bus, second)
    assert one.status == "succeeded"
    assert two.status == "failed" and "already exists" in two.error
    assert two.started_at >= one.finished_at


async def test_vanishing_file_is_a_warning_listing_it(executor, bus):
    src = executor.root / "src"
    src.mkdir()
    # Created first, so borg (which walks a folder in inode order) reads it first, slowly.
    (src / "aaa-big").write_bytes(os.urandom(6 * 1024 * 1024))
    for i in range(30):
        (src / f"small-{i}").write_text(str(i))
    repo = await create_repo(bus, executor.root / "repo", encryption="none", passphrase=None)
    live, sub = await _events(bus, "live.job.>")
    job_id = await send(
        bus, "backup", repo["id"], options={"sources": [str(src)], "compression": "lzma,6", "extra_flags": ["--chunker-params=fixed,262144"]}
    )
    deadline = time.monotonic() + 20
    while not any(body.get("path", "").endswith("aaa-big") for _, body in live):
        assert time.monotonic() < deadline, "borg never reported reading the big file"
        await asyncio.sleep(0.02)
    for i in range(30):
        (src / f"small-{i}").unlink()
    job = await wait_job(bus, job_id)
    await sub.unsubscribe()
    assert job.status == "warning", job
    assert any("small-" in line for line in job.error_lines)


async def test_cancel_mid_backup_leaves_repository_unlocked(executor, bus):
    src = executor.root / "src"
    src.mkdir()
    (src / "big").write_bytes(os.urandom(32 * 1024 * 1024))
    repo = await create_repo(bus, executor.root / "repo")
    job_id = await send(bus, "backup", repo["id"], options={"sources": [str(src)], "compression": "lzma,9"})
    await wait_job(bus, job_id, {"running"})
    await asyncio.sleep(1.0)
    await bus.request("rpc.executor.jobs.cancel", {"id": job_id}, timeout=10)
    job = await wait_job(bus, job_id)
    assert job.status == "cancelled"
    lock = await bus.request("rpc.executor.repositories.lock", {"id": repo["id"]})
    assert lock == {"locked": False, "holders": [], "running_job_id": None}
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.jobs.cancel", {"id": job_id})
    assert err.value.code == "conflict"
    # A queued job is cancelled without running.
    running = await send(bus, "backup", repo["id"], options={"sources": [str(src)], "compression": "lzma,9"})
    waiting = await send(bus, "check", repo["id"])
    await wait_job(bus, running, {"running"})
    cancelled = await bus.request("rpc.executor.jobs.cancel", {"id": waiting})
    assert cancelled["status"] == "cancelled" and cancelled["started_at"] is None
    await bus.request("rpc.executor.jobs.cancel", {"id": running}, timeout=10)
    assert (await wait_job(bus, running)).status == "cancelled"


async def test_locked_repository_fails_clearly_and_shows_the_owner(executor, bus):
    src = make_tree(executor.root / "src", files=3)
    repo = await create_repo(bus, executor.root / "repo", encryption="none", passphrase=None)
    holder = subprocess.Popen(
        ["borg", "with-lock", str(executor.root / "repo"), "sleep", "60"],
        env={"BORG_BASE_DIR": str(executor.root / "probe"), "PATH": "/usr/bin:/bin", "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes"},
    )
    try:
        deadline = time.monotonic() + 10
        while not (await bus.request("rpc.executor.repositories.lock", {"id": repo["id"]}))["locked"]:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        lock = await bus.request("rpc.executor.repositories.lock", {"id": repo["id"]})
        assert [(h["pid"], h["this_host"], h["alive"]) for h in lock["holders"]] == [(holder.pid, True, True)]
        job = await wait_job(bus, await send(bus, "backup", repo["id"], options={"sources": [str(src)]}))
        assert job.status == "failed" and "lock" in job.error.lower()
        refused = await wait_job(bus, await send(bus, "break_lock", repo["id"]))
        assert refused.status == "failed" and "confirm" in refused.error
    finally:
        holder.kill()
        holder.wait()
    job = await wait_job(bus, await send(bus, "backup", repo["id"], options={"sources": [str(src)]}))
    assert job.status == "succeeded", job


async def test_prune_preview_delete_rename_compact_check(executor, bus):
    src = make_tree(executor.root / "src", files=5)
    repo = await create_repo(bus, executor.root / "repo", encryption="none", passphrase=None)
    for name in ("a1", "a2", "a3"):
        job = await wait_job(bus, await send(bus, "backup", repo["id"], options={"sources": [str(src)], "archive_name_template": name}))
        assert job.status == "succeeded"
    preview = await wait_job(bus, await send(bus, "prune", repo["id"], keep_minutely=1, dry_run=True))
    assert preview.status == "succeeded", preview
    assert sorted(preview.result["pruned"]) == ["a1", "a2"] and preview.result["kept"] == ["a3"]
    assert (await bus.request("rpc.executor.repositories.get", {"id": repo["id"]}))["stats"]["archive_count"] == 3
    renamed = await wait_job(bus, await send(bus, "rename_archive", repo["id"], archive="a1", new_name="first"))
    assert renamed.status == "succeeded"
    deleted = await wait_job(bus, await send(bus, "delete_archives", repo["id"], archives=["first", "a2"]))
    assert deleted.status == "succeeded"
    stats = (await bus.request("rpc.executor.repositories.get", {"id": repo["id"]}))["stats"]
    assert stats["archive_count"] == 1
    for kind in ("compact", "check"):
        job = await wait_job(bus, await send(bus, kind, repo["id"]))
        assert job.status == "succeeded", job
    page = await bus.request("rpc.executor.jobs.list", {"repository_id": repo["id"], "kind": "backup", "limit": 2})
    assert page["total"] == 3 and len(page["items"]) == 2


async def test_command_sent_while_the_executor_is_down_runs_once(nats_server, bus, data_dir, tmp_path, borg_binary):
    await bus.js.purge_stream("COMMANDS")
    root = tmp_path / "files"
    root.mkdir()
    settings = executor_settings(data_dir, nats_server.url, root, BORG_BINARY=borg_binary)
    src = make_tree(root / "src", files=5)
    async with running_service(ExecutorService, settings):
        repo = await create_repo(bus, root / "repo", encryption="none", passphrase=None)
    from libs.contracts.jobs import BackupCommand

    cmd = BackupCommand(repository_id=repo["id"], options={"sources": [str(src)]}, actor="tester")
    await bus.send_command("cmd.executor.backup", cmd)
    await bus.send_command("cmd.executor.backup", cmd)  # a repeat of the same command
    async with running_service(ExecutorService, settings):
        job = await wait_job(bus, cmd.id)
        assert job.status == "succeeded"
        await asyncio.sleep(0.5)
        # Only backups: each successful one is followed by its archive's index job.
        page = await bus.request("rpc.executor.jobs.list", {"kind": "backup"})
        assert [j["id"] for j in page["items"]] == [cmd.id]
        info = await bus.request("rpc.executor.repositories.get", {"id": repo["id"]})
        assert info["stats"]["archive_count"] == 1


@pytest.fixture
def small_disk(executor):
    """A real file system of 8 MiB (tmpfs; the tests run as root, as .ci/run does)."""
    mount_point = executor.root / "small-disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], check=True)
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


async def test_a_full_disk_fails_the_backup_with_borgs_message(executor, bus, small_disk):
    src = executor.root / "src"
    src.mkdir()
    for i in range(4):
        (src / f"random{i}").write_bytes(os.urandom(5 * 1024 * 1024))
    repo = await create_repo(bus, small_disk / "repo")
    job_id = await send(bus, "backup", repo["id"], options={"sources": [str(src)], "compression": "none"})
    job = await wait_job(bus, job_id, timeout=60)
    assert job.status == "failed", job
    assert "disk full" in job.error and "No space left on device" in job.error
    # The repository is still known and still opens: its earlier state was kept.
    info = await bus.request("rpc.executor.repositories.refresh", {"id": repo["id"]})
    assert info["stats"]["archive_count"] == 0


async def test_a_missing_borg_is_a_clear_error(nats_server, bus, data_dir, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings = executor_settings(data_dir, nats_server.url, root, BORG_BINARY=str(tmp_path / "no-borg-here"))
    async with running_service(ExecutorService, settings):
        with pytest.raises(RpcError) as caught:
            await create_repo(bus, root / "repo")
    assert caught.value.code == "unavailable"
    assert "borg is not installed" in caught.value.message
    assert not (root / "repo").exists()


async def test_a_too_old_borg_is_refused_with_its_version(nats_server, bus, data_dir, tmp_path):
    # A stand-in that answers `--version` as borg 1.1 would; nothing else of it ever runs.
    old_borg = tmp_path / "borg-1.1"
    old_borg.write_text("#!/bin/sh\necho 'borg 1.1.18'\n")
    old_borg.chmod(0o755)
    root = tmp_path / "files"
    root.mkdir()
    settings = executor_settings(data_dir, nats_server.url, root, BORG_BINARY=str(old_borg))
    async with running_service(ExecutorService, settings):
        with pytest.raises(RpcError) as caught:
            await create_repo(bus, root / "repo")
    assert caught.value.code == "unavailable"
    assert "borg 1.1.18 is too old; borg 1.2.0 or newer is needed" in caught.value.message
    assert not (root / "repo").exists()
