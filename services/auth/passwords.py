"""Argon2id hashing off the event loop, so sign-ins run in parallel and never stall other requests."""

from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")

# OWASP's first Argon2id choice (19 MiB, 2 passes, 1 lane): about 10 ms a hash on these machines,
# which keeps sign-ins far above 20/s on 2 cores. Hashes made with other parameters still verify
# and are re-hashed with these at the next successful sign-in.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the user does not exist, so an unknown name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("no such user: constant-time decoy")


# Hashing is the one CPU-heavy thing on the request path. At a lower priority it takes only the CPU
# the gateway, NATS and the other services leave, so a burst of sign-ins does not slow other requests.
HASHING_NICENESS = 10


def _lower_priority() -> None:
    """Runs once in each hashing thread; Linux schedules threads by their own nice value."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)
    except (AttributeError, OSError):
        pass


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


class Passwords:
    """Hashes in its own worker threads (Argon2 releases the GIL), one per core: sign-ins run in
    parallel, the event loop never waits on a hash, and a burst cannot take more memory than one
    hash per core. Its own pool, so the lowered priority stays with hashing."""

    def __init__(self, parallel: int | None = None) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=parallel or os.cpu_count() or 2, thread_name_prefix="argon2", initializer=_lower_priority
        )

    async def _run(self, fn: Callable[..., T], *args: str) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def hash(self, password: str) -> str:
        return await self._run(HASHER.hash, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        matched = await self._run(_verify, stored or _DUMMY_HASH, password)
        return matched and stored is not None

    @staticmethod
    def needs_rehash(stored: str) -> bool:
        return HASHER.check_needs_rehash(stored)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
