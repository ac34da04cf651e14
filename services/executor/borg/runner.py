"""Run one borg process: passphrase through a pipe, stderr streamed as typed records, cancellable."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
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


def refused(message: str, duration: float = 0.0) -> BorgRun:
    """A run that never started: borg is missing or cannot be used."""
    return BorgRun(
        returncode=127,
        status="failed",
        stdout=b"",
        error_lines=[message],
        failure=BorgFailure("unavailable", message),
        pid=None,
        duration=duration,
    )


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
    cwd: str | None = None,
) -> BorgRun:
    """Run borg to the end (or until *cancel* is set) and report how it went.

    *on_event* gets every parsed stderr line, *log_sink* every raw stderr line (for the job log);
    stdout (the ``--json`` result, a key export) goes only into the result, never to the log.
    On cancel borg gets SIGINT (it rolls back and releases the lock), SIGTERM after *cancel_grace*
    seconds, and SIGKILL after *term_grace* more.
    """
    started = time.monotonic()
    process = await _spawn(argv, env, passphrase, cwd)
    if isinstance(process, BorgRun):
        return process
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

    return _result(process, returncode, bool(interrupted), collector, started, stdout.data(), stdout.truncated)


def _result(
    process: asyncio.subprocess.Process,
    returncode: int,
    interrupted: bool,
    collector: _StderrCollector,
    started: float,
    stdout: bytes = b"",
    truncated: bool = False,
) -> BorgRun:
    status = _status(returncode, interrupted)
    return BorgRun(
        returncode=returncode,
        status=status,
        stdout=stdout,
        error_lines=list(collector.errors),
        failure=classify(returncode, collector.records) if status == "failed" else None,
        pid=process.pid,
        duration=time.monotonic() - started,
        warning_lines=list(collector.warnings),
        stdout_truncated=truncated,
    )


async def _spawn(
    argv: Sequence[str], env: Mapping[str, str], passphrase: str | None, cwd: str | None = None
) -> asyncio.subprocess.Process | BorgRun:
    """Start borg (in ``cwd``, where extract writes) with the passphrase in a pipe; a failed run
    when the binary is missing."""
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
        return await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_env,
            pass_fds=pass_fds,
            cwd=cwd,
            # No controlling terminal: a passphrase prompt reads the empty stdin and fails instead of
            # hanging; and signals from our own terminal or process group don't reach borg.
            start_new_session=True,
            # If the executor dies, borg is interrupted as by a cancel and releases its lock.
            preexec_fn=die_with_parent(signal.SIGINT),
        )
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        return refused(f"borg is not installed or not executable: {argv[0]} ({exc.strerror})", time.monotonic() - started)
    finally:
        for fd in pass_fds:
            os.close(fd)


_F_SETPIPE_SZ = 1031  # Linux fcntl
_STREAM_PIPE = 1024 * 1024


def _widen_pipe(process: asyncio.subprocess.Process) -> None:
    """A 1 MiB stdout pipe instead of 64 KiB: borg keeps writing while our reader waits for its
    turn (the GIL, a batch being stored) instead of stalling on a full pipe."""
    transport = process._transport.get_pipe_transport(1) if process._transport else None  # type: ignore[attr-defined]
    pipe = transport.get_extra_info("pipe") if transport is not None else None
    if pipe is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), _F_SETPIPE_SZ, _STREAM_PIPE)


class BorgStream:
    """A running borg whose stdout the caller consumes as it comes (``lines`` or ``read``), then
    ``finish`` for the outcome. Leaving ``stream_borg`` early stops borg."""

    def __init__(self, process: asyncio.subprocess.Process | BorgRun, collector: _StderrCollector, started: float) -> None:
        self._process = process
        self._collector = collector
        self._started = started
        self._interrupted: list[bool] = []
        self._stderr: asyncio.Task | None = None
        self._stopper: asyncio.Task | None = None

    async def read(self, size: int = _READ_CHUNK) -> bytes:
        """Up to ``size`` bytes of stdout; ``b""`` at its end."""
        if isinstance(self._process, BorgRun) or self._process.stdout is None:
            return b""
        return await self._process.stdout.read(size)

    async def lines(self) -> AsyncIterator[bytes]:
        """Each stdout line without its newline (``--json-lines`` output)."""
        pending = b""
        while chunk := await self.read(_READ_CHUNK):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line
        if pending:
            yield pending

    async def line_blocks(self, size: int = _READ_CHUNK) -> AsyncIterator[bytes]:
        """Stdout in blocks of whole lines (each ends where a read's last line ended): for a
        consumer of millions of lines that splits them itself, without a step per line here."""
        pending = b""
        while chunk := await self.read(size):
            cut = chunk.rfind(b"\n")
            if cut < 0:
                pending += chunk
                continue
            yield pending + chunk[:cut]
            pending = chunk[cut + 1 :]
        if pending:
            yield pending

    async def finish(self) -> BorgRun:
        """Wait for borg to end (read stdout to its end first, or borg blocks on the pipe)."""
        process = self._process
        if isinstance(process, BorgRun):
            return process
        returncode = await process.wait()
        await self._stop_tasks()
        return _result(process, returncode, bool(self._interrupted), self._collector, self._started)

    def _start_tasks(self, cancel: asyncio.Event | None, cancel_grace: float, term_grace: float) -> None:
        process = self._process
        if isinstance(process, BorgRun):
            return
        self._stderr = asyncio.create_task(self._collector.read(process.stderr))
        if cancel is not None:
            self._stopper = asyncio.create_task(_stop_on_cancel(process, cancel, cancel_grace, term_grace, self._interrupted))

    async def _stop_tasks(self) -> None:
        if self._stderr is not None:
            await asyncio.wait([self._stderr], timeout=5.0)
        tasks = [t for t in (self._stderr, self._stopper) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _close(self, term_grace: float) -> None:
        process = self._process
        if not isinstance(process, BorgRun):
            # Unread output stays in the pipe and asyncio only sees borg's exit once every pipe is
            # at its end: discard what is left while borg is stopped.
            drain = asyncio.create_task(_StdoutCollector(0).read(process.stdout))
            try:
                await _terminate(process, term_grace)
            finally:
                drain.cancel()
                await asyncio.gather(drain, return_exceptions=True)
        await self._stop_tasks()


@contextlib.asynccontextmanager
async def stream_borg(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    passphrase: str | None = None,
    on_event: Callable[[BorgOutput], None] | None = None,
    cancel: asyncio.Event | None = None,
    log_sink: Callable[[bytes], None] | None = None,
    cancel_grace: float = 10.0,
    term_grace: float = 2.0,
    cwd: str | None = None,
) -> AsyncIterator[BorgStream]:
    """Run borg and hand its stdout to the caller as it comes (``borg list --json-lines``,
    ``borg extract --stdout``, ``borg export-tar -``), never holding it all.

    Stderr is handled as in ``run_borg``. Leaving the block while borg still runs (the client went
    away, an error) terminates it: SIGTERM, then SIGKILL after ``term_grace`` seconds."""
    started = time.monotonic()
    process = await _spawn(argv, env, passphrase, cwd)
    if not isinstance(process, BorgRun):
        _widen_pipe(process)
    stream = BorgStream(process, _StderrCollector(on_event, log_sink), started)
    stream._start_tasks(cancel, cancel_grace, term_grace)
    try:
        yield stream
    finally:
        await stream._close(term_grace)


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
