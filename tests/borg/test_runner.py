"""Runner mechanics that need a process misbehaving on purpose (borg itself always behaves)."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import psutil

from services.executor.borg.events import BorgOutput, LogRecord
from services.executor.borg.runner import run_borg

STUBBORN = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"


def children() -> list[psutil.Process]:
    """Our stubborn stand-ins still running (other fixtures of the session have children too)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "SIG_IGN" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


async def test_cancel_escalates_to_kill() -> None:
    cancel = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, cancel.set)
    started = time.monotonic()
    result = await run_borg([sys.executable, "-c", STUBBORN], dict(os.environ), cancel=cancel, cancel_grace=0.3, term_grace=0.3)
    assert result.status == "cancelled"
    assert result.returncode < 0  # killed by a signal
    assert time.monotonic() - started < 5
    assert result.stdout == b"ready\n"
    assert not children()


async def test_cancelling_the_caller_stops_the_process() -> None:
    task = asyncio.create_task(run_borg([sys.executable, "-c", STUBBORN], dict(os.environ), term_grace=0.3))
    await asyncio.sleep(0.5)
    assert children()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert not children()


async def test_long_lines_stdout_limit_and_listener_errors() -> None:
    script = (
        "import sys; sys.stderr.write('x' * 3_000_000 + '\\n'); sys.stderr.write('{\"type\": \"log_message\", "
        "\"levelname\": \"ERROR\", \"message\": \"boom\", \"msgid\": \"Error\"}'); sys.stdout.write('y' * 5000); sys.exit(2)"
    )
    seen: list[BorgOutput] = []

    def listener(output: BorgOutput) -> None:
        seen.append(output)
        raise RuntimeError("a broken listener must not stop the run")

    result = await run_borg([sys.executable, "-c", script], dict(os.environ), on_event=listener, stdout_limit=1000)
    assert result.status == "failed" and result.returncode == 2
    assert result.stdout == b"y" * 1000 and result.stdout_truncated
    assert [len(o.message) for o in seen[:3]] == [1024 * 1024, 1024 * 1024, 3_000_000 - 2 * 1024 * 1024]
    assert seen[-1] == LogRecord(level="ERROR", message="boom", msgid="Error")  # the last line had no newline
    assert result.error_lines == ["boom"]
    assert result.failure is not None and result.failure.message == "boom"
