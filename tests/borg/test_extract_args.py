"""Argument lists of ``borg extract`` and ``borg export-tar``; no borg is run."""

from __future__ import annotations

import pytest

from services.executor.borg.export_tar import export_tar_args
from services.executor.borg.extract import extract_args
from services.executor.borg.options import CommonOptions, OptionError

B = "/usr/bin/borg"
REPO = "/srv/backups/repo"


def test_extract_everything() -> None:
    assert extract_args(B, REPO, "a1") == (B, "extract", "--log-json", "--", f"{REPO}::a1")


def test_extract_paths_are_path_prefix_patterns() -> None:
    argv = extract_args(B, REPO, "a1", ["/home/me/re:x", "sh:*", "-rf"], strip_components=2, list_files=True, progress=True)
    assert argv == (
        B, "extract", "--log-json", "--list", "--progress", "--strip-components=2", "--",
        f"{REPO}::a1", "pp:home/me/re:x", "pp:sh:*", "pp:-rf",
    )


def test_extract_dry_run_and_stdout() -> None:
    assert extract_args(B, REPO, "a1", ["x"], dry_run=True)[2:4] == ("--log-json", "--dry-run")
    assert "--stdout" in extract_args(B, REPO, "a1", ["x"], stdout=True)
    with pytest.raises(ValueError):
        extract_args(B, REPO, "a1", ["x"], dry_run=True, stdout=True)


def test_extract_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        extract_args(B, REPO, "a1", ["/"])
    with pytest.raises(ValueError):
        extract_args(B, REPO, "a1", ["x"], strip_components=-1)
    with pytest.raises(OptionError):
        extract_args(B, REPO, "a/b", ["x"])


def test_extract_common_options() -> None:
    argv = extract_args(B, REPO, "a1", common=CommonOptions(lock_wait=5))
    assert argv == (B, "extract", "--log-json", "--lock-wait=5", "--", f"{REPO}::a1")


def test_export_tar() -> None:
    assert export_tar_args(B, REPO, "a1", ["d/e f"]) == (B, "export-tar", "--log-json", "--", f"{REPO}::a1", "-", "pp:d/e f")
    assert export_tar_args(B, REPO, "a1", tar_filter="gzip") == (
        B, "export-tar", "--log-json", "--tar-filter=gzip", "--", f"{REPO}::a1", "-",
    )
    with pytest.raises(ValueError):
        export_tar_args(B, REPO, "a1", tar_filter="bzip2")  # type: ignore[arg-type]


def test_list_archive_details() -> None:
    from services.executor.borg.list import list_archives_args, parse_archive_details

    argv = list_archives_args(B, REPO, details=True)
    assert argv == (B, "list", "--log-json", "--json", "--format={end}{hostname}{username}{comment}", "--", REPO)
    parsed = parse_archive_details(
        b'{"archives": [{"name": "a", "id": "ff", "start": "2024-01-01T00:00:00.000000", "end": "2024-01-01T00:00:09.000000",'
        b' "hostname": "h", "username": "u", "comment": "", "time": "x"}]}'
    )
    assert parsed[0].hostname == "h" and parsed[0].end.endswith("09.000000")
