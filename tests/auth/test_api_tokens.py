"""Personal API tokens: shown once, stored hashed, carry the owner's current role, revocable."""

import asyncio

import pytest

from tests.auth.client import signed_in


async def with_token(session, token, path="/api/auth/me"):
    async with session.session.get(session.url + path, headers={"Authorization": f"Bearer {token}"}) as resp:
        return resp.status, await resp.json()


async def eventually(session, token, expected, path="/api/auth/me", within=8.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        status, body = await with_token(session, token, path)
        if status == expected or loop.time() > deadline:
            return status
        await asyncio.sleep(0.1)


@pytest.fixture
async def admin(system):
    session = await signed_in(system)
    yield session
    await session.close()


async def test_create_use_list_and_revoke(system, admin):
    user = await signed_in(system, "operator", "scripter")
    try:
        status, created = await user.call("POST", "/api/tokens", json={"name": "nightly script", "expires_in_days": 30})
        assert status == 201
        token = created["token"]
        assert token.startswith(created["prefix"]) and created["expires_at"] and created["name"] == "nightly script"

        status, me = await with_token(user, token)
        assert status == 200 and me["username"] == "scripter" and me["auth_source"] == "token" and me["role"] == "operator"

        status, listed = await user.call("GET", "/api/tokens")
        assert status == 200 and len(listed) == 1
        assert set(listed[0]) == {"id", "name", "prefix", "created_at", "expires_at", "last_used_at"}
        assert listed[0]["last_used_at"] is not None
        assert token not in str(listed)
        # Another user sees none of them and cannot revoke them.
        assert (await admin.call("GET", "/api/tokens"))[1] == []
        assert (await admin.call("DELETE", f"/api/tokens/{created['id']}"))[0] == 404

        # The token carries its owner's role as it is now.
        assert (await with_token(user, token, "/api/users"))[0] == 403
        assert (await admin.call("PATCH", "/api/users/scripter", json={"role": "admin"}))[0] == 200
        assert await eventually(user, token, 200, "/api/users") == 200

        # The role change ended the sign-in token; the API token itself goes on.
        assert (await user.call("GET", "/api/auth/me"))[0] == 401
        user.token = token
        # Signing out does not end API tokens; revoking one does, within seconds.
        assert (await user.call("POST", "/api/auth/logout"))[0] == 204
        assert (await with_token(user, token))[0] == 200
        assert (await user.call("DELETE", f"/api/tokens/{created['id']}"))[0] == 204
        assert await eventually(user, token, 401) == 401
    finally:
        await user.close()


async def test_disabled_owner_locks_the_token_out(system, admin):
    user = await signed_in(system, "viewer", "token-owner")
    try:
        _, created = await user.call("POST", "/api/tokens", json={"name": "t"})
        assert created["expires_at"] is None
        assert (await with_token(user, created["token"]))[0] == 200
        assert (await admin.call("PATCH", "/api/users/token-owner", json={"disabled": True}))[0] == 200
        assert await eventually(user, created["token"], 403) == 403
    finally:
        await user.close()


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "x", "expires_in_days": 0}, {"name": "x", "expires_in_days": 100000}, {}])
async def test_bad_token_requests(admin, body):
    status, error = await admin.call("POST", "/api/tokens", json=body)
    assert status == 400 and error["error"]["code"] == "invalid"
    assert (await admin.call("GET", "/api/tokens"))[1] == []
