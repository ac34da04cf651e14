"""Who holds a local repository's lock, and whether that holder is a dead process of this host.

Borg 1.2/1.4 keep an exclusive lock as the folder ``lock.exclusive/`` holding one file named
``<host-id>.<pid>-<thread>`` and list every holder in the JSON file ``lock.roster``
(``{"exclusive": [[host, pid, thread]], "shared": [...]}``). The host id is
``<fqdn>@<uuid.getnode()>`` unless ``BORG_HOST_ID`` is set.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from libs.contracts.executor import LockHolder
from services.executor.borg.break_lock import ROSTER_FILE, parse_lock_roster


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    kind: str


def parse_lock_name(name: str) -> tuple[str, int] | None:
    """``host.pid-thread`` (the file name inside ``lock.exclusive``) → (host, pid)."""
    try:
        host_pid, _thread = name.rsplit("-", 1)
        host, pid = host_pid.rsplit(".", 1)
        return host, int(pid)
    except ValueError:
        return None


def read_holders(repo: Path) -> list[Holder]:
    """Every holder named by the lock folder or the roster; empty when the repository is unlocked."""
    found: dict[tuple[str, int], Holder] = {}
    try:
        roster = parse_lock_roster((repo / ROSTER_FILE).read_bytes())
    except (OSError, ValueError):
        roster = []
    for holder in roster:
        kind = "exclusive" if holder.exclusive else "shared"
        found[(holder.host_id, holder.pid)] = Holder(holder.host_id, holder.pid, kind)
    try:
        names = os.listdir(repo / "lock.exclusive")
    except OSError:
        names = []
    for name in names:
        parsed = parse_lock_name(name)
        if parsed is not None:
            found.setdefault(parsed, Holder(parsed[0], parsed[1], "exclusive"))
    return list(found.values())


@lru_cache(maxsize=1)
def this_host_id() -> str:
    """The host id borg computes for this machine (its ``platform.base.hostid``)."""
    configured = os.environ.get("BORG_HOST_ID")
    if configured:
        return configured
    hostname = socket.gethostname()
    fqdn = hostname
    try:
        infos = socket.getaddrinfo(hostname, None, 0, socket.SOCK_DGRAM, 0, socket.AI_CANONNAME)
        for info in infos:
            if info[3] and "." in info[3]:
                fqdn = info[3]
                break
    except OSError:
        pass
    return f"{fqdn}@{uuid.getnode()}"


def on_this_host(host: str) -> bool:
    # The MAC-derived part after "@" is what tells hosts apart; the name part may differ in its
    # domain suffix between borg's lookup and ours.
    ours = this_host_id()
    return host == ours or (host.rsplit("@", 1)[-1] == ours.rsplit("@", 1)[-1] and host.split(".")[0] == ours.split(".")[0])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (killed, not yet reaped: common when its parent died too) holds nothing any more.
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in (b"Z", b"X")


def describe(holders: list[Holder]) -> list[LockHolder]:
    described = []
    for h in holders:
        local = on_this_host(h.host)
        described.append(
            LockHolder(host=h.host, pid=h.pid, kind=h.kind, this_host=local, alive=pid_alive(h.pid) if local else None)  # type: ignore[arg-type]
        )
    return described


def stale_on_this_host(holders: list[Holder]) -> bool:
    """True when every holder is a process of this host that no longer runs: only then is breaking
    the lock safe without asking anyone."""
    return bool(holders) and all(on_this_host(h.host) and not pid_alive(h.pid) for h in holders)
