"""The borg layer against the real borg binary, on repositories made in temporary folders."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from services.executor.borg.break_lock import parse_lock_roster
from services.executor.borg.create import create_args, parse_create_result
from services.executor.borg.environment import borg_env
from services.executor.borg.events import BorgOutput, ProgressEvent
from services.executor.borg.info import info_args, parse_archive_info, parse_repository_info
from services.executor.borg.init import init_args
from services.executor.borg.key_export import key_export_args
from services.executor.borg.list import list_archives_args, parse_archive_list
from services.executor.borg.options import CommonOptions, CreateOptions, PruneOptions
from services.executor.borg.prune import archives_to_prune, parse_prune_list, prune_args
from services.executor.borg.runner import BorgRun, run_borg
from services.executor.borg.version import parse_version, version_args, version_problem

pytestmark = pytest.mark.borg

PASSPHRASE = "s3cret-Passphrase-never-on-a-command-line"


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("borg-base")


@pytest.fixture(scope="module")
def big_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 MB of incompressible data: long enough to cancel a backup in the middle."""
    folder = tmp_path_factory.mktemp("big")
    for index in range(4):
        (folder / f"part{index}.bin").write_bytes(os.urandom(50 * 1024 * 1024))
    return folder


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    (folder / "sub").mkdir(parents=True)
    for index in range(3):
        (folder / f"data{index}.bin").write_bytes(os.urandom(20 * 1024 * 1024))
    for index in range(50):
        (folder / "sub" / f"note{index}.txt").write_text(f"note {index}\n" * 20)
    return folder


class Borg:
    """Runs borg through the layer under test with one base folder, as the executor will."""

    def __init__(self, binary: str, base_dir: Path) -> None:
        self.binary = binary
        self.env = borg_env(os.environ, base_dir=base_dir, passphrase_fd=None)

    async def run(self, argv: tuple[str, ...], passphrase: str | None = PASSPHRASE, **kwargs) -> BorgRun:
        return await run_borg(argv, self.env, passphrase=passphrase, **kwargs)

    async def init(self, repo: Path) -> None:
        result = await self.run(init_args(self.binary, str(repo), "repokey-blake2"))
        assert result.status == "succeeded", result.error_lines

    async def archives(self, repo: Path) -> list[str]:
        result = await self.run(list_archives_args(self.binary, str(repo)))
        assert result.status == "succeeded", result.error_lines
        return [archive.name for archive in parse_archive_list(result.stdout)]


@pytest.fixture
def borg(borg_binary: str, base_dir: Path) -> Borg:
    return Borg(borg_binary, base_dir)


@pytest.fixture
async def repo(borg: Borg, tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    await borg.init(path)
    return path


def borg_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if any(os.path.basename(part) == "borg" for part in child.cmdline()[:2]):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


async def test_version(borg: Borg) -> None:
    result = await borg.run(version_args(borg.binary), passphrase=None)
    version = parse_version(result.stdout)
    assert version >= (1, 2, 0)
    assert version_problem(version) is None


async def test_missing_binary_is_a_clear_failure(borg: Borg) -> None:
    result = await borg.run(version_args("/nonexistent/borg"), passphrase=None)
    assert result.status == "failed" and result.pid is None
    assert result.failure is not None and result.failure.code == "unavailable"
    assert "/nonexistent/borg" in result.failure.message


async def test_passphrase_only_through_the_pipe(borg: Borg, tmp_path: Path) -> None:
    argv = init_args(borg.binary, str(tmp_path / "repo"), "repokey-blake2")
    assert not any(PASSPHRASE in arg for arg in argv)
    assert PASSPHRASE not in str(borg.env)
    task = asyncio.create_task(borg.run(argv))
    seen: dict[str, object] = {}
    while not task.done() and not seen:
        for child in borg_children():
            try:
                seen = {"cmdline": child.cmdline(), "environ": child.environ()}
            except psutil.NoSuchProcess:
                continue
        await asyncio.sleep(0.002)
    result = await task
    assert result.status == "succeeded", result.error_lines
    assert seen, "borg was never seen running"
    assert not any(PASSPHRASE in arg for arg in seen["cmdline"])
    environ = seen["environ"]
    assert PASSPHRASE not in str(environ)
    assert "BORG_PASSPHRASE" not in environ and environ["BORG_PASSPHRASE_FD"].isdigit()
    assert environ["BORG_EXIT_CODES"] == "legacy"
    # the repository really is protected by that passphrase
    assert await borg.archives(tmp_path / "repo") == []


async def test_runner_refuses_a_passphrase_in_the_environment(borg: Borg) -> None:
    with pytest.raises(ValueError, match="BORG_PASSPHRASE"):
        await run_borg(version_args(borg.binary), {**borg.env, "BORG_PASSPHRASE": "x"}, passphrase=None)


async def test_create_streams_progress_and_reports_stats(borg: Borg, repo: Path, source: Path) -> None:
    events: list[BorgOutput] = []
    raw: list[bytes] = []
    argv = create_args(borg.binary, str(repo), "first-{now:%Y%m%d}", [str(source)], CreateOptions(compression="lz4"))
    result = await borg.run(argv, on_event=events.append, log_sink=raw.append)
    assert result.status == "succeeded" and result.returncode == 0, result.error_lines
    archive = [e for e in events if isinstance(e, ProgressEvent) and e.kind == "archive"]
    moving = [e for e in archive if not e.finished and e.original_size > 0]
    assert moving, "borg reported no archive progress with sizes"
    assert [e.original_size for e in moving] == sorted(e.original_size for e in moving)
    assert archive[-1].finished
    assert len(raw) == len(events) and all(line.endswith(b"\n") for line in raw)
    stats = parse_create_result(result.stdout)
    assert stats.archive_name.startswith("first-2")  # borg expanded the placeholder
    assert stats.stats.nfiles == 53
    assert stats.stats.original_size >= 60 * 1024 * 1024
    assert stats.repository.deduplicated_size > 0
    assert await borg.archives(repo) == [stats.archive_name]


async def test_vanished_and_unreadable_files_give_a_warning(borg: Borg, repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "few"
    folder.mkdir()
    (folder / "kept.txt").write_text("kept")
    sources = [str(folder), str(folder / "vanished.txt")]  # gone between listing and reading
    unreadable = folder / "unreadable.txt"
    unreadable.write_text("no access")
    unreadable.chmod(0)
    result = await borg.run(create_args(borg.binary, str(repo), "warned", sources, CreateOptions()))
    assert (result.status, result.returncode, result.failure) == ("warning", 1, None)
    assert any("vanished.txt" in line and "No such file" in line for line in result.warning_lines)
    if os.geteuid() != 0:  # root reads files whatever their mode
        assert any("unreadable.txt" in line and "Permission denied" in line for line in result.warning_lines)
    assert await borg.archives(repo) == ["warned"]


async def test_wrong_and_missing_passphrase(borg: Borg, repo: Path) -> None:
    wrong = await borg.run(list_archives_args(borg.binary, str(repo)), passphrase="not the passphrase")
    assert wrong.status == "failed"
    assert wrong.failure is not None and (wrong.failure.code, wrong.failure.message) == ("invalid", "wrong passphrase")
    missing = await borg.run(list_archives_args(borg.binary, str(repo)), passphrase=None)
    assert missing.status == "failed"
    assert missing.failure is not None and missing.failure.code == "invalid"


async def test_missing_and_existing_repository(borg: Borg, repo: Path, tmp_path: Path) -> None:
    missing = await borg.run(info_args(borg.binary, str(tmp_path / "nowhere")))
    assert missing.failure is not None and missing.failure.code == "not_found"
    again = await borg.run(init_args(borg.binary, str(repo), "repokey-blake2"))
    assert again.failure is not None and again.failure.code == "conflict"


async def test_locked_repository(borg: Borg, repo: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [borg.binary, "with-lock", str(repo), "sleep", "30"], env=borg.env, start_new_session=True
    )
    try:
        roster = repo / "lock.roster"
        deadline = time.monotonic() + 10
        while not roster.exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        (owner,) = parse_lock_roster(roster.read_text())
        assert owner.pid == holder.pid and owner.exclusive
        started = time.monotonic()
        result = await borg.run(
            create_args(borg.binary, str(repo), "blocked", [str(tmp_path)], CreateOptions(), common=CommonOptions(lock_wait=1))
        )
        assert time.monotonic() - started < 10
        assert result.status == "failed"
        assert result.failure is not None and result.failure.code == "locked"
        assert "lock" in result.failure.message
    finally:
        os.killpg(holder.pid, signal.SIGTERM)
        holder.wait(timeout=10)


async def test_existing_archive_name_is_a_conflict(borg: Borg, repo: Path, tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("one")
    argv = create_args(borg.binary, str(repo), "same", [str(tmp_path / "one.txt")], CreateOptions())
    assert (await borg.run(argv)).status == "succeeded"
    second = await borg.run(argv)
    assert second.status == "failed"
    assert second.failure is not None and second.failure.code == "conflict"
    assert second.error_lines == ["Archive same already exists"]


async def test_cancel_mid_backup_leaves_the_repository_unlocked(borg: Borg, repo: Path, big_source: Path) -> None:
    cancel = asyncio.Event()
    inside: dict[str, object] = {}

    def on_event(event: BorgOutput) -> None:
        if isinstance(event, ProgressEvent) and event.kind == "archive" and event.original_size > 0 and not cancel.is_set():
            (child,) = borg_children()
            inside.update(cmdline=child.cmdline(), environ=child.environ())
            cancel.set()

    started = time.monotonic()
    argv = create_args(borg.binary, str(repo), "interrupted", [str(big_source)], CreateOptions(compression="none"))
    result = await borg.run(argv, on_event=on_event, cancel=cancel)
    assert result.status == "cancelled", (result.returncode, result.error_lines)
    assert result.failure is None
    assert time.monotonic() - started < 10
    assert not borg_children()
    assert PASSPHRASE not in str(inside["cmdline"]) and PASSPHRASE not in str(inside["environ"])
    assert not (repo / "lock.exclusive").exists()
    assert await borg.archives(repo) == []  # unlocked: borg list works at once, and nothing half-made is listed


async def test_prune_dry_run_preview(borg: Borg, repo: Path, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    for name in ("old", "middle", "new"):
        argv = create_args(borg.binary, str(repo), name, [str(tmp_path / "f.txt")], CreateOptions(), progress=False)
        assert (await borg.run(argv)).status == "succeeded"
    raw: list[bytes] = []
    result = await borg.run(prune_args(borg.binary, str(repo), PruneOptions(keep_secondly=1, dry_run=True)), log_sink=raw.append)
    assert result.status == "succeeded", result.error_lines
    decisions = parse_prune_list(raw)
    assert archives_to_prune(decisions) == ["middle", "old"]
    assert [(d.action, d.archive, d.rule) for d in decisions if d.action == "keep"] == [("keep", "new", "secondly")]
    assert await borg.archives(repo) == ["old", "middle", "new"]  # a dry run changes nothing


async def test_info_sizes(borg: Borg, repo: Path, source: Path) -> None:
    argv = create_args(borg.binary, str(repo), "sized", [str(source)], CreateOptions(compression="zstd,3"), progress=False)
    created = await borg.run(argv)
    assert created.status == "succeeded", created.error_lines
    repository = await borg.run(info_args(borg.binary, str(repo)))
    info = parse_repository_info(repository.stdout)
    assert info.encryption == "repokey-blake2"
    assert info.sizes.original_size >= 60 * 1024 * 1024
    assert 0 < info.sizes.deduplicated_size <= info.sizes.compressed_size + 1024 * 1024
    archive = parse_archive_info((await borg.run(info_args(borg.binary, str(repo), "sized"))).stdout)
    assert archive.name == "sized" and archive.stats.nfiles == 53


async def test_key_export_goes_to_stdout_only(borg: Borg, repo: Path) -> None:
    raw: list[bytes] = []
    result = await borg.run(key_export_args(borg.binary, str(repo)), log_sink=raw.append)
    assert result.status == "succeeded"
    assert result.stdout.startswith(b"BORG_KEY ")
    assert not any(b"BORG_KEY" in line for line in raw)
    paper = await borg.run(key_export_args(borg.binary, str(repo), key_format="paper"))
    assert b"BORG PAPER KEY" in paper.stdout
    html = await borg.run(key_export_args(borg.binary, str(repo), key_format="qr-html"))
    assert html.stdout.lstrip().lower().startswith(b"<!doctype html>")

