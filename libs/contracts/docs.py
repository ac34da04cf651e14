"""Render ``docs/events.md`` from the contracts: ``python -m libs.contracts.docs [--check]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import msgspec

from libs.contracts import all_contracts
from libs.contracts.registry import Contract

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "events.md"

_HEADINGS = {
    "event": "Events (JetStream stream `EVENTS`, subjects `evt.<aggregate>.<event>`)",
    "command": "Commands (JetStream stream `COMMANDS`, subjects `cmd.<service>.<verb>`)",
    "live": "Live progress (plain NATS, not stored)",
    "rpc": "Requests (core NATS request/reply, subjects `rpc.<service>.<resource>.<verb>`)",
}

_INTRO = """\
# Events and messages

Generated from the contracts in `libs/contracts/` by `python -m libs.contracts.docs`; do not edit by
hand (a test fails when this file is out of date).

Every body is JSON. Events and commands carry `id`, `time` (UTC, ISO 8601) and `actor` (the user
name, or null for the system). No body ever holds a passphrase, key, token or notification URL.

Replies to requests are an envelope: `{"ok": true, "data": …}` or
`{"ok": false, "error": {"code": "…", "message": "…", "details": …}}`, with `code` one of
`invalid`, `unauthorized`, `forbidden`, `password_change_required`, `not_found`, `conflict`,
`locked`, `rate_limited`, `unavailable`, `internal`.

To follow events as an integrator, create your own durable consumer on the `EVENTS` stream with a
filter such as `evt.job.>` (for example `nats consumer add EVENTS my-app --filter 'evt.job.>'`).
"""


def _schema(body: object) -> str:
    if body is None:
        return "(none)"
    schema = msgspec.json.schema(body)
    return "```json\n" + json.dumps(schema, indent=2, sort_keys=True) + "\n```"


def _section(contract: Contract) -> str:
    parts = [f"### `{contract.subject}`", "", contract.summary, "", "Body:", "", _schema(contract.body)]
    if contract.kind == "rpc":
        parts += ["", "Reply `data`:", "", _schema(contract.reply)]
    return "\n".join(parts)


def render() -> str:
    out = [_INTRO]
    contracts = all_contracts()
    for kind in ("event", "command", "live", "rpc"):
        chosen = [c for c in contracts if c.kind == kind]
        if not chosen:
            continue
        out.append(f"## {_HEADINGS[kind]}\n")
        out.extend(_section(c) + "\n" for c in chosen)
    return "\n".join(out)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = DOC_PATH.read_text() if DOC_PATH.exists() else ""
        if current != text:
            print("docs/events.md is out of date: run `python -m libs.contracts.docs`", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
