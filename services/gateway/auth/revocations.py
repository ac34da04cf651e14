"""Which sign-in tokens were ended: per user, the lowest session version still alive."""

from __future__ import annotations


class Revocations:
    """Filled from ``rpc.auth.sessions`` and kept current by ``evt.auth.sessions_ended``.

    Versions only grow, so merging a late full snapshot with a fresh event can never revive a token.
    """

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self.loaded = False

    def merge(self, versions: dict[str, int]) -> None:
        for username, version in versions.items():
            self.raise_to(username, version)
        self.loaded = True

    def raise_to(self, username: str, version: int) -> None:
        key = username.lower()  # user names are case-insensitive in the auth service
        if version > self._versions.get(key, 0):
            self._versions[key] = version

    def is_ended(self, username: str, token_version: int) -> bool:
        return token_version < self._versions.get(username.lower(), 0)
