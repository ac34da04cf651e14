"""The ``borgui`` command."""

from __future__ import annotations

import argparse
import sys

from borgui import users
from libs.config import ConfigError, load_settings
from libs.contracts.health import SERVICES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="borgui", description="Borg Web UI")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start NATS and every service on this machine (the default)")
    check = commands.add_parser("health", help="exit 0 if SERVICE answers its health check, else 1")
    check.add_argument("service", choices=SERVICES)
    users.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"borgui: configuration error: {exc}", file=sys.stderr)
        return 2
    if args.command in (None, "run"):
        from borgui.run import main as run_main

        return run_main(settings)
    if args.command == "health":
        from borgui.health import main as health_main

        return health_main(settings, args.service)
    if args.command == "users":
        return users.main(settings, args)
    return 2
