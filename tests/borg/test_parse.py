"""Parsing of borg 1.2.4 output recorded from real runs (tests/borg/recorded/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.executor.borg.break_lock import parse_lock_roster
from services.executor.borg.create import parse_create_result
from services.executor.borg.errors import classify, summarize
from services.executor.borg.events import LogRecord, ProgressEvent, parse
from services.executor.borg.info import parse_archive_info, parse_repository_info
from services.executor.borg.list import parse_archive_list
from services.executor.borg.prune import archives_to_prune, parse_prune_list
from services.executor.borg.version import parse_version, version_problem

RECORDED = Path(__file__).parent / "recorded"


def lines(name: str) -> list[str]:
    return (RECORDED / name).read_text().splitlines()


def records(name: str) -> list[LogRecord]:
    return [r for r in map(parse, lines(name)) if isinstance(r, LogRecord)]


def test_archive_progress() -> None:
    events = [parse(line) for line in lines("create_progress.jsonl")]
    archive = [e for e in events if isinstance(e, ProgressEvent) and e.kind == "archive"]
    assert [e.finished for e in archive] == [False, False, False, False, True]
    third = archive[3]
    assert (third.files, third.path) == (2, "src/file2.bin")
    assert third.original_size == 102748716
    assert third.compressed_size == 102750135
    assert third.deduplicated_size == 102750135
    assert third.time == pytest.approx(1796414981.6637995)
    sizes = [e.original_size for e in archive[:-1]]
    assert sizes == sorted(sizes)


def test_progress_message() -> None:
    event = parse(lines("create_progress.jsonl")[1])
    assert isinstance(event, ProgressEvent)
    assert (event.kind, event.msgid, event.operation) == ("message", "cache.begin_transaction", 1)
    assert event.message == "Initializing cache transaction: Reading config"
    assert event.percent is None


def test_progress_percent() -> None:
    events = [parse(line) for line in lines("check_progress.jsonl")]
    percent = [e for e in events if isinstance(e, ProgressEvent) and e.kind == "percent"]
    assert percent, "check --progress reports percentages"
    first = percent[0]
    assert first.msgid == "repository.check" and first.message.startswith("Checking segments")
    assert first.current == 1 and first.total and first.total > 1
    assert first.percent == pytest.approx(100 / first.total)
    assert percent[-1].finished


def test_compact_progress() -> None:
    events = [parse(line) for line in lines("compact_progress.jsonl")]
    assert any(isinstance(e, ProgressEvent) and e.msgid == "repository.compact_segments" for e in events)


def test_log_message() -> None:
    (record,) = records("archive_exists.jsonl")
    assert record == LogRecord(
        level="ERROR",
        message="Archive first already exists",
        name="borg.archiver",
        msgid="Archive.AlreadyExists",
        time=record.time,
    )


def test_plain_and_broken_lines_become_info_records() -> None:
    assert parse("Warning: Password input may be echoed.\n") == LogRecord(message="Warning: Password input may be echoed.")
    assert parse(b"{not json") == LogRecord(message="{not json")
    assert parse("[1, 2]") == LogRecord(message="[1, 2]")
    assert parse(b"\xff\xfe broken utf-8").message.endswith("broken utf-8")


def test_json_after_a_prompt_is_still_read() -> None:
    prompt_line = lines("no_passphrase.txt")[-1]
    assert prompt_line.startswith("Enter passphrase for key")
    record = parse(prompt_line)
    assert isinstance(record, LogRecord) and record.msgid == "NoPassphraseFailure"


def test_file_status_and_questions() -> None:
    status = parse('{"type": "file_status", "status": "A", "path": "etc/passwd"}')
    assert status == LogRecord(message="A etc/passwd", name="borg.output.list")
    question = parse('{"type": "question_prompt", "msgid": "BORG_CHECK_I_KNOW_WHAT_I_AM_DOING", "message": "Type YES"}')
    assert isinstance(question, LogRecord) and question.level == "WARNING"


@pytest.mark.parametrize(
    ("fixture", "returncode", "code", "message"),
    [
        ("wrong_passphrase.jsonl", 2, "invalid", "wrong passphrase"),
        ("no_passphrase.txt", 2, "invalid", "this repository needs a passphrase"),
        ("locked.jsonl", 2, "locked", "Failed to create/acquire the lock /tmp/rec2/repo/lock.exclusive (timeout)."),
        ("repo_not_found.jsonl", 2, "not_found", "Repository /tmp/rec2/nowhere does not exist."),
        ("repo_exists.jsonl", 2, "conflict", "A repository already exists at /tmp/rec2/repo."),
        ("archive_exists.jsonl", 2, "conflict", "Archive first already exists"),
        ("disk_full.jsonl", 2, "unavailable", "disk full: OSError: [Errno 28] No space left on device"),
    ],
)
def test_classify(fixture: str, returncode: int, code: str, message: str) -> None:
    failure = classify(returncode, records(fixture))
    assert (failure.code, failure.message) == (code, message)


def test_classify_without_records() -> None:
    assert classify(2, []).message == "borg exited with code 2"
    usage = [LogRecord(message="usage: borg [-V] ..."), LogRecord(message="borg: error: unrecognized arguments: --nope")]
    assert classify(2, usage).message == "borg: error: unrecognized arguments: --nope"
    generic = [LogRecord(level="ERROR", message="Something odd happened", name="borg.archiver", msgid="Error")]
    assert classify(2, generic) == classify(2, generic) and classify(2, generic).code == "internal"
    assert classify(2, generic).message == "Something odd happened"


def test_summarize_traceback() -> None:
    traceback = "Traceback (most recent call last):\n  File \"x\", line 1\nValueError: bad\n\nPlatform: Linux\nBorg: 1.2.4\n"
    assert summarize(traceback) == "ValueError: bad"
    assert summarize("one line") == "one line"


def test_vanished_file_is_a_warning_record() -> None:
    (record,) = records("vanished.jsonl")
    assert record.level == "WARNING" and record.message.startswith("src2/vanished: [Errno 2]")


def test_prune_dry_run_list() -> None:
    decisions = parse_prune_list(lines("prune_dry_run.jsonl"))
    assert [(d.action, d.archive, d.rule, d.rule_number) for d in decisions] == [
        ("keep", "fourth", "secondly", 1),
        ("prune", "third", None, None),
        ("prune", "second", None, None),
        ("keep", "first", "daily[oldest]", 1),
    ]
    assert decisions[1].time == "2026-12-04T20:09:50"
    assert len(decisions[1].id) == 64
    assert archives_to_prune(decisions) == ["third", "second"]


def test_prune_real_run_list() -> None:
    decisions = parse_prune_list(lines("prune.jsonl"))
    assert archives_to_prune(decisions) == ["third", "first"]
    assert [d.archive for d in decisions if d.action == "keep"] == ["fourth", "second"]


def test_prune_list_from_messages() -> None:
    hex_id = "ab" * 32
    messages = [
        f"Would prune:                             my archive with spaces               Mon, 2024-01-01 00:00:00 [{hex_id}]",
        f"Keeping checkpoint archive:              web.checkpoint                       Tue, 2024-01-02 03:04:05 [{hex_id}]",
        "something else entirely",
    ]
    decisions = parse_prune_list(messages)
    assert [(d.action, d.archive, d.rule) for d in decisions] == [
        ("prune", "my archive with spaces", None),
        ("keep", "web.checkpoint", "checkpoint"),
    ]


def test_create_result() -> None:
    result = parse_create_result((RECORDED / "create_result.json").read_bytes())
    assert result.archive_name == "first"
    assert result.stats.nfiles == 4
    assert result.stats.original_size == 125829637  # 3 x 40 MiB + 5 bytes, and the metadata
    assert result.stats.deduplicated_size == 125831664
    assert result.duration > 0
    assert result.repository.original_size == 125829125
    assert result.repository.unique_chunks == 49


def test_repository_info() -> None:
    info = parse_repository_info((RECORDED / "info_repository.json").read_bytes())
    assert info.encryption == "repokey-blake2"
    assert info.location == "/tmp/rec2/repo"
    assert len(info.id) == 64
    sizes = info.sizes
    # random data: nothing to compress or deduplicate, so the stored size exceeds the original
    assert (sizes.original_size, sizes.compressed_size, sizes.deduplicated_size) == (125829131, 125831281, 125835844)
    assert (sizes.total_chunks, sizes.unique_chunks) == (58, 54)
    assert sizes.dedup_ratio == pytest.approx(125829131 / 125835844)


def test_archive_info() -> None:
    info = parse_archive_info((RECORDED / "info_archive.json").read_bytes())
    assert info.name == "first"
    assert info.stats.nfiles == 4
    assert info.hostname and info.username


def test_archive_list() -> None:
    archives = parse_archive_list((RECORDED / "list_archives.json").read_bytes())
    assert [a.name for a in archives] == ["first", "second", "third", "fourth"]
    assert all(len(a.id) == 64 and a.start for a in archives)


@pytest.mark.parametrize("parser", [parse_create_result, parse_repository_info, parse_archive_info, parse_archive_list])
def test_parsers_refuse_other_output(parser) -> None:
    with pytest.raises(ValueError):
        parser(b"not json")
    with pytest.raises(ValueError):
        parser(b'{"unexpected": true}')


def test_lock_roster() -> None:
    (holder,) = parse_lock_roster((RECORDED / "lock_roster.json").read_text())
    assert holder.exclusive and holder.pid > 0 and holder.hostname
    assert holder.host_id.startswith(holder.hostname + "@")
    shared = parse_lock_roster('{"shared": [["h@1", 10, 0], ["h@1", 11, 0]]}')
    assert [(h.pid, h.exclusive) for h in shared] == [(10, False), (11, False)]
    with pytest.raises(ValueError):
        parse_lock_roster("{broken")


def test_version() -> None:
    assert parse_version("borg 1.2.4\n") == (1, 2, 4)
    assert parse_version(b"borg 1.4.0b1") == (1, 4, 0)
    assert parse_version("borg.exe 1.4.1") == (1, 4, 1)
    with pytest.raises(ValueError):
        parse_version("command not found")
    assert version_problem((1, 2, 4)) is None and version_problem((1, 4, 1)) is None
    assert "too old" in version_problem((1, 1, 18))
    assert "not supported" in version_problem((2, 0, 0))


BORG_14 = RECORDED / "borg-1.4"


def test_borg_14_output() -> None:
    """The same readers understand borg 1.4.5 (recorded with BORG_EXIT_CODES=legacy)."""

    def read(name: str) -> list:
        return [parse(line) for line in (BORG_14 / name).read_text().splitlines()]

    archive = [e for e in read("create_progress.jsonl") if isinstance(e, ProgressEvent) and e.kind == "archive"]
    assert any(e.original_size > 0 and e.path.startswith("src/") for e in archive) and archive[-1].finished
    assert parse_create_result((BORG_14 / "create_result.json").read_bytes()).stats.nfiles == 3
    percent = [e for e in read("check_progress.jsonl") if isinstance(e, ProgressEvent) and e.kind == "percent"]
    assert percent and percent[0].msgid == "repository.check"
    assert classify(2, read("wrong_passphrase.jsonl")).message == "wrong passphrase"
    assert classify(2, read("locked.jsonl")).code == "locked"
    (vanished,) = read("vanished.jsonl")
    assert vanished.level == "WARNING" and vanished.msgid == "BackupFileNotFoundError"
    decisions = parse_prune_list((BORG_14 / "prune_dry_run.jsonl").read_text().splitlines())
    assert [(d.action, d.archive, d.rule) for d in decisions] == [
        ("keep", "third", "secondly"),
        ("prune", "second", None),
        ("keep", "first", "daily[oldest]"),
    ]
    sizes = parse_repository_info((BORG_14 / "info_repository.json").read_bytes()).sizes
    assert (sizes.original_size, sizes.deduplicated_size) == (125829124, 125835785)
