"""The environment borg runs in."""

from __future__ import annotations

from pathlib import Path

from services.executor.borg.environment import borg_env

BASE = {
    "PATH": "/usr/bin",
    "HOME": "/root",
    "LC_ALL": "de_DE.UTF-8",
    "BORG_PASSPHRASE": "inherited-secret",
    "BORG_PASSCOMMAND": "cat /secret",
    "BORG_REPO": "/elsewhere",
    "BORG_KEYS_DIR": "/elsewhere/keys",
    "BORG_BINARY": "borg",
    "BORG_FILES_CACHE_TTL": "40",
}


def test_defaults() -> None:
    env = borg_env(BASE, base_dir=Path("/data/executor/borg"), passphrase_fd=None)
    assert env == {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "BORG_FILES_CACHE_TTL": "40",
        "BORG_BASE_DIR": "/data/executor/borg",
        "BORG_RELOCATED_REPO_ACCESS_IS_OK": "no",
        "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "no",
        "BORG_CHECK_I_KNOW_WHAT_I_AM_DOING": "NO",
        "BORG_DELETE_I_KNOW_WHAT_I_AM_DOING": "NO",
        "BORG_EXIT_CODES": "legacy",
        "BORG_DISPLAY_PASSPHRASE": "no",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def test_no_inherited_secret_survives() -> None:
    env = borg_env(BASE, base_dir=Path("/b"), passphrase_fd=7, rsh="ssh -i key")
    assert "inherited-secret" not in env.values()
    assert not {"BORG_PASSPHRASE", "BORG_PASSCOMMAND", "BORG_REPO", "BORG_KEYS_DIR"} & set(env)
    assert env["BORG_PASSPHRASE_FD"] == "7"
    assert env["BORG_RSH"] == "ssh -i key"


def test_import_and_repository_delete_switches() -> None:
    env = borg_env({}, base_dir=Path("/b"), passphrase_fd=None, accept_unknown_repository=True, confirm_repository_delete=True)
    assert env["BORG_RELOCATED_REPO_ACCESS_IS_OK"] == "yes"
    assert env["BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK"] == "yes"
    assert env["BORG_DELETE_I_KNOW_WHAT_I_AM_DOING"] == "YES"
