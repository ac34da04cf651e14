"""Why a borg run failed, as one of the reply envelope's error codes and a message for people."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from services.executor.borg.events import LogRecord


class BorgFailure(msgspec.Struct, frozen=True):
    code: str  # an envelope code: invalid, not_found, conflict, locked, unavailable, forbidden, internal
    message: str


# Borg's error classes (the msgid of its ERROR records) that mean something the user can act on.
_BY_MSGID: dict[str, tuple[str, str | None]] = {
    "PassphraseWrong": ("invalid", "wrong passphrase"),
    "NoPassphraseFailure": ("invalid", "this repository needs a passphrase"),
    "PasscommandFailure": ("invalid", "the passphrase could not be obtained"),
    "PasswordRetriesExceeded": ("invalid", "wrong passphrase"),
    "LockTimeout": ("locked", None),
    "LockFailed": ("locked", None),
    "LockError": ("locked", None),
    "LockErrorT": ("locked", None),
    "NotLocked": ("locked", None),
    "NotMyLock": ("locked", None),
    "Repository.DoesNotExist": ("not_found", None),
    "Repository.InvalidRepository": ("not_found", None),
    "Repository.ParentPathDoesNotExist": ("not_found", None),
    "Archive.DoesNotExist": ("not_found", None),
    "KeyfileNotFoundError": ("not_found", "no key file for this repository; import its key first"),
    "KeyfileInvalidError": ("invalid", None),
    "KeyfileMismatchError": ("invalid", None),
    "Repository.AlreadyExists": ("conflict", None),
    "Repository.PathAlreadyExists": ("conflict", None),
    "Archive.AlreadyExists": ("conflict", None),
    "Cache.RepositoryAccessAborted": ("conflict", None),
    "Cache.EncryptionMethodMismatch": ("conflict", None),
    "Cache.RepositoryIDNotUnique": ("conflict", None),
    "Cache.RepositoryReplay": ("conflict", None),
    "PathNotAllowed": ("forbidden", None),
    "ConnectionClosed": ("unavailable", None),
    "ConnectionClosedWithHint": ("unavailable", None),
    "RemoteRepository.RPCServerOutdated": ("unavailable", None),
    "Repository.InsufficientFreeSpaceError": ("unavailable", None),
}
_DISK_FULL = ("[Errno 28]", "No space left on device")


def classify(returncode: int, records: Iterable[LogRecord]) -> BorgFailure:
    """Classify a failed run from borg's records (oldest first) and its exit code."""
    records = list(records)
    for record in reversed(records):
        known = _BY_MSGID.get(record.msgid or "")
        if known is not None:
            code, message = known
            return BorgFailure(code, message or summarize(record.message))
    errors = [record for record in records if record.level in ("ERROR", "CRITICAL")]
    last_error = _last_meaningful(errors)
    if any(marker in record.message for record in records for marker in _DISK_FULL):
        return BorgFailure("unavailable", f"disk full: {last_error or 'No space left on device'}")
    if last_error:
        return BorgFailure("internal", last_error)
    plain = [record.message for record in records if record.message.strip()]
    if plain:
        return BorgFailure("internal", summarize(plain[-1]))
    return BorgFailure("internal", f"borg exited with code {returncode}")


def summarize(message: str) -> str:
    """One line for a message; a traceback becomes its final exception line."""
    lines = [line.rstrip() for line in message.strip().splitlines()]
    if not lines:
        return ""
    if lines[0].startswith("Traceback"):
        # Borg appends a system summary ("Platform: ...") to a traceback; the exception line precedes it.
        end = next((i for i, line in enumerate(lines) if line.startswith("Platform:")), len(lines))
        for line in reversed(lines[:end]):
            if line and not line[0].isspace():
                return line
    return lines[0] if len(lines) == 1 else " ".join(line.strip() for line in lines if line.strip())[:500]


def _last_meaningful(errors: list[LogRecord]) -> str:
    # "Local Exception" is a header borg logs before the traceback that explains it.
    for record in reversed(errors):
        text = summarize(record.message)
        if text and text not in ("Local Exception", "Remote Exception"):
            return text
    return ""
