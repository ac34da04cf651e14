"""Against the whole system (`borgui run`): who may call every declared route, and `borgui users`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import aiohttp
import pytest

from services.gateway.routing import ROLE_RANK
from tests.auth.client import USER_PASSWORD, login
from tests.support import ROOT, Stack, free_port, stack_env, wait_healthy

PLACEHOLDER = "no-such-thing-0"


@pytest.fixture(scope="module")
async def stack(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("stack") / "data"
    port = free_port()
    started = Stack(data_dir, port, stack_env(data_dir, port))
    started.start()
    try:
        await wait_healthy(started.url, timeout=20)
        yield started
    finally:
        started.stop()


def expected_refusal(access: str, before_password_change: bool, who: str) -> str | None:
    """The error code the access rules demand for ``who``, or None when the route must let it in."""
    if access == "public":
        return None
    if who == "anonymous":
        return "unauthorized"
    if who == "pending":
        if not before_password_change:
            return "password_change_required"
        return None
    if access == "authenticated":
        return None
    return None if ROLE_RANK[who] >= ROLE_RANK[access] else "forbidden"


def routes_of(openapi: dict) -> list[tuple[str, str, dict]]:
    found = [(method.upper(), path, op) for path, ops in openapi["paths"].items() for method, op in ops.items()]
    # Signing out ends the caller's token; do it last.
    return sorted(found, key=lambda r: (r[1].endswith("/logout"), r[1], r[0]))


async def walk(http: aiohttp.ClientSession, url: str, who: str, token: str | None, routes) -> list[str]:
    problems = []
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for method, path, op in routes:
        concrete = path
        for param in op.get("parameters", []):
            if param["in"] == "path":
                concrete = concrete.replace("{" + param["name"] + "}", PLACEHOLDER)
        kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        try:
            async with http.request(method, url + concrete, headers=headers, timeout=aiohttp.ClientTimeout(total=10), **kwargs) as resp:
                status = resp.status
                code = (await resp.json()).get("error", {}).get("code") if resp.content_type == "application/json" and status >= 400 else None
        except asyncio.TimeoutError:
            problems.append(f"{who} {method} {path}: no answer within 10 s")
            continue
        want = expected_refusal(op["x-access"], op["x-before-password-change"], who)
        if want is None and status in (401, 403):
            problems.append(f"{who} {method} {path} (x-access {op['x-access']}): refused with {status} {code}")
        elif want is not None and (status != (401 if want == "unauthorized" else 403) or code != want):
            problems.append(f"{who} {method} {path} (x-access {op['x-access']}): expected {want}, got {status} {code}")
    return problems


async def test_every_route_as_every_kind_of_caller(stack, api):
    """The table is the OpenAPI document: routes added later are checked without editing this test."""
    admin = await api(stack)
    viewer = await api(stack, "viewer")
    operator = await api(stack.url, role="operator")
    assert (await admin.call("POST", "/api/users", json={"username": "pending", "password": USER_PASSWORD, "role": "admin"}))[0] == 201
    assert (await admin.call("POST", "/api/users/pending/reset-password", json={"new_password": "pending-pass-1"}))[0] == 200
    async with aiohttp.ClientSession() as http:
        status, pending = await login(http, stack.url, "pending", "pending-pass-1")
        assert pending["must_change_password"] is True
        async with http.get(stack.url + "/api/openapi.json") as resp:
            routes = routes_of(await resp.json())
        assert {("GET", "/api/users"), ("POST", "/api/auth/login"), ("GET", "/api/tokens")} <= {(m, p) for m, p, _ in routes}
        callers = {
            "anonymous": None,
            "viewer": viewer.token,
            "operator": operator.token,
            "admin": admin.token,
            "pending": pending["access_token"],
        }
        results = await asyncio.gather(*(walk(http, stack.url, who, token, routes) for who, token in callers.items()))
    problems = [p for found in results for p in found]
    assert not problems, "\n".join(problems)


def cli(stack: Stack, *args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "NATS_URL"}
    environment.update({"DATA_DIR": str(stack.data_dir)}, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "borgui", "users", *args],
        cwd=ROOT, env=environment, input=stdin, capture_output=True, text=True, timeout=30,
    )


async def test_users_command_on_the_running_system(stack):
    made = await asyncio.to_thread(cli, stack, "create", "olga", "--role", "operator", stdin="olga-pass-123\n")
    assert made.returncode == 0, made.stderr
    assert "created olga (operator)" in made.stdout
    assert "olga-pass-123" not in made.stdout + made.stderr

    async with aiohttp.ClientSession() as http:
        status, body = await login(http, stack.url, "olga", "olga-pass-123")
        assert status == 200 and body["must_change_password"] is False

        listed = await asyncio.to_thread(cli, stack, "list")
        assert listed.returncode == 0, listed.stderr
        lines = listed.stdout.splitlines()
        assert lines[0].split()[:3] == ["USER", "ROLE", "STATE"]
        assert any(line.split()[:3] == ["olga", "operator", "active"] for line in lines)

        promoted = await asyncio.to_thread(cli, stack, "set-role", "olga", "admin")
        assert promoted.returncode == 0 and "olga is now admin" in promoted.stdout
        reset = await asyncio.to_thread(cli, stack, "reset-password", "olga", stdin="olga-new-pass-1\n")
        assert reset.returncode == 0, reset.stderr
        status, body = await login(http, stack.url, "olga", "olga-new-pass-1")
        assert status == 200 and body["must_change_password"] is True

        weak = await asyncio.to_thread(cli, stack, "reset-password", "olga", stdin="short\n")
        assert weak.returncode == 1 and "at least 8" in weak.stderr and len(weak.stderr.strip().splitlines()) == 1

        disabled = await asyncio.to_thread(cli, stack, "disable", "olga")
        assert disabled.returncode == 0 and "olga is disabled" in disabled.stdout
        assert (await login(http, stack.url, "olga", "olga-new-pass-1"))[0] == 403

    missing = await asyncio.to_thread(cli, stack, "set-role", "nobody-at-all", "viewer")
    assert missing.returncode == 1 and "no user named nobody-at-all" in missing.stderr
    # With every other admin disabled, admin is the last enabled one and stays.
    rows = [line.split() for line in (await asyncio.to_thread(cli, stack, "list")).stdout.splitlines()[1:]]
    for row in rows:
        if row[1] == "admin" and row[0] != "admin" and row[2] != "disabled":
            assert (await asyncio.to_thread(cli, stack, "disable", row[0])).returncode == 0
    last = await asyncio.to_thread(cli, stack, "disable", "admin")
    assert last.returncode == 1 and "last enabled admin" in last.stderr


async def test_users_command_when_the_system_is_not_running(tmp_path):
    stopped = Stack(tmp_path / "empty", 1, {})
    (tmp_path / "empty").mkdir()
    result = await asyncio.to_thread(cli, stopped, "list")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "not running" in result.stderr and "Traceback" not in result.stderr
    result = await asyncio.to_thread(cli, stopped, "list", env={"NATS_URL": f"nats://127.0.0.1:{free_port()}"})
    assert result.returncode == 1 and "cannot reach NATS" in result.stderr and "Traceback" not in result.stderr
