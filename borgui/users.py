"""``borgui users …``: manage accounts on the running system, for the owner locked out of the UI.

It talks to the auth service over NATS (``NATS_URL``, else the URL ``borgui run`` wrote into
``$DATA_DIR/run/nats.url``), so it works only while the system runs and never opens auth's database.
Passwords are read from the terminal (or one line of standard input), never from the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any, Callable

ROLES = ("viewer", "operator", "admin")
CONNECT_WAIT = 3.0


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("users", help="list and manage users of the running system")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="list every user")
    create = actions.add_parser("create", help="create a user (asks for the password)")
    create.add_argument("username")
    create.add_argument("--role", choices=ROLES, default="viewer")
    set_role = actions.add_parser("set-role", help="change a user's role")
    set_role.add_argument("username")
    set_role.add_argument("role", choices=ROLES)
    reset = actions.add_parser("reset-password", help="set a new password; it must be changed at the next sign-in")
    reset.add_argument("username")
    for name, text in (("disable", "disable a user and end its sign-ins"), ("enable", "enable a disabled user")):
        actions.add_parser(name, help=text).add_argument("username")


def read_password(prompt: str = "New password: ") -> str:
    """Twice from a terminal (they must match), else one line of standard input."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Repeat it: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


class UsageError(Exception):
    """A one-line explanation for the user; the command exits 1."""


def format_users(users: list[dict[str, Any]]) -> str:
    rows = [("USER", "ROLE", "STATE", "SOURCE", "LAST SIGN-IN")]
    for user in users:
        state = "disabled" if user["disabled"] else ("must change password" if user["must_change_password"] else "active")
        rows.append((user["username"], user["role"], state, user["auth_source"], user["last_login_at"] or "never"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


async def _run(url: str, args: argparse.Namespace, password: Callable[[], str]) -> str:
    from libs.bus import connect
    from libs.contracts import auth

    actor = f"cli:{getpass.getuser()}"
    try:
        bus = await connect(url, "borgui-users", CONNECT_WAIT, wait=CONNECT_WAIT)
    except ConnectionError as exc:
        raise UsageError(f"{exc}; is the system running (`borgui run`)?") from None
    try:
        if args.action == "list":
            return format_users((await bus.request(auth.USERS_LIST.subject, {}))["users"])
        if args.action == "create":
            body = auth.UserCreate(username=args.username, password=password(), role=args.role, actor=actor)
            user = await bus.request(auth.USERS_CREATE.subject, body)
            return f"created {user['username']} ({user['role']})"
        if args.action == "set-role":
            user = await bus.request(auth.USERS_UPDATE.subject, auth.UserUpdate(username=args.username, role=args.role, actor=actor))
            return f"{user['username']} is now {user['role']}"
        if args.action == "reset-password":
            body = auth.PasswordReset(username=args.username, new_password=password(), actor=actor)
            user = await bus.request(auth.USERS_RESET_PASSWORD.subject, body)
            return f"password of {user['username']} set; it must be changed at the next sign-in"
        disabled = args.action == "disable"
        user = await bus.request(auth.USERS_UPDATE.subject, auth.UserUpdate(username=args.username, disabled=disabled, actor=actor))
        return f"{user['username']} is {'disabled' if user['disabled'] else 'enabled'}"
    finally:
        await bus.close()


def main(settings: Any, args: argparse.Namespace) -> int:
    from borgui.health import nats_url
    from borgui.run import nats_url_file
    from libs.contracts.envelope import RpcError

    url = nats_url(settings)
    if not url:
        print(
            f"borgui users: the system is not running (no {nats_url_file(settings.data_dir)}); "
            "start it with `borgui run`, or set NATS_URL and DATA_DIR to those of the running system",
            file=sys.stderr,
        )
        return 1
    try:
        print(asyncio.run(_run(url, args, read_password)))
    except UsageError as exc:
        print(f"borgui users: {exc}", file=sys.stderr)
        return 1
    except RpcError as exc:
        print(f"borgui users: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
