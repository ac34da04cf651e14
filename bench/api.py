"""Authenticated ``GET /api/auth/me`` through the gateway, and sign-in throughput.

    .venv/bin/python bench/api.py [--url http://127.0.0.1:8081 --password …] [--seconds 5]

Without ``--url`` it starts ``python -m borgui run`` on a free port with an empty DATA_DIR, signs in
as admin with ``admin123`` and changes the password. With ``--url`` it signs in to that system as
admin with ``--password``. Requests are sent over keep-alive connections by a minimal HTTP/1.1
client, so the load generator takes as little as possible of the CPU the system under test shares.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
BENCH_PASSWORD = "bench-password-1"
PEER = {"me_rps": 305, "me_p99_ms": 255, "logins_per_s": 4}
TARGET = {"me_rps": 1500, "me_p99_ms": 25, "logins_per_s": 20}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
    except OSError:
        return 0, {}


class Connection:
    """One keep-alive HTTP/1.1 connection; enough of the protocol for JSON replies."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def send(self, raw: bytes) -> int:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def get_request(host: str, path: str, token: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n".encode()


def post_request(host: str, path: str, body: dict) -> bytes:
    data = json.dumps(body).encode()
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    return head.encode() + data


@dataclass
class Result:
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


async def load(
    host: str, port: int, raw: bytes, concurrency: int, seconds: float, expect: int = 200, pause: float = 0.0
) -> Result:
    """Each of ``concurrency`` connections sends ``raw`` again as soon as the answer is in (after
    ``pause`` seconds, for a steady background rate instead of a saturating one)."""
    connections = [Connection(host, port) for _ in range(concurrency)]
    await asyncio.gather(*(c.open() for c in connections))
    latencies: list[float] = []
    errors = 0
    clock = time.perf_counter
    deadline = clock() + seconds

    async def worker(conn: Connection) -> None:
        nonlocal errors
        while clock() < deadline:
            started = clock()
            status = await conn.send(raw)
            latencies.append(clock() - started)
            if status != expect:
                errors += 1
            if pause:
                await asyncio.sleep(pause)

    started = clock()
    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = clock() - started
    for c in connections:
        c.close()
    return Result(concurrency, len(latencies), errors, elapsed, latencies)


def start_stack(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "PORT", "DATA_DIR", "BIND")}
    env.update({"DATA_DIR": str(data_dir), "PORT": str(port)})
    log = open(data_dir.parent / "stack.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "borgui", "run"], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while http_json(url + "/api/health")[0] != 200:
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit(f"the system did not become healthy; see {data_dir.parent / 'stack.log'}")
        time.sleep(0.1)
    return proc, url


def sign_in(url: str, password: str) -> tuple[str, str]:
    status, body = http_json(url + "/api/auth/login", {"username": "admin", "password": password})
    if status != 200:
        raise SystemExit(f"cannot sign in as admin: {status} {body}")
    if body["must_change_password"]:
        status, body = http_json(
            url + "/api/auth/change-password",
            {"current_password": password, "new_password": BENCH_PASSWORD},
            body["access_token"],
        )
        password = BENCH_PASSWORD
    return body["access_token"], password


def hash_capacity(seconds: float = 2.0) -> float:
    """Password checks per second this machine manages right now with every core hashing: the
    ceiling for sign-ins, measured next to them because a busy machine lowers both."""
    from concurrent.futures import ThreadPoolExecutor

    from services.auth.passwords import HASHER

    stored = HASHER.hash("bench-password")
    workers = os.cpu_count() or 2
    done = 0
    deadline = time.perf_counter() + seconds

    def work() -> int:
        count = 0
        while time.perf_counter() < deadline:
            HASHER.verify(stored, "bench-password")
            count += 1
        return count

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        done = sum(pool.map(lambda _: work(), range(workers)))
    return done / (time.perf_counter() - started)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


async def measure(url: str, password: str, seconds: float) -> str:
    token, password = sign_in(url, password)
    status, me_body = http_json(url + "/api/auth/me", token=token)
    assert status == 200 and me_body["username"] == "admin", (status, me_body)
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    me = get_request(host, "/api/auth/me", token)
    login = post_request(host, "/api/auth/login", {"username": "admin", "password": password})

    await load(host, port, me, 20, 1.0)  # warm-up
    lines = [
        f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
        "",
        "| measure | concurrency | requests/s | p50 | p99 | errors |",
        "|---|---|---|---|---|---|",
    ]
    me_results = {}
    for concurrency in (1, 20, 50):
        result = await load(host, port, me, concurrency, seconds)
        me_results[concurrency] = result
        lines.append(
            f"| GET /api/auth/me | {concurrency} | {result.rate:,.0f} | {result.pct(0.5):.1f} ms | {result.pct(0.99):.1f} ms | {result.errors} |"
        )
    # Sign-ins at full speed, and meanwhile a steady ~100 req/s of other requests to see they are not held up.
    logins, during = await asyncio.gather(load(host, port, login, 4, seconds), load(host, port, me, 1, seconds, pause=0.01))
    lines.append(
        f"| POST /api/auth/login | 4 | {logins.rate:,.1f} | {logins.pct(0.5):.1f} ms | {logins.pct(0.99):.1f} ms | {logins.errors} |"
    )
    lines.append(
        f"| GET /api/auth/me, ~100/s while those sign-ins run | 1 | {during.rate:,.0f} | {during.pct(0.5):.1f} ms | {during.pct(0.99):.1f} ms | {during.errors} |"
    )
    capacity = hash_capacity()
    lines.append(f"\nArgon2id checks/s of this machine right after, all cores, no HTTP or NATS: {capacity:.1f}")
    c20 = me_results[20]
    lines += [
        "",
        "| target | peer | measured | |",
        "|---|---|---|---|",
        f"| /api/auth/me, 20 concurrent: >= {TARGET['me_rps']:,} req/s | {PEER['me_rps']} req/s | {c20.rate:,.0f} req/s "
        f"({c20.rate / PEER['me_rps']:.1f}x the peer) | {verdict(c20.rate >= TARGET['me_rps'])} |",
        f"| /api/auth/me, 20 concurrent: p99 < {TARGET['me_p99_ms']} ms | {PEER['me_p99_ms']} ms | {c20.pct(0.99):.1f} ms | "
        f"{verdict(c20.pct(0.99) < TARGET['me_p99_ms'])} |",
        f"| sign-ins >= {TARGET['logins_per_s']}/s | {PEER['logins_per_s']}/s | {logins.rate:.1f}/s | "
        f"{verdict(logins.rate >= TARGET['logins_per_s'])} |",
        f"| other requests unaffected by sign-ins | blocked | /me p99 {during.pct(0.99):.1f} ms during sign-ins vs "
        f"{me_results[1].pct(0.99):.1f} ms alone | |",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running system; default: start one")
    parser.add_argument("--password", default="admin123", help="admin's password on --url")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measurement")
    args = parser.parse_args()
    if args.url:
        print(asyncio.run(measure(args.url.rstrip("/"), args.password, args.seconds)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        proc, url = start_stack(Path(tmp) / "data")
        try:
            print(asyncio.run(measure(url, "admin123", args.seconds)))
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
