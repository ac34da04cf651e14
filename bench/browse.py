"""Browse and search a 1,000,000-file archive through the executor's index.

    .venv/bin/python bench/browse.py [--files 1000000] [--workdir DIR [--keep] [--reuse]]

Writes a tree of tiny files (10 x 10 x 10 folders, files spread evenly, 90% empty and every tenth
holding a few unique bytes), makes two archives of it with plain borg (the second after changing
1% of the files), starts the whole system (``python -m borgui run``) on an empty DATA_DIR, imports
the repository and asks the executor over NATS, as the gateway does:

- index build time of each archive (request to index job done) as a ratio to plain
  ``borg list --json-lines`` of the same archive (aim <= 1.2x);
- the executor's extra resident memory while indexing (aim < 150 MB);
- p99 of other requests answered while an archive is being indexed (aim < 50 ms);
- p50/p95 of listing 200 random folders (aim: p95 < 50 ms);
- p95 of 50 searches across all archives (aim < 200 ms);
- index size on disk per million entries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from borgui.preflight import free_port
from libs.bus import connect

EXTS = ("txt", "jpg", "py", "log", "csv")


def leaf_folders() -> list[str]:
    return [f"dir{a}/sub{b}/leaf{c}" for a in range(10) for b in range(10) for c in range(10)]


def file_name(leaf: int, i: int) -> str:
    return f"f{leaf:03d}_{i:04d}.{EXTS[i % len(EXTS)]}"


def write_tree(src: Path, files: int) -> None:
    per_leaf = max(1, files // 1000)
    for n, leaf in enumerate(leaf_folders()):
        folder = src / leaf
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_leaf):
            fd = os.open(folder / file_name(n, i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            if i % 10 == 0:
                os.write(fd, f"{n}-{i}\n".encode())
            os.close(fd)


def change_tree(src: Path, files: int) -> None:
    per_leaf = max(1, files // 1000)
    for n, leaf in enumerate(leaf_folders()):
        for i in range(0, per_leaf, 100):
            (src / leaf / file_name(n, i)).write_bytes(b"changed " * 4)


def borg(env: dict[str, str], *args: str, stdout=subprocess.DEVNULL) -> float:
    started = time.monotonic()
    subprocess.run(["borg", *args], env=env, check=True, stdout=stdout)
    return time.monotonic() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def executor_process(supervisor: psutil.Process) -> psutil.Process:
    for child in supervisor.children():
        if "services.executor" in child.cmdline():
            return child
    raise RuntimeError("no executor process")


async def index_archive(bus, rid: str, archive: str, supervisor: psutil.Process) -> dict:
    """Open the archive (starting its index job), and measure until the index is ready."""
    executor = executor_process(supervisor)
    baseline = executor.memory_info().rss
    peak = baseline
    other: list[float] = []
    started = time.monotonic()
    reply = await bus.request("rpc.executor.archives.browse", {"repository_id": rid, "archive": archive}, timeout=120)
    job_id = reply["index"]["job_id"]
    while True:
        t0 = time.monotonic()
        job = await bus.request("rpc.executor.jobs.get", {"id": job_id})
        t1 = time.monotonic()
        await bus.request("rpc.executor.repositories.list", {})
        other += [(t1 - t0) * 1000, (time.monotonic() - t1) * 1000]
        peak = max(peak, executor.memory_info().rss)
        if job["status"] not in ("queued", "running"):
            break
        await asyncio.sleep(0.02)
    elapsed = time.monotonic() - started
    if job["status"] != "succeeded":
        raise RuntimeError(f"index job {job['status']}: {job['error']}")
    return {"seconds": elapsed, "extra_rss_mb": (peak - baseline) / 2**20, "other_p99_ms": pct(other, 99), "entries": job["result"]["entries"]}


def prepare(args: argparse.Namespace, work: Path) -> dict[str, float]:
    """The tree and two archives (or those of an earlier run); seconds of plain ``borg list`` each."""
    src, repo = work / "src", work / "repo"
    env = {**os.environ, "BORG_BASE_DIR": str(work / "borg"), "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes"}
    env.pop("BORG_PASSPHRASE", None)
    if args.reuse and (repo / "config").exists():
        print(f"reusing the tree and archives in {work}", flush=True)
    else:
        t0 = time.monotonic()
        write_tree(src, args.files)
        print(f"tree of {args.files} files written in {time.monotonic() - t0:.1f} s", flush=True)
        borg(env, "init", "--encryption=none", str(repo))
        print(f"borg create one: {borg(env, 'create', f'{repo}::one', str(src)):.1f} s", flush=True)
        change_tree(src, args.files)
        time.sleep(1.1)  # borg keeps archive times to the second
        print(f"borg create two: {borg(env, 'create', f'{repo}::two', str(src)):.1f} s", flush=True)
    list_seconds = {name: borg(env, "list", "--json-lines", f"{repo}::{name}") for name in ("one", "two")}
    print(f"borg list --json-lines: {list_seconds}", flush=True)
    return list_seconds


def start_system(work: Path, log) -> tuple[subprocess.Popen, str]:
    """``borgui run`` on an empty DATA_DIR; its NATS URL once it is up."""
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    run_env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "PORT", "DATA_DIR")}
    run_env.update(
        {"DATA_DIR": str(data), "PORT": str(free_port()), "REPOSITORY_ROOTS": str(work), "SOURCE_ROOTS": str(work), "LOG_LEVEL": "WARNING"}
    )
    system = subprocess.Popen([sys.executable, "-m", "borgui", "run"], cwd=ROOT, env=run_env, stdout=log, stderr=subprocess.STDOUT)
    url_file = data / "run" / "nats.url"
    deadline = time.monotonic() + 30
    while not url_file.exists():
        if time.monotonic() > deadline:
            system.terminate()
            raise RuntimeError("the system did not start")
        time.sleep(0.1)
    return system, url_file.read_text().strip()


async def measure(args: argparse.Namespace, work: Path, system: subprocess.Popen, nats_url: str, list_seconds: dict[str, float]) -> dict:
    src, repo, data = work / "src", work / "repo", work / "data"
    deadline = time.monotonic() + 30
    bus = await connect(nats_url, "bench", rpc_timeout=30)
    try:
        while True:
            try:
                imported = await bus.request(
                    "rpc.executor.repositories.import", {"name": "bench", "location": str(repo)}, timeout=60
                )
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        rid = imported["id"]
        supervisor = psutil.Process(system.pid)
        builds = {name: await index_archive(bus, rid, name, supervisor) for name in ("one", "two")}
        for name, build in builds.items():
            build["ratio_to_borg_list"] = build["seconds"] / list_seconds[name]
            print(f"index {name}: {build}", flush=True)

        rng = random.Random(7)
        folders = [""] + [f"dir{a}" for a in range(10)] + leaf_folders()
        prefix = str(src).strip("/")
        browse_ms = []
        for _ in range(200):
            folder = rng.choice(folders)
            path = f"{prefix}/{folder}".rstrip("/")
            sort = rng.choice(("name", "size", "mtime"))
            t0 = time.monotonic()
            reply = await bus.request(
                "rpc.executor.archives.browse",
                {"repository_id": rid, "archive": rng.choice(("one", "two")), "path": path, "sort": sort, "offset": rng.choice((0, 200, 800))},
            )
            browse_ms.append((time.monotonic() - t0) * 1000)
            assert reply["listing"] is not None
        search_ms = []
        per_leaf = max(1, args.files // 1000)
        for i in range(50):
            leaf, n = rng.randrange(1000), rng.randrange(per_leaf)
            q = (f"f{leaf:03d}_{n:04d}", f"{leaf:03d}_{n // 10:03d}", f"*_{n:04d}.{EXTS[n % 5]}", f"f{leaf:03d}_*")[i % 4]
            t0 = time.monotonic()
            found = await bus.request("rpc.executor.archives.search", {"repository_id": rid, "q": q})
            search_ms.append((time.monotonic() - t0) * 1000)
            assert found["hits"], q
        index_files = list((data / "executor" / "index").glob(f"{rid}.db*"))
        index_bytes = sum(f.stat().st_size for f in index_files)
        entries = sum(b["entries"] for b in builds.values())
    finally:
        await bus.close()
    return {
        "files": args.files,
        "borg_list_seconds": list_seconds,
        "index": builds,
        "browse_p50_ms": statistics.median(browse_ms),
        "browse_p95_ms": pct(browse_ms, 95),
        "search_p95_ms": pct(search_ms, 95),
        "search_p50_ms": statistics.median(search_ms),
        "index_mb_per_million_entries": index_bytes / 2**20 / entries * 1_000_000,
        "index_mb": index_bytes / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--reuse", action="store_true", help="with --workdir: reuse its tree and archives from an earlier --keep run")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="borgui-browse-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        list_seconds = prepare(args, work)
        with open(work / "system.log", "wb") as log:
            system, nats_url = start_system(work, log)
            try:
                result = asyncio.run(measure(args, work, system, nats_url, list_seconds))
            finally:
                system.send_signal(signal.SIGTERM)
                system.wait(30)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    one = result["index"]["one"]
    print(
        f"\nindex build {one['ratio_to_borg_list']:.2f}x borg list (aim <= 1.2x), extra RSS {one['extra_rss_mb']:.0f} MB (aim < 150),"
        f" other requests p99 {one['other_p99_ms']:.1f} ms (aim < 50); browse p50 {result['browse_p50_ms']:.1f} ms"
        f" p95 {result['browse_p95_ms']:.1f} ms (aim < 50); search p95 {result['search_p95_ms']:.1f} ms (aim < 200);"
        f" index {result['index_mb_per_million_entries']:.0f} MB per million entries"
    )


if __name__ == "__main__":
    main()
