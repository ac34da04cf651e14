"""``borg break-lock``, and who holds a lock (read from a local repository's ``lock.roster``)."""

from __future__ import annotations

import msgspec

from services.executor.borg.common import END_OF_OPTIONS, common_flags, repository
from services.executor.borg.options import CommonOptions

ROSTER_FILE = "lock.roster"


class LockHolder(msgspec.Struct, frozen=True, kw_only=True):
    hostname: str
    host_id: str  # borg's "<hostname>@<node id>": tells two hosts with the same name apart
    pid: int
    thread: int
    exclusive: bool


def break_lock_args(binary: str, repo: str, *, common: CommonOptions | None = None) -> tuple[str, ...]:
    return (binary, "break-lock", *common_flags(common), END_OF_OPTIONS, repository(repo))


def parse_lock_roster(text: str | bytes) -> list[LockHolder]:
    """Read borg's roster: ``{"exclusive": [["host@id", pid, thread]], "shared": [...]}``."""
    try:
        roster = msgspec.json.decode(text, type=dict[str, list[tuple[str, int, int]]])
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"unreadable lock roster: {exc}") from None
    holders = []
    for kind in ("exclusive", "shared"):
        for host_id, pid, thread in roster.get(kind, ()):
            holders.append(
                LockHolder(
                    hostname=host_id.partition("@")[0],
                    host_id=host_id,
                    pid=pid,
                    thread=thread,
                    exclusive=kind == "exclusive",
                )
            )
    return holders
