"""Logging to stdout in one line per record."""

from __future__ import annotations

import logging
import sys


def setup_logging(service: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(f"%(asctime)s %(levelname)s {service} %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # nats-py reports every reconnect attempt at ERROR; our callbacks say it once, more plainly.
    logging.getLogger("nats").setLevel(logging.CRITICAL)
