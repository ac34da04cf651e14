"""Shared steps of the executor tests: files to back up, commands to send, jobs to wait for."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from libs.bus import Bus
from libs.contracts.base import new_id
from libs.contracts.jobs import COMMAND_TYPES, FINAL_STATUSES, Job

PASSPHRASE = "correct horse battery staple 7731"


def make_tree(root: Path, files: int = 50, size: int = 4096, folders: int = 5) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        folder = root / f"d{i % folders}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{i}.bin").write_bytes(os.urandom(size))
    return root


async def send(bus: Bus, kind: str, repository_id: str, **fields: Any) -> str:
    cmd = COMMAND_TYPES[kind](id=new_id(), repository_id=repository_id, actor="tester", **fields)
    await bus.send_command(f"cmd.executor.{kind}", cmd)
    return cmd.id


async def get_job(bus: Bus, job_id: str) -> Job:
    return await bus.request_as("rpc.executor.jobs.get", {"id": job_id}, Job)


async def wait_job(bus: Bus, job_id: str, statuses: frozenset[str] | set[str] = FINAL_STATUSES, timeout: float = 30.0) -> Job:
    deadline = time.monotonic() + timeout
    last: Job | None = None
    while time.monotonic() < deadline:
        try:
            last = await get_job(bus, job_id)
            if last.status in statuses:
                return last
        except Exception:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} did not reach {sorted(statuses)}; last: {last}")


async def create_repo(bus: Bus, location: Path, name: str = "main", encryption: str = "repokey-blake2", passphrase: str | None = PASSPHRASE, **extra: Any) -> dict:
    body = {"name": name, "location": str(location), "encryption": encryption, **extra}
    if passphrase is not None:
        body["passphrase"] = passphrase
    return await bus.request("rpc.executor.repositories.create", body, timeout=30)
