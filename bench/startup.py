"""Time from ``make run``'s process start to ``GET /api/health`` 200, and idle memory per process.

    .venv/bin/python bench/startup.py [--runs 5] [--idle 5]

Each run starts ``python -m borgui run`` (what ``make run`` runs once the venv is installed) on a
free port, waits for health 200, lets the system idle, reads the memory of the supervisor, the
embedded nats-server and the five services, then stops it with SIGINT. The first run starts on an
empty DATA_DIR (first start: databases created, admin account made); the rest reuse it.
"""

from __future__ import annotations

import argparse
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
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
TARGET_HEALTHY_S = 2.0
TARGET_SYSTEM_MB = 200
TARGET_SERVICE_MB = 60


@dataclass
class Run:
    fresh: bool
    healthy_s: float
    stop_s: float
    rss_mb: dict[str, float]
    pss_mb: dict[str, float]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def health_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def process_name(proc: psutil.Process) -> str:
    cmd = proc.cmdline()
    if "-m" in cmd and cmd.index("-m") + 1 < len(cmd):
        module = cmd[cmd.index("-m") + 1]
        return module.split(".", 1)[1] if module.startswith("services.") else "supervisor"
    return Path(cmd[0]).name if cmd else proc.name()


def memory(root: psutil.Process) -> tuple[dict[str, float], dict[str, float]]:
    """RSS and PSS (shared pages split between the processes sharing them) per process, in MiB."""
    rss, pss = {}, {}
    for proc in [root, *root.children(recursive=True)]:
        name = process_name(proc)
        info = proc.memory_full_info()
        rss[name] = info.rss / MB
        pss[name] = info.pss / MB
    return rss, pss


def one_run(data_dir: Path, fresh: bool, idle: float, log: Path) -> Run:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "PORT", "DATA_DIR", "BIND")}
    env.update({"DATA_DIR": str(data_dir), "PORT": str(port)})
    url = f"http://127.0.0.1:{port}/api/health"
    with open(log, "ab") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "borgui", "run"], cwd=ROOT, env=env, stdout=out, stderr=out)
        try:
            while health_status(url) != 200:
                if proc.poll() is not None:
                    raise SystemExit(f"borgui run exited with {proc.returncode}; see {log}")
                if time.perf_counter() - started > 60:
                    raise SystemExit(f"not healthy after 60 s; see {log}")
                time.sleep(0.01)
            healthy = time.perf_counter() - started
            time.sleep(idle)
            rss, pss = memory(psutil.Process(proc.pid))
            children = psutil.Process(proc.pid).children(recursive=True)
            stopping = time.perf_counter()
            proc.send_signal(signal.SIGINT)
            proc.wait(30)
            stop = time.perf_counter() - stopping
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    left = [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    if left:
        raise SystemExit(f"processes left behind after stop: {left}")
    return Run(fresh, healthy, stop, rss, pss)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(runs: list[Run]) -> str:
    names = list(runs[0].rss_mb)
    lines = [
        f"machine: {os.cpu_count()} cores, {cpu_model()}, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}",
        "",
        "| run | DATA_DIR | start to health 200 | stop (SIGINT) |",
        "|---|---|---|---|",
    ]
    for i, run in enumerate(runs, 1):
        lines.append(f"| {i} | {'empty' if run.fresh else 'reused'} | {run.healthy_s:.2f} s | {run.stop_s:.2f} s |")
    healthy = statistics.median(r.healthy_s for r in runs)
    lines += ["", f"median start to healthy: {healthy:.2f} s (target < {TARGET_HEALTHY_S:.0f} s)", ""]
    lines += ["| process | RSS (MiB, median) | PSS (MiB, median) |", "|---|---|---|"]
    for name in names:
        rss = statistics.median(r.rss_mb[name] for r in runs)
        pss = statistics.median(r.pss_mb[name] for r in runs)
        lines.append(f"| {name} | {rss:.1f} | {pss:.1f} |")
    total_rss = statistics.median(sum(r.rss_mb.values()) for r in runs)
    total_pss = statistics.median(sum(r.pss_mb.values()) for r in runs)
    lines.append(f"| **whole system** | {total_rss:.1f} | {total_pss:.1f} |")
    services = [n for n in names if n not in ("supervisor", "nats-server")]
    worst = max(statistics.median(r.rss_mb[n] for r in runs) for n in services)
    lines += [
        "",
        f"largest Python service: {worst:.1f} MiB RSS (target < {TARGET_SERVICE_MB} MB); "
        f"whole system {total_pss:.1f} MiB PSS, {total_rss:.1f} MiB RSS summed (target <= {TARGET_SYSTEM_MB} MB)",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before memory is read")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="borgui-bench-"))
    try:
        runs = [one_run(work / "data", i == 0, args.idle, work / "run.log") for i in range(args.runs)]
    except SystemExit:
        log = work / "run.log"
        sys.stderr.write(log.read_text(errors="replace")[-4000:] if log.exists() else "")
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
