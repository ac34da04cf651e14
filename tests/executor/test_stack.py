"""The whole system: HTTP routes, SSE, and an executor killed in the middle of a backup."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time

import aiohttp
import psutil
import pytest

from tests.executor.helpers import PASSPHRASE, make_tree

pytestmark = pytest.mark.borg


class SseReader:
    """Reads ``GET /api/events`` in the background, keeping every message and its id."""

    def __init__(self, url: str, token: str, last_event_id: str | None = None) -> None:
        self.url, self.token, self.last_event_id = url, token, last_event_id
        self.messages: list[tuple[str | None, dict]] = []
        self.comments: list[str] = []
        self.status: int | None = None
        self.task: asyncio.Task | None = None
        self.ready = asyncio.Event()

    async def _run(self) -> None:
        headers = {"Accept": "text/event-stream"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{self.url}/api/events", params={"access_token": self.token}, headers=headers) as resp:
                self.status = resp.status
                event_id = None
                async for raw in resp.content:
                    line = raw.decode().rstrip("\n")
                    if line.startswith(":"):
                        self.comments.append(line)
                        self.ready.set()
                    elif line.startswith("id: "):
                        event_id = line[4:]
                    elif line.startswith("data: "):
                        self.messages.append((event_id, json.loads(line[6:])))
                        event_id = None

    async def __aenter__(self) -> SseReader:
        self.task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.ready.wait(), 10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        with __import__("contextlib").suppress(asyncio.CancelledError):
            await self.task

    def of_job(self, job_id: str) -> list[tuple[str | None, dict]]:
        return [(i, m) for i, m in self.messages if m["body"].get("job_id") == job_id]


async def wait_http_job(session, job_id: str, statuses=("succeeded", "warning", "failed", "cancelled", "interrupted"), timeout=60.0) -> dict:
    deadline = time.monotonic() + timeout
    job = None
    while time.monotonic() < deadline:
        status, job = await session.call("GET", f"/api/jobs/{job_id}")
        if status == 200 and job["status"] in statuses:
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} stuck: {job}")


async def test_repositories_jobs_and_events_over_http(stack_factory, api, tmp_path):
    root = tmp_path / "files"
    src = make_tree(root / "src", files=300, size=8000)
    stack = await stack_factory(SOURCE_ROOTS=str(root), REPOSITORY_ROOTS=str(root))
    admin = await api(stack)
    operator = await api(stack, role="operator")
    viewer = await api(stack, role="viewer")
    body = {"name": "web", "location": str(root / "repo"), "passphrase": PASSPHRASE, "defaults": {"sources": [str(src)]}}
    status, _ = await viewer.call("POST", "/api/repositories", json=body)
    assert status == 403
    status, repo = await operator.call("POST", "/api/repositories", json=body)
    assert status == 201, repo
    assert repo["passphrase"] != PASSPHRASE and PASSPHRASE not in json.dumps(repo)
    status, err = await operator.call("POST", f"/api/repositories/{repo['id']}/backup", json={"options": {"sources": [str(root / "missing")]}})
    assert status == 400 and "does not exist" in err["error"]["message"]

    async with SseReader(stack.url, viewer.token) as sse:
        status, started = await operator.call("POST", f"/api/repositories/{repo['id']}/backup", json={})
        assert status == 202
        job = await wait_http_job(viewer, started["job_id"])
        await asyncio.sleep(0.3)
    assert job["status"] == "succeeded" and job["stats"]["files"] == 300
    subjects = [m["subject"] for _, m in sse.of_job(job["id"])]
    assert subjects[0] == "evt.job.queued" and subjects[-1] == "evt.job.finished"
    stored = [(i, m) for i, m in sse.of_job(job["id"]) if m["subject"].startswith("evt.")]
    assert all(i is not None and int(i) == m["seq"] for i, m in stored)
    assert "live.job." + job["id"] in subjects or len(subjects) >= 3

    # Resuming after the first stored event replays the rest of them.
    first_id = stored[0][0]
    async with SseReader(stack.url, viewer.token, last_event_id=first_id) as replay:
        deadline = time.monotonic() + 5
        while len([m for _, m in replay.of_job(job["id"]) if m["subject"].startswith("evt.job.")]) < 2:
            assert time.monotonic() < deadline, replay.messages
            await asyncio.sleep(0.05)
    assert [m["subject"] for _, m in replay.of_job(job["id"])][:2] == ["evt.job.started", "evt.job.finished"]

    status, page = await viewer.call("GET", f"/api/jobs?repository_id={repo['id']}&kind=backup&status=succeeded")
    assert status == 200 and [j["id"] for j in page["items"]] == [job["id"]]
    status, err = await viewer.call("GET", "/api/jobs?status=bogus")
    assert status == 400
    status, chunk = await viewer.call("GET", f"/api/jobs/{job['id']}/log?offset=0")
    assert status == 200 and chunk["complete"] and "succeeded" in chunk["text"]
    async with viewer.get(f"/api/jobs/{job['id']}/log?download=1") as resp:
        assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
        assert (await resp.text()) == chunk["text"]
    status, _ = await viewer.call("POST", f"/api/jobs/{job['id']}/cancel")
    assert status == 403
    status, _ = await operator.call("POST", f"/api/jobs/{job['id']}/cancel")
    assert status == 409

    async with operator.get(f"/api/repositories/{repo['id']}/key") as resp:
        assert resp.status == 403
    async with admin.get(f"/api/repositories/{repo['id']}/key?format=paper") as resp:
        assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    status, info = await viewer.call("GET", f"/api/repositories/{repo['id']}")
    assert info["stats"]["archive_count"] == 1
    status, _ = await operator.call("POST", f"/api/repositories/{repo['id']}/delete-data", json={"confirm_name": "web"})
    assert status == 403
    status, err = await admin.call("POST", f"/api/repositories/{repo['id']}/delete-data", json={"confirm_name": "Web"})
    assert status == 400 and (root / "repo" / "config").exists()
    spec = (await admin.call("GET", "/api/openapi.json"))[1]
    assert spec["paths"]["/api/repositories/{id}/key"]["get"]["x-access"] == "admin"
    assert spec["paths"]["/api/repositories/{id}/backup"]["post"]["x-access"] == "operator"
    # Nothing the stack logged holds the passphrase.
    logs = stack.log() + "".join(p.read_text(errors="replace") for p in (stack.data_dir / "logs").glob("*.log"))
    assert PASSPHRASE not in logs


def _borg_children(pid: int) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "ppid"]):
        try:
            if proc.info["ppid"] == pid and proc.info["cmdline"] and "create" in proc.info["cmdline"]:
                found.append(proc)
        except psutil.Error:
            continue
    return found


@pytest.mark.parametrize("borg_dies_too", [True, False], ids=["machine-crash", "executor-only"])
async def test_executor_killed_mid_backup(stack_factory, api, tmp_path, borg_dies_too):
    root = tmp_path / "files"
    src = root / "src"
    src.mkdir(parents=True)
    for i in range(8):
        (src / f"part{i}").write_bytes(os.urandom(4 * 1024 * 1024))
    stack = await stack_factory(SOURCE_ROOTS=str(root), REPOSITORY_ROOTS=str(root))
    operator = await api(stack, role="operator")
    status, repo = await operator.call(
        "POST", "/api/repositories", json={"name": "r", "location": str(root / "repo"), "passphrase": PASSPHRASE}
    )
    assert status == 201, repo
    options = {"sources": [str(src)], "compression": "lzma,9"}
    status, started = await operator.call("POST", f"/api/repositories/{repo['id']}/backup", json={"options": options})
    job_id = started["job_id"]
    await wait_http_job(operator, job_id, ("running",))
    executor_pid = stack.service_pids()["executor"]
    deadline = time.monotonic() + 15
    while not (children := _borg_children(executor_pid)):
        assert time.monotonic() < deadline, "borg never started"
        await asyncio.sleep(0.05)
    while not (root / "repo" / "lock.roster").exists():
        assert time.monotonic() < deadline, "borg never locked the repository"
        await asyncio.sleep(0.05)
    if borg_dies_too:
        # The machine's view of a crash: the executor and its borg die at once, leaving the lock behind.
        for proc in [psutil.Process(executor_pid), *children]:
            proc.send_signal(signal.SIGKILL)
    else:
        # Only the executor dies: its borg must not outlive it (its broken pipes or the parent-death
        # signal end it), and the lock must not stay behind.
        psutil.Process(executor_pid).send_signal(signal.SIGKILL)
        _, alive = psutil.wait_procs(children, timeout=15)
        assert not alive, "borg outlived the executor"
    job = await wait_http_job(operator, job_id, ("interrupted",), timeout=30)
    assert job["error"]
    if borg_dies_too:
        status, chunk = await operator.call("GET", f"/api/jobs/{job_id}/log")
        assert "broke the stale lock" in chunk["text"], chunk["text"][-2000:]
    assert not (root / "repo" / "lock.roster").exists()
    check = subprocess.run(
        ["borg", "check", str(root / "repo")],
        env={"BORG_PASSPHRASE": PASSPHRASE, "BORG_BASE_DIR": str(tmp_path / "probe"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    status, again = await operator.call("POST", f"/api/repositories/{repo['id']}/backup", json={"options": {"sources": [str(src)]}})
    assert (await wait_http_job(operator, again["job_id"], timeout=90))["status"] == "succeeded"
