"""Signing in, the first-admin password change, changing passwords and signing out."""

import asyncio
import os
import stat

import aiohttp

from tests.auth.client import ADMIN_PASSWORD, USER_PASSWORD, login, signed_in


async def get(session, url, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.get(url + path, headers=headers) as resp:
        return resp.status, await resp.json()


async def post(session, url, path, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.post(url + path, json=body, headers=headers) as resp:
        return resp.status, (await resp.json() if resp.content_type == "application/json" else None)


async def test_first_admin_must_change_the_factory_password(system_factory):
    system = await system_factory()
    url = system.url
    async with aiohttp.ClientSession() as http:
        status, body = await login(http, url, "admin", "admin123")
        assert status == 200, body
        assert body["token_type"] == "bearer" and body["must_change_password"] is True
        assert body["expires_in"] == 28800
        token = body["access_token"]

        status, me = await get(http, url, "/api/auth/me", token)
        assert status == 200
        assert me["username"] == "admin" and me["role"] == "admin" and me["must_change_password"] is True
        assert me["auth_source"] == "local" and me["created_at"] and me["last_login_at"]

        # Every route but me, change-password and logout is refused until the password changes.
        status, body = await get(http, url, "/api/users", token)
        assert (status, body["error"]["code"]) == (403, "password_change_required")
        status, body = await post(http, url, "/api/tokens", {"name": "x"}, token)
        assert (status, body["error"]["code"]) == (403, "password_change_required")

        for new, rule in (("short", "at least 8"), ("admin", "at least 8"), ("admin123", "factory")):
            status, body = await post(http, url, "/api/auth/change-password", {"current_password": "admin123", "new_password": new}, token)
            assert status == 400 and body["error"]["code"] == "invalid" and rule in body["error"]["message"], body
        status, body = await post(http, url, "/api/auth/change-password", {"current_password": "nope-nope", "new_password": ADMIN_PASSWORD}, token)
        assert status == 401

        status, fresh = await post(
            http, url, "/api/auth/change-password", {"current_password": "admin123", "new_password": ADMIN_PASSWORD}, token
        )
        assert status == 200, fresh
        assert fresh["must_change_password"] is False and fresh["token_type"] == "bearer"
        # The earlier token ended; the fresh one works everywhere.
        assert (await get(http, url, "/api/auth/me", token))[0] == 401
        status, users = await get(http, url, "/api/users", fresh["access_token"])
        assert status == 200 and [u["username"] for u in users] == ["admin"]
        assert (await login(http, url, "admin", "admin123"))[0] == 401
        assert (await login(http, url, "admin", ADMIN_PASSWORD))[0] == 200

    key = system.data_dir / ".secret_key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")


async def test_initial_admin_password_setting(system_factory):
    system = await system_factory(INITIAL_ADMIN_PASSWORD="first-Secret-9")
    async with aiohttp.ClientSession() as http:
        assert (await login(http, system.url, "admin", "admin123"))[0] == 401
        status, body = await login(http, system.url, "admin", "first-Secret-9")
        assert status == 200 and body["must_change_password"] is True


async def test_form_encoded_login_like_oauth2_clients(system):
    await signed_in(system)  # the admin password is changed
    async with aiohttp.ClientSession() as http:
        form = {"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD, "scope": ""}
        async with http.post(system.url + "/api/auth/login", data=form) as resp:
            assert resp.status == 200
            assert (await resp.json())["access_token"]


async def test_bad_credentials_read_the_same_for_unknown_users(system):
    async with aiohttp.ClientSession() as http:
        wrong = await login(http, system.url, "admin", "not-the-password")
        unknown = await login(http, system.url, "nobody-here", "not-the-password")
        invalid_name = await login(http, system.url, "bad name/x", "not-the-password")
        assert wrong[0] == unknown[0] == invalid_name[0] == 401
        assert wrong[1] == unknown[1] == invalid_name[1]
        assert wrong[1]["error"]["code"] == "unauthorized"
        status, body = await post(http, system.url, "/api/auth/login", {"username": "admin"})
        assert status == 400 and body["error"]["code"] == "invalid"
        status, body = await post(http, system.url, "/api/auth/login", {"username": "a" * 300, "password": "x"})
        assert status == 400 and body["error"]["code"] == "invalid"


async def test_no_or_garbage_token_is_401(system):
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic YWRtaW46YWRtaW4xMjM="}, {"Authorization": "Bearer abc.def.ghi"}, {"Authorization": "Bearer bwu_nope"}):
            async with http.get(system.url + "/api/auth/me", headers=headers) as resp:
                assert resp.status == 401, headers
                assert (await resp.json())["error"]["code"] == "unauthorized"
        # The UI and public routes need no token.
        async with http.get(system.url + "/") as resp:
            assert resp.status == 200
        status, config = await get(http, system.url, "/api/auth/config")
        assert status == 200 and config == {"authentication_disabled": False, "proxy_header": None}


async def test_logout_ends_every_earlier_token_but_not_later_ones(system):
    admin = await signed_in(system)
    try:
        viewer = await signed_in(system, "viewer", "logout-viewer")
        async with aiohttp.ClientSession() as http:
            status, second = await login(http, system.url, "logout-viewer", USER_PASSWORD)
            assert status == 200
            assert (await viewer.call("POST", "/api/auth/logout"))[0] == 204
            await asyncio.sleep(0.2)
            assert (await viewer.call("GET", "/api/auth/me"))[0] == 401
            assert (await get(http, system.url, "/api/auth/me", second["access_token"]))[0] == 401
            status, third = await login(http, system.url, "logout-viewer", USER_PASSWORD)
            assert (await get(http, system.url, "/api/auth/me", third["access_token"]))[0] == 200
        await viewer.close()
    finally:
        await admin.close()


async def test_sign_in_tokens_are_checked_without_asking_auth(system_factory):
    system = await system_factory()
    api = await signed_in(system)
    try:
        await system.stop_auth()
        # With the auth service gone, a sign-in token still opens routes that need only the caller.
        status, me = await api.call("GET", "/api/auth/me")
        assert status == 200 and me["username"] == "admin"
        async with aiohttp.ClientSession() as http:
            status, body = await login(http, system.url, "admin", ADMIN_PASSWORD)
            assert status == 503 and body["error"]["code"] == "unavailable"
        await system.start_auth()
    finally:
        await api.close()


async def test_token_ttl_setting(system_factory):
    system = await system_factory(TOKEN_TTL="60")
    async with aiohttp.ClientSession() as http:
        status, body = await login(http, system.url, "admin", "admin123")
        assert body["expires_in"] == 60
