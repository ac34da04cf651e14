"""Argument lists of every borg builder, for each option; no borg is run."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.executor.borg.break_lock import break_lock_args
from services.executor.borg.check import check_args
from services.executor.borg.compact import compact_args
from services.executor.borg.create import create_args
from services.executor.borg.delete import delete_archives_args, delete_repository_args
from services.executor.borg.info import info_args
from services.executor.borg.init import init_args
from services.executor.borg.key_export import key_export_args, key_import_args
from services.executor.borg.list import list_archives_args, list_entries_args
from services.executor.borg.options import (
    CheckOptions,
    CommonOptions,
    CreateOptions,
    OptionError,
    PruneOptions,
)
from services.executor.borg.prune import prune_args
from services.executor.borg.rename import rename_args
from services.executor.borg.version import version_args

B = "/usr/bin/borg"
REPO = "/srv/backups/repo"


def test_version() -> None:
    assert version_args(B) == (B, "--version")


@pytest.mark.parametrize("encryption", ["none", "repokey-blake2", "keyfile", "authenticated-blake2"])
def test_init(encryption: str) -> None:
    assert init_args(B, REPO, encryption) == (B, "init", "--log-json", f"--encryption={encryption}", "--", REPO)


def test_init_refuses_unknown_encryption() -> None:
    with pytest.raises(OptionError, match="unknown encryption"):
        init_args(B, REPO, "rot13")


def test_common_options_follow_the_command() -> None:
    common = CommonOptions(lock_wait=3, remote_path="/usr/local/bin/borg")
    assert init_args(B, REPO, "none", common=common) == (
        B, "init", "--log-json", "--lock-wait=3", "--remote-path=/usr/local/bin/borg", "--encryption=none", "--", REPO,
    )


def test_create_defaults() -> None:
    assert create_args(B, REPO, "web-{now}", ["/etc", "/home"], CreateOptions()) == (
        B, "create", "--log-json", "--json", "--progress", "--compression=lz4", "--", f"{REPO}::web-{{now}}", "/etc", "/home",
    )


def test_create_without_progress() -> None:
    args = create_args(B, REPO, "a", ["/etc"], CreateOptions(), progress=False)
    assert "--progress" not in args
    assert args[-2:] == (f"{REPO}::a", "/etc")


def test_create_every_option() -> None:
    options = CreateOptions(
        compression="zstd,6",
        exclude_patterns=("*.tmp", "-starts-with-dash", "re:^/proc"),
        exclude_if_present=(".nobackup", "CACHEDIR.TAG"),
        exclude_caches=True,
        one_file_system=True,
        upload_ratelimit_kib=2048,
        extra_flags=("--noatime", "--files-cache=mtime,size"),
    )
    common = CommonOptions(lock_wait=10)
    assert create_args(B, REPO, "{hostname}-{now:%Y-%m-%dT%H:%M:%S}", ["/data", "-odd"], options, common=common) == (
        B, "create", "--log-json", "--lock-wait=10", "--json", "--progress",
        "--compression=zstd,6",
        "--exclude=*.tmp", "--exclude=-starts-with-dash", "--exclude=re:^/proc",
        "--exclude-if-present=.nobackup", "--exclude-if-present=CACHEDIR.TAG",
        "--exclude-caches", "--one-file-system", "--upload-ratelimit=2048",
        "--noatime", "--files-cache=mtime,size",
        "--", f"{REPO}::{{hostname}}-{{now:%Y-%m-%dT%H:%M:%S}}", "/data", "-odd",
    )


def test_create_needs_sources_and_a_sane_name() -> None:
    with pytest.raises(ValueError, match="at least one source"):
        create_args(B, REPO, "a", [], CreateOptions())
    with pytest.raises(OptionError):
        create_args(B, REPO, "a/b", ["/etc"], CreateOptions())
    with pytest.raises(OptionError, match="unknown placeholder"):
        create_args(B, REPO, "{home}", ["/etc"], CreateOptions())
    with pytest.raises(ValueError, match="repository"):
        create_args(B, "repo::x", "a", ["/etc"], CreateOptions())


def test_info() -> None:
    assert info_args(B, REPO) == (B, "info", "--log-json", "--json", "--", REPO)
    assert info_args(B, REPO, "a1", common=CommonOptions(lock_wait=1)) == (
        B, "info", "--log-json", "--lock-wait=1", "--json", "--", f"{REPO}::a1",
    )


def test_list_archives() -> None:
    assert list_archives_args(B, REPO) == (B, "list", "--log-json", "--json", "--", REPO)
    assert list_archives_args(B, REPO, glob_archives="web-*", last=5) == (
        B, "list", "--log-json", "--json", "--glob-archives=web-*", "--last=5", "--", REPO,
    )


def test_list_entries() -> None:
    assert list_entries_args(B, REPO, "a1") == (B, "list", "--log-json", "--json-lines", "--", f"{REPO}::a1")
    assert list_entries_args(B, REPO, "a1", ["etc/ssh"]) == (
        B, "list", "--log-json", "--json-lines", "--", f"{REPO}::a1", "etc/ssh",
    )


def test_prune_every_rule() -> None:
    options = PruneOptions(
        keep_within="2d",
        keep_secondly=1,
        keep_minutely=2,
        keep_hourly=3,
        keep_daily=7,
        keep_weekly=4,
        keep_monthly=6,
        keep_yearly=1,
        glob_archives="web-*",
        dry_run=True,
    )
    assert prune_args(B, REPO, options) == (
        B, "prune", "--log-json", "--list", "--dry-run", "--keep-within=2d",
        "--keep-secondly=1", "--keep-minutely=2", "--keep-hourly=3", "--keep-daily=7",
        "--keep-weekly=4", "--keep-monthly=6", "--keep-yearly=1", "--glob-archives=web-*", "--", REPO,
    )


def test_prune_skips_unset_and_zero_rules() -> None:
    assert prune_args(B, REPO, PruneOptions(keep_daily=7, keep_weekly=0), progress=True) == (
        B, "prune", "--log-json", "--list", "--progress", "--keep-daily=7", "--", REPO,
    )


def test_prune_without_rules_is_refused() -> None:
    # borg would refuse too, but only after taking the lock; and keep_daily=0 alone keeps nothing.
    with pytest.raises(OptionError, match="at least one rule"):
        prune_args(B, REPO, PruneOptions(keep_daily=0))


def test_compact() -> None:
    assert compact_args(B, REPO) == (B, "compact", "--log-json", "--progress", "--", REPO)
    assert compact_args(B, REPO, threshold_percent=5, progress=False) == (
        B, "compact", "--log-json", "--threshold=5", "--", REPO,
    )
    with pytest.raises(ValueError):
        compact_args(B, REPO, threshold_percent=100)


@pytest.mark.parametrize(
    ("options", "flags"),
    [
        (CheckOptions(), ()),
        (CheckOptions(repository_only=True), ("--repository-only",)),
        (CheckOptions(archives_only=True), ("--archives-only",)),
        (CheckOptions(verify_data=True), ("--verify-data",)),
        (CheckOptions(archives_only=True, verify_data=True), ("--archives-only", "--verify-data")),
        (CheckOptions(repository_only=True, max_duration=600), ("--repository-only", "--max-duration=600")),
    ],
)
def test_check(options: CheckOptions, flags: tuple[str, ...]) -> None:
    assert check_args(B, REPO, options) == (B, "check", "--log-json", "--progress", *flags, "--", REPO)


def test_check_without_progress() -> None:
    assert check_args(B, REPO, CheckOptions(), progress=False) == (B, "check", "--log-json", "--", REPO)


@pytest.mark.parametrize(
    "options",
    [
        CheckOptions(repository_only=True, archives_only=True),
        CheckOptions(repository_only=True, verify_data=True),
        CheckOptions(max_duration=60),
        CheckOptions(repository_only=True, max_duration=0),
    ],
)
def test_check_refuses_contradictions(options: CheckOptions) -> None:
    with pytest.raises(OptionError):
        check_args(B, REPO, options)


def test_delete_archives() -> None:
    assert delete_archives_args(B, REPO, ["a1", "a 2"]) == (
        B, "delete", "--log-json", "--list", "--", REPO, "a1", "a 2",
    )


def test_delete_without_archives_never_means_the_repository() -> None:
    with pytest.raises(ValueError, match="at least one archive"):
        delete_archives_args(B, REPO, [])


def test_delete_repository() -> None:
    assert delete_repository_args(B, REPO) == (B, "delete", "--log-json", "--", REPO)


def test_rename() -> None:
    assert rename_args(B, REPO, "old", "new") == (B, "rename", "--log-json", "--", f"{REPO}::old", "new")
    with pytest.raises(OptionError):
        rename_args(B, REPO, "old", "new/name")
    with pytest.raises(OptionError, match="braces"):
        rename_args(B, REPO, "old", "{now}")


def test_break_lock() -> None:
    assert break_lock_args(B, REPO) == (B, "break-lock", "--log-json", "--", REPO)


@pytest.mark.parametrize(("key_format", "flags"), [("key", ()), ("paper", ("--paper",)), ("qr-html", ("--qr-html",))])
def test_key_export(key_format: str, flags: tuple[str, ...]) -> None:
    assert key_export_args(B, REPO, key_format=key_format) == (B, "key", "export", "--log-json", *flags, "--", REPO)


def test_key_export_refuses_unknown_format() -> None:
    with pytest.raises(ValueError):
        key_export_args(B, REPO, key_format="pdf")  # type: ignore[arg-type]


def test_key_import() -> None:
    assert key_import_args(B, REPO, Path("/tmp/key")) == (B, "key", "import", "--log-json", "--", REPO, "/tmp/key")
