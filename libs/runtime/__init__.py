"""The service runtime: declare entry points on a class, run it with ``run_service``."""

from libs.runtime.entrypoints import command, on_event, rpc
from libs.runtime.service import Service
from libs.runtime.runner import main, run_service

__all__ = ["Service", "command", "main", "on_event", "rpc", "run_service"]
