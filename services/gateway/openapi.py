"""Build the OpenAPI document from the declared routes."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from libs.runtime.service import VERSION
from services.gateway.routing import RouteSpec

_PARAM = re.compile(r"{(\w+)(?::[^}]*)?}")


def _path_params(path: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in _PARAM.findall(path)]


def build_openapi(specs: list[RouteSpec]) -> dict[str, Any]:
    types = sorted(
        {t for spec in specs for t in (spec.body, spec.reply) if t is not None},
        key=lambda t: getattr(t, "__name__", repr(t)),
    )
    schemas, components = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    by_type = dict(zip(types, schemas))
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        operation: dict[str, Any] = {
            "summary": spec.summary,
            "tags": [spec.tag],
            "x-access": spec.access,
            "x-before-password-change": spec.before_password_change,
            "parameters": _path_params(spec.path)
            + [{"name": k, "in": "query", "required": False, "description": v, "schema": {"type": "string"}} for k, v in spec.query.items()],
            "responses": {"default": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        }
        if spec.access != "public":
            operation["security"] = [{"bearer": []}]
        if spec.ticket:
            operation["x-ticket"] = True
            operation["parameters"].append(
                {"name": "ticket", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "a ticket from POST /api/download-tickets, instead of the Authorization header"}
            )
        if spec.body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": by_type[spec.body]}}}
        ok = {"description": "success"}
        if spec.reply is not None:
            ok["content"] = {"application/json": {"schema": by_type[spec.reply]}}
        operation["responses"]["200"] = ok
        paths.setdefault(_PARAM.sub(r"{\1}", spec.path), {})[spec.method.lower()] = operation
    components["Error"] = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}},
                "required": ["code", "message"],
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Borg Web UI", "version": VERSION},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT or API token"}},
        },
    }
