"""Health of each service, answered on ``rpc.<service>.health``."""

from __future__ import annotations

import msgspec

from libs.contracts.base import Empty
from libs.contracts.registry import declare

SERVICES: tuple[str, ...] = ("gateway", "auth", "executor", "scheduler", "notifier")


class Health(msgspec.Struct, kw_only=True):
    service: str
    status: str
    version: str
    pid: int
    uptime_seconds: float


HEALTH = {
    name: declare("rpc", f"rpc.{name}.health", Empty, f"Liveness of the {name} service.", Health)
    for name in SERVICES
}
