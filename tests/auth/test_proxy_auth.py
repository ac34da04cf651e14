"""DISABLE_AUTHENTICATION: the proxy's user header, believed only from trusted peers."""

import aiohttp
import pytest

TRUSTED = "127.0.0.1"
UNTRUSTED = "127.0.0.5"


@pytest.fixture(scope="module")
async def proxied(tmp_path_factory):
    from tests.auth.conftest import auth_system

    async with auth_system(
        tmp_path_factory.mktemp("proxy"), DISABLE_AUTHENTICATION="true", TRUSTED_PROXIES="127.0.0.1/32", PROXY_AUTH_HEADER="X-Forwarded-User"
    ) as system:
        yield system


async def call(system, method, path, headers=None, source=TRUSTED, json=None):
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        async with http.request(method, system.url + path, headers=headers or {}, json=json) as resp:
            body = await resp.json() if resp.content_type == "application/json" else None
            return resp.status, body


async def test_config_tells_the_ui(proxied):
    assert await call(proxied, "GET", "/api/auth/config") == (
        200,
        {"authentication_disabled": True, "proxy_header": "X-Forwarded-User"},
    )


async def test_trusted_proxy_header_signs_in_and_creates_the_user(proxied):
    status, me = await call(proxied, "GET", "/api/auth/me", {"X-Forwarded-User": "judy"})
    assert status == 200, me
    assert me["username"] == "judy" and me["role"] == "viewer" and me["auth_source"] == "proxy"
    assert me["must_change_password"] is False
    # A viewer created on first sight: no admin routes.
    status, body = await call(proxied, "GET", "/api/users", {"X-Forwarded-User": "judy"})
    assert (status, body["error"]["code"]) == (403, "forbidden")


async def test_header_order(proxied):
    headers = {"X-Remote-User": "second", "Remote-User": "third", "X-authentik-username": "fourth"}
    assert (await call(proxied, "GET", "/api/auth/me", {**headers, "X-Forwarded-User": "first"}))[1]["username"] == "first"
    assert (await call(proxied, "GET", "/api/auth/me", headers))[1]["username"] == "second"
    assert (await call(proxied, "GET", "/api/auth/me", {"Remote-User": "third"}))[1]["username"] == "third"
    assert (await call(proxied, "GET", "/api/auth/me", {"X-authentik-username": "fourth"}))[1]["username"] == "fourth"


async def test_no_header_is_401_never_admin(proxied):
    status, body = await call(proxied, "GET", "/api/auth/me")
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert (await call(proxied, "GET", "/api/users"))[0] == 401
    assert (await call(proxied, "GET", "/api/auth/me", {"X-Forwarded-User": "bad name!"}))[0] == 401


async def test_untrusted_peer_is_401_even_with_the_header(proxied):
    for header in ("X-Forwarded-User", "X-Remote-User", "Remote-User", "X-authentik-username"):
        status, body = await call(proxied, "GET", "/api/auth/me", {header: "admin"}, source=UNTRUSTED)
        assert status == 401 and body["error"]["code"] == "unauthorized", header
    # The same request through the trusted address works.
    assert (await call(proxied, "GET", "/api/auth/me", {"X-Forwarded-User": "admin"}))[0] == 200


async def test_password_sign_in_is_off(proxied):
    status, body = await call(proxied, "POST", "/api/auth/login", json={"username": "admin", "password": "admin123"})
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = await call(proxied, "POST", "/api/auth/login", json={"username": "admin", "password": "admin123"}, source=UNTRUSTED)
    assert status == 403


async def test_admin_promotes_and_disabled_user_stays_out(proxied):
    as_admin = {"X-Forwarded-User": "admin"}
    assert (await call(proxied, "GET", "/api/auth/me", {"X-Forwarded-User": "kim"}))[1]["role"] == "viewer"
    status, body = await call(proxied, "PATCH", "/api/users/kim", as_admin, json={"role": "operator"})
    assert status == 200 and body["role"] == "operator" and body["auth_source"] == "proxy"
    assert (await call(proxied, "GET", "/api/auth/me", {"X-Forwarded-User": "kim"}))[1]["role"] == "operator"
    assert (await call(proxied, "PATCH", "/api/users/kim", as_admin, json={"disabled": True}))[0] == 200
    status, body = await call(proxied, "GET", "/api/auth/me", {"X-Forwarded-User": "kim"})
    assert (status, body["error"]["code"]) == (403, "forbidden")


async def test_api_tokens_still_work_behind_the_proxy(proxied):
    status, created = await call(proxied, "POST", "/api/tokens", {"X-Forwarded-User": "lee"}, json={"name": "script"})
    assert status == 201
    status, me = await call(proxied, "GET", "/api/auth/me", {"Authorization": f"Bearer {created['token']}"}, source=UNTRUSTED)
    assert status == 200 and me["username"] == "lee" and me["auth_source"] == "token"


async def test_default_role_setting(system_factory):
    system = await system_factory(DISABLE_AUTHENTICATION="true", PROXY_AUTH_DEFAULT_ROLE="operator", PROXY_AUTH_HEADER="Cf-Access-Authenticated-User-Email")
    status, me = await call(system, "GET", "/api/auth/me", {"Cf-Access-Authenticated-User-Email": "mia@example.com"})
    assert status == 200 and me["role"] == "operator" and me["username"] == "mia@example.com"
