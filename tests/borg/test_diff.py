"""``borg diff`` arguments, and its ``--json-lines`` output as recorded from borg 1.2.4
(``recorded/diff.jsonl``: archive "one" against "two" of a small tree with a same-size same-mtime
content change, a chmod+chown, link changes and added/removed files and folders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.executor.archives.content_changes import judge
from services.executor.borg.diff import diff_args, parse_diff_line
from services.executor.borg.options import CommonOptions, OptionError

B = "/usr/bin/borg"
REPO = "/srv/backups/repo"
RECORDED = Path(__file__).parent / "recorded" / "diff.jsonl"


def test_args_older_archive_first() -> None:
    assert diff_args(B, REPO, "mon", "tue") == (B, "diff", "--log-json", "--json-lines", "--", f"{REPO}::mon", "tue")


def test_args_paths_and_lock_wait() -> None:
    argv = diff_args(B, REPO, "mon", "tue", ["/home/anna/", "-x"], common=CommonOptions(lock_wait=1))
    assert argv == (B, "diff", "--log-json", "--lock-wait=1", "--json-lines", "--", f"{REPO}::mon", "tue", "pp:home/anna", "pp:-x")


@pytest.mark.parametrize("bad", ["", "a/b", "x::y", "{now}"])
def test_args_refuse_bad_second_archive(bad: str) -> None:
    with pytest.raises(OptionError):
        diff_args(B, REPO, "mon", bad)


def test_parse_recorded() -> None:
    entries = {e.path: e for e in map(parse_diff_line, RECORDED.read_text().splitlines())}
    assert set(entries) == {
        "src", "src/sub", "src/a.txt", "src/link", "src/b.txt", "src/c.txt", "src/emptydir",
        "src/newlink", "src/sub/new.txt", "src/sub/old.txt", "src/gone", "src/oldlink",
    }
    a = entries["src/a.txt"]
    assert a.kinds == {"modified", "ctime"}
    assert (a.changes[0].added, a.changes[0].removed) == (6, 6)
    owner = next(c for c in entries["src/c.txt"].changes if c.type == "owner")
    assert (owner.old_user, owner.new_user, owner.new_group) == ("root", "daemon", "daemon")
    mode = next(c for c in entries["src/c.txt"].changes if c.type == "mode")
    assert (mode.old_mode, mode.new_mode) == ("-rw-r--r--", "-rw-------")
    assert entries["src/sub/new.txt"].changes[0].size == 4
    assert entries["src/sub/old.txt"].changes[0].size == 5


def test_parse_refuses_garbage() -> None:
    with pytest.raises(ValueError, match="borg diff"):
        parse_diff_line(b'{"path": 3}')
    with pytest.raises(ValueError, match="borg diff"):
        parse_diff_line(b"Include pattern never matched")


def test_parse_strips_leading_slash() -> None:
    assert parse_diff_line(b'{"path": "/etc/x", "changes": []}').path == "etc/x"


def test_judge_recorded() -> None:
    verdicts = {e.path: judge(e) for e in map(parse_diff_line, RECORDED.read_text().splitlines())}
    # Folders are left out, as in the index's changes; "src" and "src/sub" are looked up (no type).
    assert verdicts["src/emptydir"] is None and verdicts["src/gone"] is None
    assert verdicts["src"].type is None and verdicts["src"].content_changed is False
    a = verdicts["src/a.txt"]
    assert (a.change, a.type, a.content_changed) == ("modified", "-", True)
    assert a.detail == "content: 6 bytes added, 6 removed"
    c = verdicts["src/c.txt"]
    assert (c.change, c.content_changed) == ("modified", False)
    assert "owner root:root → daemon:daemon" in c.detail and "mode -rw-r--r-- → -rw-------" in c.detail
    assert (verdicts["src/link"].type, verdicts["src/link"].content_changed) == ("l", True)
    assert (verdicts["src/newlink"].change, verdicts["src/newlink"].type) == ("added", "l")
    assert (verdicts["src/oldlink"].change, verdicts["src/oldlink"].type) == ("removed", "l")
    new = verdicts["src/sub/new.txt"]
    assert (new.change, new.type, new.size, new.content_changed) == ("added", "-", 4, None)
    assert (verdicts["src/sub/old.txt"].change, verdicts["src/sub/old.txt"].size) == ("removed", 5)


def test_judge_ctime_only_is_no_change() -> None:
    entry = parse_diff_line(b'{"path": "f", "changes": [{"type": "ctime", "old_ctime": "a", "new_ctime": "b"}]}')
    assert judge(entry) is None
