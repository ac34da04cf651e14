"""The environment borg runs in: our own folders, no inherited secrets, no interactive questions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# Inherited BORG_* variables are dropped (a BORG_PASSPHRASE, BORG_REPO or BORG_KEYS_DIR of whoever
# started us must not leak into or redirect our runs) except these tuning knobs an admin may set.
INHERITED_BORG_VARIABLES = frozenset(
    {
        "BORG_FILES_CACHE_TTL",
        "BORG_HOSTNAME_IS_UNIQUE",
        "BORG_HOST_ID",
        "BORG_WORKAROUNDS",
        "BORG_USE_CHUNKS_ARCHIVE",
        "BORG_SHOW_SYSINFO",
    }
)
# Locale variables are replaced as a set so borg's messages and file name encoding are predictable.
_DROPPED = frozenset({"LC_ALL", "LANGUAGE", "LC_CTYPE", "LC_MESSAGES"})


def borg_env(
    base: Mapping[str, str],
    *,
    base_dir: Path,
    passphrase_fd: int | None,
    rsh: str | None = None,
    accept_unknown_repository: bool = False,
    confirm_repository_delete: bool = False,
) -> dict[str, str]:
    """Environment for one borg run.

    ``passphrase_fd`` is normally left ``None``: ``run_borg`` creates the pipe and sets
    ``BORG_PASSPHRASE_FD`` itself. ``accept_unknown_repository`` is for importing a repository
    this installation has never seen (unencrypted or moved); every other run refuses those.
    """
    env = {
        name: value
        for name, value in base.items()
        if (not name.startswith("BORG_") or name in INHERITED_BORG_VARIABLES) and name not in _DROPPED
    }
    trust = "yes" if accept_unknown_repository else "no"
    env.update(
        {
            # Cache, security and keys folders under the executor's data folder: they are ours.
            "BORG_BASE_DIR": str(base_dir),
            "BORG_RELOCATED_REPO_ACCESS_IS_OK": trust,
            "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": trust,
            "BORG_CHECK_I_KNOW_WHAT_I_AM_DOING": "NO",
            "BORG_DELETE_I_KNOW_WHAT_I_AM_DOING": "YES" if confirm_repository_delete else "NO",
            # Borg 1.4 would otherwise use its detailed exit codes; we classify by msgid instead.
            "BORG_EXIT_CODES": "legacy",
            "BORG_DISPLAY_PASSPHRASE": "no",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        }
    )
    if passphrase_fd is not None:
        env["BORG_PASSPHRASE_FD"] = str(passphrase_fd)
    if rsh is not None:
        env["BORG_RSH"] = rsh
    return env
