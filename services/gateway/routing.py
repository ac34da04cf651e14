"""Declared HTTP routes: each carries who may call it and its body types, which feed the
authorisation middleware and ``/api/openapi.json`` alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Literal

from aiohttp import web

Access = Literal["public", "authenticated", "viewer", "operator", "admin"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Higher rank includes everything a lower one may do.
ROLE_RANK: dict[str, int] = {"viewer": 1, "operator": 2, "admin": 3}


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    handler: Handler
    summary: str
    access: Access
    tag: str
    body: Any = None
    reply: Any = None
    query: dict[str, str] = field(default_factory=dict)
    # Allowed while the caller still has to change the initial password.
    before_password_change: bool = False
    # Also opened by a download ticket in the query (``?ticket=``), for browser navigation.
    ticket: bool = False


_SPEC_ATTR = "__route_spec__"


class Routes:
    """Collects route declarations of one API area; ``install`` adds them to an application."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.specs: list[RouteSpec] = []

    def add(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        access: Access,
        body: Any = None,
        reply: Any = None,
        query: dict[str, str] | None = None,
        before_password_change: bool = False,
        ticket: bool = False,
    ) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            spec = RouteSpec(
                method, path, handler, summary, access, self.tag, body, reply, query or {}, before_password_change, ticket
            )
            setattr(handler, _SPEC_ATTR, spec)
            self.specs.append(spec)
            return handler

        return decorate

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.add("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.add("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.add("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.add("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.add("DELETE", path, **kw)


def install(app: web.Application, groups: list[Routes]) -> list[RouteSpec]:
    specs = [spec for group in groups for spec in group.specs]
    for spec in specs:
        app.router.add_route(spec.method, spec.path, spec.handler)
    return specs


def spec_of(request: web.Request) -> RouteSpec | None:
    return getattr(request.match_info.handler, _SPEC_ATTR, None)
