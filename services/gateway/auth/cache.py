"""A small time-bounded cache of who a credential belongs to, forgettable per user."""

from __future__ import annotations

import time
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, str | None, V]] = {}

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            del self._entries[key]
            return None
        return entry[2]

    def put(self, key: str, owner: str | None, value: V) -> None:
        if len(self._entries) >= self.max_entries:
            # Oldest first: dicts keep insertion order.
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (time.monotonic() + self.ttl, owner.lower() if owner else None, value)

    def forget_owner(self, owner: str) -> None:
        owner = owner.lower()
        for key in [k for k, entry in self._entries.items() if entry[1] == owner]:
            del self._entries[key]
