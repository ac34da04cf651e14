"""The gateway's own behaviour: health with services missing, JSON errors, the UI's files."""

from __future__ import annotations

import re
import time
from pathlib import Path

import aiohttp

from libs.contracts.health import SERVICES
from services.gateway.service import GatewayService
from services.notifier.service import NotifierService
from tests.support import NatsServer, make_settings, running_service


async def test_health_names_each_service_that_is_down(nats_server: NatsServer, data_dir: Path) -> None:
    settings = make_settings(data_dir, nats_server.url)
    url = f"http://127.0.0.1:{settings.port}"
    async with running_service(GatewayService, settings), running_service(NotifierService, settings):
        async with aiohttp.ClientSession() as session:
            started = time.monotonic()
            async with session.get(f"{url}/api/health") as resp:
                assert resp.status == 503
                body = await resp.json()
            assert time.monotonic() - started < 3
    assert body["status"] == "degraded"
    expected = {name: "down" for name in SERVICES}
    expected.update(gateway="ok", notifier="ok")
    assert body["services"] == expected


async def test_errors_are_json_and_pages_fall_back_to_the_app(nats_server: NatsServer, data_dir: Path) -> None:
    settings = make_settings(data_dir, nats_server.url)
    url = f"http://127.0.0.1:{settings.port}"
    async with running_service(GatewayService, settings), aiohttp.ClientSession() as session:
        async with session.get(f"{url}/api/no-such-thing") as resp:
            assert resp.status == 404
            assert resp.content_type == "application/json"
            assert (await resp.json())["error"]["code"] == "not_found"
        async with session.post(f"{url}/api/health") as resp:
            assert resp.status == 405
            assert (await resp.json())["error"]["code"] == "method_not_allowed"
        for page in ("/", "/repositories/3", "/settings/users"):
            async with session.get(f"{url}{page}") as resp:
                assert resp.status == 200, page
                assert resp.content_type == "text/html"
                assert "<title>Borg Web UI</title>" in await resp.text()
        async with session.get(f"{url}/static/does-not-exist.js") as resp:
            assert resp.status == 404


async def test_openapi_lists_every_declared_route(nats_server: NatsServer, data_dir: Path) -> None:
    from services.gateway.app import API_GROUPS

    settings = make_settings(data_dir, nats_server.url)
    url = f"http://127.0.0.1:{settings.port}"
    async with running_service(GatewayService, settings), aiohttp.ClientSession() as session:
        async with session.get(f"{url}/api/openapi.json") as resp:
            assert resp.status == 200
            doc = await resp.json()
    declared = {
        (spec.method.lower(), re.sub(r"{(\w+):[^}]*}", r"{\1}", spec.path)) for group in API_GROUPS for spec in group.specs
    }
    listed = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert declared and declared == listed
    for ops in doc["paths"].values():
        for op in ops.values():
            assert op["x-access"] in ("public", "authenticated", "viewer", "operator", "admin")
            assert op["summary"]


async def test_an_undeclared_api_route_is_closed(nats_server: NatsServer, data_dir: Path) -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from libs.bus import connect
    from services.gateway.app import build_app

    async def leak(request: web.Request) -> web.Response:
        return web.json_response({"secret": "data"})

    bus = await connect(nats_server.url, "test-gateway", 1.0)
    app = build_app(make_settings(data_dir, nats_server.url), bus)
    app.router.add_get("/api/undeclared", leak)
    async with TestClient(TestServer(app)) as client:
        resp = await client.get("/api/undeclared")
        assert resp.status == 403
        assert (await resp.json())["error"]["code"] == "forbidden"
        resp = await client.get("/api/nothing-here")
        assert resp.status == 404
    await bus.close()


async def test_a_request_to_a_stopped_service_is_503_naming_it(nats_server: NatsServer, data_dir: Path, api) -> None:  # type: ignore[no-untyped-def]
    from services.auth.service import AuthService

    settings = make_settings(data_dir, nats_server.url, RPC_TIMEOUT="1")
    url = f"http://127.0.0.1:{settings.port}"
    async with running_service(GatewayService, settings), running_service(AuthService, settings):
        session = await api(url)
        started = time.monotonic()
        status, body = await session.call("GET", "/api/repositories")
        elapsed = time.monotonic() - started
    assert status == 503
    assert body["error"]["code"] == "unavailable"
    assert "executor" in body["error"]["message"]
    # No executor ever subscribed, so NATS answers "no responders" at once; never a hang.
    assert elapsed < settings.rpc_timeout + 0.5
