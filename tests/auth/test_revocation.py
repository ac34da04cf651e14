"""Ended sign-ins and a replaced signing key reach every gateway copy within seconds."""

import asyncio

import aiohttp

from tests.auth.client import ADMIN_PASSWORD, login, signed_in


async def status_at(http, url, token):
    async with http.get(url + "/api/auth/me", headers={"Authorization": f"Bearer {token}"}) as resp:
        return resp.status


async def wait_status(http, url, token, expected, within=3.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (status := await status_at(http, url, token)) != expected and loop.time() < deadline:
        await asyncio.sleep(0.05)
    return status


async def test_logout_at_one_gateway_ends_the_token_at_another(system_factory):
    system = await system_factory()
    second = await system.add_gateway()
    admin = await signed_in(system)
    try:
        token = admin.token
        assert await status_at(admin.session, second, token) == 200
        assert (await admin.call("POST", "/api/auth/logout"))[0] == 204
        assert await wait_status(admin.session, second, token, 401) == 401
        # A gateway started after the revocation learns it at start.
        third = await system.add_gateway()
        assert await status_at(admin.session, third, token) == 401
        status, fresh = await login(admin.session, third, "admin", ADMIN_PASSWORD)
        assert await status_at(admin.session, second, fresh["access_token"]) == 200
    finally:
        await admin.close()


async def test_replacing_the_key_ends_every_earlier_token(system_factory):
    system = await system_factory()
    admin = await signed_in(system)
    second = await system.add_gateway()
    try:
        old_token = admin.token
        old_key = (system.data_dir / ".secret_key").read_bytes()
        await system.stop_auth()
        (system.data_dir / ".secret_key").unlink()
        await system.start_auth()
        assert (system.data_dir / ".secret_key").read_bytes() != old_key
        for url in (system.url, second):
            assert await wait_status(admin.session, url, old_token, 401) == 401
        status, body = await login(admin.session, system.url, "admin", ADMIN_PASSWORD)
        assert status == 200
        for url in (system.url, second):
            assert await status_at(admin.session, url, body["access_token"]) == 200
    finally:
        await admin.close()


async def test_a_gateway_started_before_auth_waits_for_it(system_factory):
    system = await system_factory()
    admin = await signed_in(system)
    try:
        await system.stop_auth()
        late = await system.add_gateway()
        async with aiohttp.ClientSession() as http:
            async with http.get(late + "/api/auth/me", headers={"Authorization": f"Bearer {admin.token}"}) as resp:
                assert resp.status == 503
                assert (await resp.json())["error"]["code"] == "unavailable"
            await system.start_auth()
            assert await wait_status(http, late, admin.token, 200) == 200
    finally:
        await admin.close()
