"""One line of borg's ``--log-json`` stderr as a typed record: progress or a log message."""

from __future__ import annotations

from typing import Literal

import msgspec

ProgressKind = Literal["archive", "percent", "message"]
_KINDS: dict[str, ProgressKind] = {
    "archive_progress": "archive",
    "progress_percent": "percent",
    "progress_message": "message",
}


class ProgressEvent(msgspec.Struct, frozen=True, kw_only=True):
    """``archive_progress`` (create), ``progress_percent`` (check, compact, extract, ...) or
    ``progress_message`` (cache transactions and other steps without a measure).

    When ``finished`` is true borg sends no counters: the sizes and files are 0, not a reset.
    """

    kind: ProgressKind
    time: float
    finished: bool = False
    # archive progress
    files: int = 0
    original_size: int = 0
    compressed_size: int = 0
    deduplicated_size: int = 0
    path: str = ""
    # percent and message progress
    msgid: str = ""
    message: str = ""
    operation: int = 0
    current: int | None = None
    total: int | None = None

    @property
    def percent(self) -> float | None:
        if self.current is None or not self.total:
            return None
        return min(100.0, 100.0 * self.current / self.total)


class LogRecord(msgspec.Struct, frozen=True, kw_only=True):
    level: str = "INFO"  # DEBUG, INFO, WARNING, ERROR or CRITICAL
    message: str = ""
    name: str = ""  # borg's logger, e.g. "borg.archiver", "borg.output.list"
    msgid: str | None = None  # borg's error class for errors, e.g. "PassphraseWrong"
    time: float | None = None


BorgOutput = ProgressEvent | LogRecord


class _Line(msgspec.Struct):
    """Every field any borg JSON line may carry; missing ones take these defaults."""

    type: str = ""
    time: float | None = None
    finished: bool = False
    original_size: int = 0
    compressed_size: int = 0
    deduplicated_size: int = 0
    nfiles: int = 0
    path: str = ""
    message: str | None = None
    msgid: str | None = None
    operation: int = 0
    current: int | None = None
    total: int | None = None
    levelname: str = "INFO"
    name: str = ""
    status: str = ""


_decoder = msgspec.json.Decoder(_Line)


def parse(line: str | bytes) -> BorgOutput:
    """Parse one stderr line; anything that is not borg JSON becomes an INFO record holding the text."""
    text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
    text = text.rstrip("\r\n")
    raw = _decode(text)
    if raw is None:
        # A prompt written without a newline ("Enter passphrase for key ...: ") can precede a JSON record.
        start = text.find('{"')
        raw = _decode(text[start:]) if start > 0 else None
    if raw is None:
        return LogRecord(message=text)
    return _typed(raw, text)


def _decode(text: str) -> _Line | None:
    if not text.startswith("{"):
        return None
    try:
        return _decoder.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def _typed(raw: _Line, text: str) -> BorgOutput:
    kind = _KINDS.get(raw.type)
    if kind is not None:
        return ProgressEvent(
            kind=kind,
            time=raw.time or 0.0,
            finished=raw.finished,
            files=raw.nfiles,
            original_size=raw.original_size,
            compressed_size=raw.compressed_size,
            deduplicated_size=raw.deduplicated_size,
            path=raw.path,
            msgid=raw.msgid or "",
            message=raw.message or "",
            operation=raw.operation,
            current=raw.current,
            total=raw.total,
        )
    if raw.type == "log_message":
        return LogRecord(
            level=raw.levelname.upper(), message=raw.message or "", name=raw.name, msgid=raw.msgid, time=raw.time
        )
    if raw.type == "file_status":
        return LogRecord(message=f"{raw.status} {raw.path}", name="borg.output.list", time=raw.time)
    if raw.type.startswith("question_"):
        # Borg asked for confirmation; our environment answers, but the question belongs in the log.
        return LogRecord(level="WARNING", message=raw.message or raw.type, name=raw.type, msgid=raw.msgid, time=raw.time)
    return LogRecord(message=text, time=raw.time)
