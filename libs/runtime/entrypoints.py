"""Decorators that declare a service's entry points; the runner subscribes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from libs.contracts.base import Empty

_ATTR = "__borgui_entrypoint__"


@dataclass(frozen=True)
class RpcEntry:
    name: str
    request: type


@dataclass(frozen=True)
class CommandEntry:
    verb: str
    body: type


@dataclass(frozen=True)
class EventEntry:
    subject: str
    body: type
    durable: str
    deliver_new_only: bool


Entry = RpcEntry | CommandEntry | EventEntry


def _mark(entry: Entry) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, _ATTR, entry)
        return fn

    return decorate


def rpc(name: str, request: type = Empty) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Answer ``rpc.<service>.<name>``; the method takes the decoded request and returns the data."""
    return _mark(RpcEntry(name, request))


def command(verb: str, body: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Consume ``cmd.<service>.<verb>`` from the COMMANDS stream. The method must record the command
    durably (keyed by its id, so a redelivery is recognised) before it returns; return means ack."""
    return _mark(CommandEntry(verb, body))


def on_event(
    subject: str, body: type, durable: str, deliver_new_only: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Consume events matching ``subject`` with the durable consumer ``<service>-<durable>``."""
    return _mark(EventEntry(subject, body, durable, deliver_new_only))


def entrypoints(obj: object) -> list[tuple[Entry, Callable[..., Any]]]:
    found = []
    for attr in dir(type(obj)):
        fn = getattr(type(obj), attr, None)
        entry = getattr(fn, _ATTR, None)
        if entry is not None:
            found.append((entry, getattr(obj, attr)))
    return found
