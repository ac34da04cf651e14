"""Checks made before anything starts, each failing with one line that says what to do."""

from __future__ import annotations

import asyncio
import errno
import socket
from pathlib import Path
from urllib.parse import urlparse

from libs.urls import redact_url


class PreflightError(Exception):
    """The system cannot start; the message is the whole explanation for the user."""


def check_data_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise PreflightError(
            f"DATA_DIR {data_dir} is not writable ({exc.strerror}); choose another folder with DATA_DIR=… "
            "or give this user write access"
        ) from None


def check_port_free(bind: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((bind, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PreflightError(
                    f"port {port} on {bind} is already in use; stop the program using it or set PORT to another port"
                ) from None
            raise PreflightError(f"cannot listen on {bind}:{port} ({exc.strerror}); check BIND and PORT") from None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


async def check_nats_reachable(url: str, timeout: float = 3.0) -> None:
    """A TCP connection to the first server of ``url`` that answers with NATS' INFO line."""
    first = redact_url(url.split(",")[0].strip())
    parsed = urlparse(first if "://" in first else f"nats://{first}")
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 4222
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        try:
            line = await asyncio.wait_for(reader.readline(), timeout)
        finally:
            writer.close()
    except (OSError, asyncio.TimeoutError) as exc:
        reason = "no answer" if isinstance(exc, asyncio.TimeoutError) else (exc.strerror or str(exc))
        raise PreflightError(
            f"NATS_URL {first} does not answer ({reason}); start that server or unset NATS_URL to use the embedded one"
        ) from None
    if not line.startswith(b"INFO"):
        raise PreflightError(f"NATS_URL {first} answered, but not as a NATS server; check the address")
