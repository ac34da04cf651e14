"""A full backup through the API against plain ``borg create``, and progress latency to SSE.

    .venv/bin/python bench/backup_overhead.py [--files 2000] [--mb 242] [--rounds 3]
        [--compression lz4] [--borg borg] [--workdir DIR]

It writes ``--mb`` MB of random data in ``--files`` files (the "small" set of the targets: 2,000
files, 242 MB), starts ``python -m borgui run`` on a free port with an empty DATA_DIR, and then,
for each round, backs the same folder up twice, alternating which goes first:

* plain: ``borg init`` of a fresh repository (not timed), then ``borg create --compression=…
  repo::name src`` timed from process start to exit;
* API: ``POST /api/repositories`` of a fresh repository (not timed), then timed from sending
  ``POST /api/repositories/{id}/backup`` to receiving the job's ``evt.job.finished`` on an already
  open ``GET /api/events`` stream. The finished event must carry the archive's stats.

Both use a fresh repository every round, with the same encryption (repokey-blake2) and compression,
so each is a first full backup with empty caches: like is compared with like. The ratio is
API / plain per round; the median is reported.

Progress latency, borg's line to the SSE client: every borg ``archive_progress`` line carries
borg's own ``time`` (wall clock, written when borg emits the line), and the job log keeps every
line. Each ``live.job.<id>`` message the SSE reader receives carries the files and original size
of the newest line the executor had read; the script finds that line in the job's log (the latest
line with the same ``nfiles`` and ``original_size`` that precedes the receipt) and takes
receipt wall time − borg's ``time``. The whole path is in it: borg's stderr pipe, parsing, the
twice-a-second throttle, NATS, the gateway and SSE. Everything runs on one machine, one clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
PASSPHRASE = "bench passphrase that is long enough 42"
TARGET_RATIO = 1.05
TARGET_P95_MS = 250.0
PEER_RATIO = 1.12


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_data(root: Path, files: int, total_mb: int) -> int:
    """Unique random content (nothing deduplicates), spread over 20 folders; returns bytes written."""
    size = total_mb * 1_000_000 // files
    written = 0
    for i in range(files):
        folder = root / f"d{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:05d}.bin").write_bytes(os.urandom(size))
        written += size
    return written


@dataclass
class Sse:
    """An open ``GET /api/events``: finished events by job id and live samples with receipt times."""

    finished: dict[str, tuple[float, dict]] = field(default_factory=dict)
    live: dict[str, list[tuple[float, dict]]] = field(default_factory=dict)
    waiters: dict[str, asyncio.Future] = field(default_factory=dict)

    def on_message(self, received: float, message: dict) -> None:
        subject, body = message["subject"], message["body"]
        if subject.startswith("live.job."):
            self.live.setdefault(body["job_id"], []).append((received, body))
        elif subject == "evt.job.finished":
            self.finished[body["job_id"]] = (received, body)
            waiter = self.waiters.pop(body["job_id"], None)
            if waiter and not waiter.done():
                waiter.set_result(None)

    async def run(self, session: aiohttp.ClientSession, url: str, token: str, ready: asyncio.Event) -> None:
        headers = {"Accept": "text/event-stream"}
        async with session.get(f"{url}/api/events", params={"access_token": token}, headers=headers, timeout=aiohttp.ClientTimeout(total=None)) as resp:
            resp.raise_for_status()
            async for raw in resp.content:
                line = raw.decode().rstrip("\n")
                if line.startswith(":"):
                    ready.set()
                elif line.startswith("data: "):
                    self.on_message(time.time(), json.loads(line[6:]))

    async def wait_finished(self, job_id: str, timeout: float) -> tuple[float, dict]:
        if job_id not in self.finished:
            future = asyncio.get_running_loop().create_future()
            self.waiters[job_id] = future
            await asyncio.wait_for(future, timeout)
        return self.finished[job_id]


def borg_lines(log_text: str) -> list[tuple[float, int, int]]:
    """(time, nfiles, original_size) of every archive_progress line in a job log."""
    lines = []
    for line in log_text.splitlines():
        if '"archive_progress"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("type") == "archive_progress" and not record.get("finished") and "time" in record:
            lines.append((float(record["time"]), int(record.get("nfiles", 0)), int(record.get("original_size", 0))))
    return lines


def latencies(samples: list[tuple[float, dict]], lines: list[tuple[float, int, int]]) -> list[float]:
    """Seconds from the borg line each sample shows to the sample's receipt (see the module doc)."""
    result = []
    for received, body in samples:
        if not body.get("files") and not body.get("original_size"):
            continue  # the empty first sample names no particular line
        match = [t for t, files, size in lines if files == body["files"] and size == body["original_size"] and t <= received]
        if match:
            result.append(received - max(match))
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class System:
    def __init__(self, workdir: Path, borg: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = workdir / "data"
        env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "PORT", "DATA_DIR")}
        env.update(
            DATA_DIR=str(self.data_dir), PORT=str(self.port), LOG_LEVEL="WARNING", BORG_BINARY=borg,
            SOURCE_ROOTS=str(workdir), REPOSITORY_ROOTS=str(workdir),
        )
        self.log = open(workdir / "system.log", "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "borgui", "run"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    async def wait_healthy(self, session: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                async with session.get(f"{self.url}/api/health") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError("the system did not become healthy; see system.log")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


async def sign_in(session: aiohttp.ClientSession, url: str) -> str:
    async def login(password: str) -> dict:
        async with session.post(f"{url}/api/auth/login", json={"username": "admin", "password": password}) as resp:
            resp.raise_for_status()
            return await resp.json()

    first = await login("admin123")
    headers = {"Authorization": f"Bearer {first['access_token']}"}
    body = {"current_password": "admin123", "new_password": PASSWORD}
    async with session.post(f"{url}/api/auth/change-password", json=body, headers=headers) as resp:
        resp.raise_for_status()
    return (await login(PASSWORD))["access_token"]


def plain_backup(borg: str, repo: Path, src: Path, compression: str, base_dir: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BORG_")}
    env.update(BORG_PASSPHRASE=PASSPHRASE, BORG_BASE_DIR=str(base_dir))
    subprocess.run([borg, "init", "--encryption=repokey-blake2", str(repo)], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([borg, "create", f"--compression={compression}", f"{repo}::plain", str(src)], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


async def api_backup(session: aiohttp.ClientSession, url: str, headers: dict, sse: Sse, repo: Path, src: Path, compression: str) -> tuple[float, str, dict]:
    body = {"name": repo.name, "location": str(repo), "encryption": "repokey-blake2", "passphrase": PASSPHRASE}
    async with session.post(f"{url}/api/repositories", json=body, headers=headers) as resp:
        if resp.status != 201:
            raise RuntimeError(f"creating the repository failed: {resp.status} {await resp.text()}")
        repository = await resp.json()
    options = {"options": {"sources": [str(src)], "compression": compression, "archive_name_template": "api"}}
    started = time.time()
    async with session.post(f"{url}/api/repositories/{repository['id']}/backup", json=options, headers=headers) as resp:
        if resp.status != 202:
            raise RuntimeError(f"starting the backup failed: {resp.status} {await resp.text()}")
        job_id = (await resp.json())["job_id"]
    received, event = await sse.wait_finished(job_id, timeout=1800)
    if event["status"] != "succeeded":
        raise RuntimeError(f"the API backup ended {event['status']}: {event.get('error')}")
    return received - started, job_id, event


async def job_log(session: aiohttp.ClientSession, url: str, headers: dict, job_id: str) -> str:
    async with session.get(f"{url}/api/jobs/{job_id}/log", params={"download": "1"}, headers=headers) as resp:
        resp.raise_for_status()
        return await resp.text()


async def bench(args: argparse.Namespace, workdir: Path) -> None:
    borg = shutil.which(args.borg) or args.borg
    version = subprocess.run([borg, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    src = workdir / "src"
    started = time.perf_counter()
    written = make_data(src, args.files, args.mb)
    print(f"data: {args.files} files, {written / 1e6:.0f} MB written in {time.perf_counter() - started:.1f} s", flush=True)

    system = System(workdir, borg)
    try:
        async with aiohttp.ClientSession() as session:
            await system.wait_healthy(session)
            token = await sign_in(session, system.url)
            headers = {"Authorization": f"Bearer {token}"}
            sse = Sse()
            ready = asyncio.Event()
            reader = asyncio.create_task(sse.run(session, system.url, token, ready))
            await asyncio.wait_for(ready.wait(), 10)
            rows = []
            all_latencies: list[float] = []
            for round_no in range(1, args.rounds + 1):
                plain_s = api_s = job_s = 0.0
                order = ("plain", "api") if round_no % 2 else ("api", "plain")
                for which in order:
                    if which == "plain":
                        plain_s = await asyncio.to_thread(
                            plain_backup, borg, workdir / f"plain{round_no}", src, args.compression, workdir / "plain-borg-base"
                        )
                    else:
                        api_s, job_id, event = await api_backup(session, system.url, headers, sse, workdir / f"api{round_no}", src, args.compression)
                        job_s = event.get("duration_seconds") or 0.0
                        stats = event.get("stats") or {}
                        if not stats.get("original_size"):
                            raise RuntimeError("the finished event carried no stats")
                        lines = borg_lines(await job_log(session, system.url, headers, job_id))
                        found = latencies(sse.live.get(job_id, []), lines)
                        all_latencies.extend(found)
                ratio = api_s / plain_s
                rows.append((round_no, order[0], plain_s, api_s, job_s, ratio))
                print(f"round {round_no} ({order[0]} first): plain {plain_s:.2f} s, API {api_s:.2f} s (job {job_s:.2f} s), ratio {ratio:.3f}", flush=True)
            reader.cancel()
    finally:
        system.stop()

    ratios = [row[5] for row in rows]
    print()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, {version}")
    print(f"set: {args.files} files, {written / 1e6:.0f} MB, compression {args.compression}, {args.rounds} rounds, fresh repositories")
    # "job" is the executor's own started-to-finished time: the rest of "through the API" is the
    # request, the command's trip through JetStream and the finished event's trip back.
    print("| round | first | plain `borg create` | through the API | of which the job | ratio |")
    print("|---|---|---|---|---|---|")
    for round_no, first, plain_s, api_s, job_s, ratio in rows:
        print(f"| {round_no} | {first} | {plain_s:.2f} s | {api_s:.2f} s | {job_s:.2f} s | {ratio:.3f}x |")
    print(f"median ratio {statistics.median(ratios):.3f}x (target <= {TARGET_RATIO}x; the peer {PEER_RATIO}x)")
    if all_latencies:
        ms = [value * 1000 for value in all_latencies]
        print(
            f"progress latency, borg line to SSE client: {len(ms)} samples, p50 {percentile(ms, 50):.0f} ms, "
            f"p95 {percentile(ms, 95):.0f} ms, max {max(ms):.0f} ms (target p95 < {TARGET_P95_MS:.0f} ms)"
        )
    else:
        print("progress latency: no live samples matched a borg line (backup too short?)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--mb", type=int, default=242)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compression", default="lz4")
    parser.add_argument("--borg", default="borg")
    parser.add_argument("--workdir", type=Path, help="where data and repositories go (default: a temporary folder, removed after)")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        asyncio.run(bench(args, args.workdir.resolve()))
        return
    with tempfile.TemporaryDirectory(prefix="borgui-bench-") as tmp:
        asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    main()
