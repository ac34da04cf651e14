"""Pre- and post-backup commands: argument lists run without a shell, with a timeout."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

from libs.contracts.executor import HookCommand
from services.executor.jobs.log import JobLog


async def run_hook(hook: HookCommand, label: str, log: JobLog) -> tuple[bool, str]:
    """Run ``hook``; its output goes to the job log. Returns (succeeded, one-line outcome)."""
    log.line(f"[{label}] running {hook.argv!r}")
    try:
        proc = await asyncio.create_subprocess_exec(
            *hook.argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        outcome = f"{label} command could not start: {exc.strerror or exc}"
        log.line(f"[{label}] {outcome}")
        return False, outcome

    async def pump() -> None:
        assert proc.stdout is not None
        async for line in proc.stdout:
            log.write(f"[{label}] ".encode() + line)

    try:
        await asyncio.wait_for(asyncio.gather(pump(), proc.wait()), timeout=hook.timeout_seconds)
    except asyncio.TimeoutError:
        # The whole process group: a hook script's children must not outlive it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        outcome = f"{label} command timed out after {hook.timeout_seconds:g} s"
        log.line(f"[{label}] {outcome}")
        return False, outcome
    if proc.returncode != 0:
        outcome = f"{label} command failed with exit code {proc.returncode}"
        log.line(f"[{label}] {outcome}")
        return False, outcome
    log.line(f"[{label}] finished")
    return True, f"{label} command succeeded"
