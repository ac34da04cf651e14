"""Pure parts of the executor: queue choice, progress figures, lock names, bounded logs, paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from libs.contracts.envelope import RpcError
from services.executor.jobs.log import JobLog, read_slice
from services.executor.jobs.progress import ProgressTracker, percent_and_eta
from services.executor.jobs.queue import pick_runnable
from services.executor.paths import check_new_repository_path, parse_roots
from services.executor.repositories.locks import parse_lock_name, stale_on_this_host, Holder, this_host_id


def test_one_job_per_repository_and_the_slot_limit():
    queued = [("j1", "a"), ("j2", "a"), ("j3", "b"), ("j4", "c")]
    assert pick_runnable(queued, set(), 2) == ["j1", "j3"]
    assert pick_runnable(queued, {"a"}, 5) == ["j3", "j4"]
    assert pick_runnable(queued, set(), 0) == []


def test_percent_and_time_left():
    assert percent_and_eta(50, 200, 10.0) == (25.0, 15.0)
    assert percent_and_eta(50, None, 10.0) == (None, None)
    assert percent_and_eta(300, 200, 10.0) == (100.0, 0.0)
    tracker = ProgressTracker("j", total_bytes=1000)
    tracker.archive_progress(0.0, 1, 0, 0, 0, "/a")
    tracker.archive_progress(1.0, 2, 100, 50, 50, "/b")
    assert tracker.due(1.0)
    sample = tracker.sample(1.0)
    assert (sample.percent, sample.eta_seconds, sample.rate, sample.path) == (10.0, 9.0, 100.0, "/b")
    assert not tracker.due(1.2) and tracker.due(1.5)


def test_lock_names_and_stale_holders():
    assert parse_lock_name("host.example@1234.4711-0") == ("host.example@1234", 4711)
    assert parse_lock_name("garbage") is None
    dead_pid = 2**22 + 12345
    assert stale_on_this_host([Holder(this_host_id(), dead_pid, "exclusive")])
    assert not stale_on_this_host([Holder("elsewhere@1", dead_pid, "exclusive")])
    import os

    assert not stale_on_this_host([Holder(this_host_id(), os.getpid(), "exclusive")])
    assert not stale_on_this_host([])


def test_log_keeps_head_and_tail_when_too_big(tmp_path: Path):
    log = JobLog(tmp_path / "j.log", max_bytes=1000)
    for i in range(40_000):
        log.line(f"line {i}" if i in (0, 1, 39_999) else f"line {i} " + "x" * 30)
    log.close()
    text = (tmp_path / "j.log").read_text()
    assert text.startswith("line 0\n") and text.rstrip().endswith("line 39999")
    assert "bytes of log omitted" in text and len(text) < 1000 + 260 * 1024
    data, size = read_slice(tmp_path / "j.log", 0, 20)
    assert data == b"line 0\nline 1\n" and size == len(text.encode())


def test_repository_paths(tmp_path: Path):
    roots = parse_roots(f"{tmp_path}/allowed, ")
    (tmp_path / "allowed").mkdir()
    assert check_new_repository_path(str(tmp_path / "allowed" / "r"), roots) == tmp_path / "allowed" / "r"
    (tmp_path / "allowed" / "link").symlink_to(tmp_path)
    with pytest.raises(RpcError, match="outside"):
        check_new_repository_path(str(tmp_path / "allowed" / "link" / "r"), roots)
    with pytest.raises(RpcError, match="parent folder"):
        check_new_repository_path(str(tmp_path / "allowed" / "x" / "r"), roots)
