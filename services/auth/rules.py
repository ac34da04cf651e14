"""What a user name and a new password must satisfy, and the failed-login window: pure functions."""

from __future__ import annotations

import re

USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MIN_PASSWORD_LENGTH = 8
# Argon2 takes any length, but a megabyte "password" is a cheap way to burn the service's CPU.
MAX_PASSWORD_LENGTH = 1024
FACTORY_PASSWORD = "admin123"

MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60


def username_problem(username: str) -> str | None:
    if USERNAME.fullmatch(username) is None:
        return "user names are 1-64 characters of letters, digits, '.', '_', '@' and '-'"
    return None


def password_problem(username: str, password: str) -> str | None:
    """The first rule a new password breaks, worded for the person choosing it; None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the new password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the new password must be at most {MAX_PASSWORD_LENGTH} characters long"
    if password.lower() == username.lower():
        return "the new password must not be the user name"
    if password == FACTORY_PASSWORD:
        return f"the new password must not be the factory password {FACTORY_PASSWORD}"
    return None


def retry_after(failure_times: list[float], now: float) -> int | None:
    """Seconds until another attempt is allowed, given the failure times of one (user, address)
    bucket; None while fewer than ``MAX_FAILURES`` fall inside the window."""
    recent = sorted(t for t in failure_times if now - t < FAILURE_WINDOW_SECONDS)
    if len(recent) < MAX_FAILURES:
        return None
    # The bucket opens again when enough of the oldest failures have left the window.
    opens_at = recent[-MAX_FAILURES] + FAILURE_WINDOW_SECONDS
    return max(1, int(opens_at - now + 0.999))


def printable(text: str, limit: int = 80) -> str:
    """``text`` safe for one log line: no control characters, bounded length."""
    cleaned = "".join(c if c.isprintable() and c != " " else "?" for c in text[:limit])
    return cleaned + ("…" if len(text) > limit else "")
