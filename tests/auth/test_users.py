"""User administration, and how each change ends the user's earlier sign-ins."""

import asyncio

import pytest

from tests.auth.client import USER_PASSWORD, login, signed_in


@pytest.fixture
async def admin(system):
    session = await signed_in(system)
    yield session
    await session.close()


async def eventually_status(session, path, expected, within=3.0):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        status, body = await session.call("GET", path)
        if status == expected or asyncio.get_running_loop().time() > deadline:
            return status
        await asyncio.sleep(0.05)


async def test_create_list_and_conflict(admin):
    status, user = await admin.call("POST", "/api/users", json={"username": "carol.ops", "password": "carol-pass-1", "role": "operator"})
    assert status == 201
    assert user == {
        "username": "carol.ops", "role": "operator", "disabled": False, "must_change_password": False,
        "auth_source": "local", "created_at": user["created_at"], "last_login_at": None,
    }
    status, body = await admin.call("POST", "/api/users", json={"username": "Carol.Ops", "password": "carol-pass-1", "role": "viewer"})
    assert status == 409 and body["error"]["code"] == "conflict"
    status, users = await admin.call("GET", "/api/users")
    assert status == 200 and "carol.ops" in [u["username"] for u in users]
    fields = {"username", "role", "disabled", "must_change_password", "auth_source", "created_at", "last_login_at"}
    assert all(set(u) == fields for u in users)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"username": "bad name", "password": "good-pass-1", "role": "viewer"}, "user names"),
        ({"username": "x" * 65, "password": "good-pass-1", "role": "viewer"}, "user names"),
        ({"username": "dave", "password": "short", "role": "viewer"}, "at least 8"),
        ({"username": "dave.long", "password": "Dave.Long", "role": "viewer"}, "user name"),
        ({"username": "dave", "password": "admin123", "role": "viewer"}, "factory"),
        ({"username": "dave", "password": "good-pass-1", "role": "root"}, "role"),
        ({"username": "dave"}, "password"),
    ],
)
async def test_bad_new_user_is_400_and_changes_nothing(admin, body, words):
    status, error = await admin.call("POST", "/api/users", json=body)
    assert status == 400 and error["error"]["code"] == "invalid"
    assert words in error["error"]["message"]
    _, users = await admin.call("GET", "/api/users")
    assert "dave" not in [u["username"] for u in users] and "dave.long" not in [u["username"] for u in users]


async def test_role_change_ends_sessions_and_takes_effect(system, admin):
    user = await signed_in(system, "viewer", "erin")
    try:
        assert (await user.call("GET", "/api/users"))[0] == 403
        status, changed = await admin.call("PATCH", "/api/users/erin", json={"role": "admin"})
        assert status == 200 and changed["role"] == "admin"
        assert await eventually_status(user, "/api/auth/me", 401) == 401
        status, body = await login(user.session, system.url, "erin", USER_PASSWORD)
        user.token = body["access_token"]
        assert (await user.call("GET", "/api/users"))[0] == 200
        assert (await admin.call("PATCH", "/api/users/erin", json={"role": "viewer"}))[0] == 200
    finally:
        await user.close()


async def test_disable_ends_sessions_and_refuses_sign_in(system, admin):
    user = await signed_in(system, "operator", "frank")
    try:
        assert (await admin.call("PATCH", "/api/users/frank", json={"disabled": True}))[1]["disabled"] is True
        assert await eventually_status(user, "/api/auth/me", 401) == 401
        status, body = await login(user.session, system.url, "frank", USER_PASSWORD)
        assert status == 403 and body["error"]["code"] == "forbidden"
        # A wrong password still reads as a wrong password: "disabled" is only told to the owner.
        assert (await login(user.session, system.url, "frank", "wrong-password-x"))[0] == 401
        assert (await admin.call("PATCH", "/api/users/frank", json={"disabled": False}))[1]["disabled"] is False
        assert (await login(user.session, system.url, "frank", USER_PASSWORD))[0] == 200
    finally:
        await user.close()


async def test_reset_password_forces_a_change(system, admin):
    user = await signed_in(system, "viewer", "grace")
    try:
        status, body = await admin.call("POST", "/api/users/grace/reset-password", json={"new_password": "short"})
        assert status == 400
        status, body = await admin.call("POST", "/api/users/grace/reset-password", json={"new_password": "temporary-pass-1"})
        assert status == 200 and body["must_change_password"] is True
        assert await eventually_status(user, "/api/auth/me", 401) == 401
        assert (await login(user.session, system.url, "grace", USER_PASSWORD))[0] == 401
        status, signed = await login(user.session, system.url, "grace", "temporary-pass-1")
        assert signed["must_change_password"] is True
        user.token = signed["access_token"]
        assert (await user.call("GET", "/api/tokens"))[1]["error"]["code"] == "password_change_required"
        status, fresh = await user.call(
            "POST", "/api/auth/change-password", json={"current_password": "temporary-pass-1", "new_password": "grace-own-pass"}
        )
        assert status == 200
        user.token = fresh["access_token"]
        assert (await user.call("GET", "/api/tokens"))[0] == 200
    finally:
        await user.close()


async def test_delete_ends_sessions_and_name_can_be_reused(system, admin):
    user = await signed_in(system, "viewer", "heidi")
    try:
        old_token = user.token
        assert (await admin.call("DELETE", "/api/users/heidi"))[0] == 204
        assert await eventually_status(user, "/api/auth/me", 401) == 401
        assert (await admin.call("DELETE", "/api/users/heidi"))[0] == 404
        # Created again, the old name's earlier tokens stay dead.
        assert (await admin.call("POST", "/api/users", json={"username": "heidi", "password": USER_PASSWORD, "role": "admin"}))[0] == 201
        assert (await user.call("GET", "/api/auth/me"))[0] == 401
        assert user.token == old_token
    finally:
        await user.close()


async def test_the_last_enabled_admin_stays(system_factory):
    system = await system_factory()
    admin = await signed_in(system)
    try:
        for method, path, body in (
            ("DELETE", "/api/users/admin", None),
            ("PATCH", "/api/users/admin", {"role": "operator"}),
            ("PATCH", "/api/users/admin", {"disabled": True}),
        ):
            status, error = await admin.call(method, path, json=body)
            assert status == 409 and error["error"]["code"] == "conflict", (method, body)
        assert (await admin.call("GET", "/api/auth/me"))[1]["role"] == "admin"
        # With a second enabled admin, the first may go.
        assert (await admin.call("POST", "/api/users", json={"username": "ivan", "password": USER_PASSWORD, "role": "admin"}))[0] == 201
        assert (await admin.call("PATCH", "/api/users/ivan", json={"disabled": True}))[0] == 200
        assert (await admin.call("DELETE", "/api/users/admin"))[0] == 409  # ivan is disabled
        assert (await admin.call("PATCH", "/api/users/ivan", json={"disabled": False}))[0] == 200
        assert (await admin.call("PATCH", "/api/users/admin", json={"role": "viewer"}))[0] == 200
    finally:
        await admin.close()


async def test_unknown_user_is_404(admin):
    assert (await admin.call("PATCH", "/api/users/nobody", json={"role": "viewer"}))[0] == 404
    assert (await admin.call("POST", "/api/users/nobody/reset-password", json={"new_password": "whatever-1"}))[0] == 404
