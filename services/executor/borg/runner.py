"""Run one borg process: passphrase through a pipe, stderr streamed as typed records, cancellable."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import msgspec

from libs.process import die_with_parent
from services.executor.borg.errors import BorgFailure, classify
from services.executor.borg.events import BorgOutput, LogRecord, parse

log = logging.getLogger(__name__)

RunStatus = Literal["succeeded", "warning", "failed", "cancelled"]

STDOUT_LIMIT = 256 * 1024 * 1024
_READ_CHUNK = 64 * 1024
# A longer stderr "line" (a runaway traceback) is cut into pieces rather than held whole.
_MAX_LINE = 1024 * 1024
_KEPT_ERRORS = 20
_KEPT_WARNINGS = 100
_KEPT_RECORDS = 200
_MESSAGE_CAP = 4000
# Linux pipes hold 64 KiB; the passphrase is written before borg starts, so it must fit.
_MAX_PASSPHRASE = 60 * 1024
# Secrets reach borg only through the pipe; these would put them in the process environment.
_FORBIDDEN_ENV = ("BORG_PASSPHRASE", "BORG_PASSCOMMAND", "BORG_NEW_PASSPHRASE")


class BorgRun(msgspec.Struct, frozen=True, kw_only=True):
    returncode: int
    status: RunStatus
    stdout: bytes
    error_lines: list[str]  # the last ERROR/CRITICAL messages, oldest first
    failure: BorgFailure | None  # set when status is "failed"
    pid: int | None
    duration: float
    warning_lines: list[str] = []  # the last WARNING messages (unreadable or vanished files, ...)
    stdout_truncated: bool = False


async def run_borg(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    passphrase: str | None = None,
    on_event: Callable[[BorgOutput], None] | None = None,
    cancel: asyncio.Event | None = None,
    log_sink: Callable[[bytes], None] | None = None,
    stdout_limit: int = STDOUT_LIMIT,
    cancel_grace: float = 10.0,
    term_grace: float = 5.0,
) -> BorgRun:
    """Run borg to the end (or until *cancel* is set) and report how it went.

    *on_event* gets every parsed stderr line, *log_sink* every raw stderr line (for the job log);
    stdout (the ``--json`` result, a key export) goes only into the result, never to the log.
    On cancel borg gets SIGINT (it rolls back and releases the lock), SIGTERM after *cancel_grace*
    seconds, and SIGKILL after *term_grace* more.
    """
    for name in _FORBIDDEN_ENV:
        if name in env:
            raise ValueError(f"{name} must not be in borg's environment; pass the passphrase to run_borg")
    child_env = {name: value for name, value in env.items() if name != "BORG_PASSPHRASE_FD"}
    pass_fds: tuple[int, ...] = ()
    if passphrase is not None:
        read_end = _passphrase_pipe(passphrase)
        child_env["BORG_PASSPHRASE_FD"] = str(read_end)
        pass_fds = (read_end,)

    started = time.monotonic()
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_env,
            pass_fds=pass_fds,
            # No controlling terminal: a passphrase prompt reads the empty stdin and fails instead of
            # hanging; and signals from our own terminal or process group don't reach borg.
            start_new_session=True,
            # If the executor dies, borg is interrupted as by a cancel and releases its lock.
            preexec_fn=die_with_parent(signal.SIGINT),
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        message = f"borg is not installed or not executable: {argv[0]} ({exc.strerror})"
        return BorgRun(
            returncode=127,
            status="failed",
            stdout=b"",
            error_lines=[message],
            failure=BorgFailure("unavailable", message),
            pid=None,
            duration=time.monotonic() - started,
        )
    finally:
        for fd in pass_fds:
            os.close(fd)

    collector = _StderrCollector(on_event, log_sink)
    stdout = _StdoutCollector(stdout_limit)
    readers = [
        asyncio.create_task(collector.read(process.stderr)),
        asyncio.create_task(stdout.read(process.stdout)),
    ]
    interrupted: list[bool] = []  # set by the stopper once it has signalled borg
    stopper = (
        asyncio.create_task(_stop_on_cancel(process, cancel, cancel_grace, term_grace, interrupted))
        if cancel is not None
        else None
    )
    try:
        returncode = await process.wait()
        # A grandchild (ssh) may hold the pipes open after borg is gone; don't wait for it forever.
        await asyncio.wait(readers, timeout=5.0)
    except asyncio.CancelledError:
        await _terminate(process, term_grace)
        raise
    finally:
        for task in (*readers, *([stopper] if stopper else [])):
            task.cancel()
        await asyncio.gather(*readers, *([stopper] if stopper else []), return_exceptions=True)

    status = _status(returncode, bool(interrupted))
    return BorgRun(
        returncode=returncode,
        status=status,
        stdout=stdout.data(),
        error_lines=list(collector.errors),
        failure=classify(returncode, collector.records) if status == "failed" else None,
        pid=process.pid,
        duration=time.monotonic() - started,
        warning_lines=list(collector.warnings),
        stdout_truncated=stdout.truncated,
    )


def _status(returncode: int, cancelled: bool) -> RunStatus:
    if cancelled:
        return "cancelled"
    if returncode == 0:
        return "succeeded"
    if returncode == 1:
        return "warning"
    return "failed"


def _passphrase_pipe(passphrase: str) -> int:
    data = passphrase.encode("utf-8")
    if len(data) > _MAX_PASSPHRASE:
        raise ValueError("passphrase is too long")
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, data)
    finally:
        # Closed before borg starts: borg reads to end-of-file and the secret is gone from the pipe.
        os.close(write_end)
    return read_end


async def _stop_on_cancel(
    process: asyncio.subprocess.Process,
    cancel: asyncio.Event,
    grace: float,
    term_grace: float,
    interrupted: list[bool],
) -> None:
    await cancel.wait()
    if process.returncode is not None:
        return  # borg finished first: the run keeps its own outcome
    interrupted.append(True)
    # SIGINT only to borg itself: borg shields its ssh child from it to finish cleanly over it.
    _signal(process, signal.SIGINT)
    if await _exited_within(process, grace):
        return
    await _terminate(process, term_grace)


async def _terminate(process: asyncio.subprocess.Process, term_grace: float) -> None:
    if process.returncode is not None:
        return
    _signal(process, signal.SIGTERM)
    if not await _exited_within(process, term_grace):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # borg and anything it started
        await process.wait()


def _signal(process: asyncio.subprocess.Process, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signum)


async def _exited_within(process: asyncio.subprocess.Process, seconds: float) -> bool:
    try:
        await asyncio.wait_for(asyncio.shield(process.wait()), seconds)
    except TimeoutError:
        return False
    return True


class _StderrCollector:
    """Splits stderr into lines, hands them on, and keeps what a failure report needs."""

    def __init__(self, on_event: Callable[[BorgOutput], None] | None, log_sink: Callable[[bytes], None] | None):
        self._on_event = on_event
        self._log_sink = log_sink
        self.records: deque[LogRecord] = deque(maxlen=_KEPT_RECORDS)
        self.errors: deque[str] = deque(maxlen=_KEPT_ERRORS)
        self.warnings: deque[str] = deque(maxlen=_KEPT_WARNINGS)

    async def read(self, stream: asyncio.StreamReader | None) -> None:
        if stream is None:
            return
        pending = b""
        while chunk := await stream.read(_READ_CHUNK):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self._line(line + b"\n")
            while len(pending) > _MAX_LINE:
                self._line(pending[:_MAX_LINE] + b"\n")
                pending = pending[_MAX_LINE:]
        if pending:
            self._line(pending + b"\n")

    def _line(self, raw: bytes) -> None:
        if self._log_sink is not None:
            _call_safely(self._log_sink, raw)
        if not raw.strip():
            return
        output = parse(raw)
        if isinstance(output, LogRecord):
            self.records.append(output)
            message = output.message[:_MESSAGE_CAP]
            if output.level in ("ERROR", "CRITICAL"):
                self.errors.append(message)
            elif output.level == "WARNING":
                self.warnings.append(message)
        if self._on_event is not None:
            _call_safely(self._on_event, output)


class _StdoutCollector:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0
        self.truncated = False

    async def read(self, stream: asyncio.StreamReader | None) -> None:
        if stream is None:
            return
        # Keep reading past the limit: a full pipe would stall borg.
        while chunk := await stream.read(_READ_CHUNK):
            room = self._limit - self._size
            if room <= 0:
                self.truncated = True
                continue
            if len(chunk) > room:
                chunk = chunk[:room]
                self.truncated = True
            self._chunks.append(chunk)
            self._size += len(chunk)

    def data(self) -> bytes:
        return b"".join(self._chunks)


def _call_safely(callback: Callable, value: object) -> None:
    # A broken listener must not stop us draining borg's output, or borg would block on a full pipe.
    try:
        callback(value)
    except Exception:
        log.exception("borg output listener failed")
