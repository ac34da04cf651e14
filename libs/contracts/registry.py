"""One table of every subject, so docs and validation come from the same declarations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["rpc", "command", "event", "live"]


@dataclass(frozen=True)
class Contract:
    kind: Kind
    subject: str
    body: Any
    summary: str
    reply: Any = None

    @property
    def service(self) -> str:
        # rpc.<service>.…, cmd.<service>.…; events and live subjects name an aggregate instead.
        return self.subject.split(".")[1]


_CONTRACTS: dict[str, Contract] = {}


def declare(kind: Kind, subject: str, body: Any, summary: str, reply: Any = None) -> Contract:
    if subject in _CONTRACTS:
        raise ValueError(f"subject {subject} declared twice")
    contract = Contract(kind, subject, body, summary, reply)
    _CONTRACTS[subject] = contract
    return contract


def all_contracts() -> list[Contract]:
    return sorted(_CONTRACTS.values(), key=lambda c: (c.kind, c.subject))
