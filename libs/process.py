"""Child processes that cannot outlive the process that started them."""

from __future__ import annotations

import ctypes
import signal
from typing import Callable

_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` asking the kernel to send ``signum`` to the child when its parent dies, so a
    killed supervisor or executor leaves no orphan (an orphaned borg would keep its lock)."""

    def preexec() -> None:
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signum)
        except OSError:
            pass

    return preexec
