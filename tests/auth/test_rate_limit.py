"""Five failed sign-ins per user name and address in 15 minutes close that bucket."""

import asyncio
import logging

import aiohttp
import msgspec

from libs.contracts.auth import LoginFailed, LoginSucceeded
from tests.auth.client import USER_PASSWORD, signed_in


async def attempt(url, username, password, source="127.0.0.1"):
    connector = aiohttp.TCPConnector(local_addr=(source, 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        async with http.post(url + "/api/auth/login", json={"username": username, "password": password}) as resp:
            return resp.status, resp.headers.get("Retry-After"), await resp.json()


async def test_five_failures_then_429_with_retry_after(system, caplog):
    admin = await signed_in(system)
    await (await signed_in(system, "viewer", "limited")).close()
    events: list[tuple[str, bytes]] = []

    async def collect(msg):
        events.append((msg.subject, msg.data))

    sub = await system.bus.nc.subscribe("evt.auth.*", cb=collect)
    try:
        with caplog.at_level(logging.WARNING, logger="auth"):
            for _ in range(5):
                status, _, body = await attempt(system.url, "limited", "wrong-password-1")
                assert status == 401, body
            status, retry, body = await attempt(system.url, "limited", "wrong-password-1")
            assert status == 429 and body["error"]["code"] == "rate_limited"
            assert 0 < int(retry) <= 900
            # Even the right password is refused while the bucket is closed ...
            assert (await attempt(system.url, "limited", USER_PASSWORD))[0] == 429
        # ... but only for that user name from that address.
        assert (await attempt(system.url, "limited", USER_PASSWORD, source="127.0.0.9"))[0] == 200
        assert (await attempt(system.url, "admin", admin.password))[0] == 200
        await asyncio.sleep(0.3)
    finally:
        await sub.unsubscribe()
        await admin.close()

    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("authentication failed")]
    assert len(failures) == 7, failures
    assert all("user=limited ip=127.0.0.1" in line for line in failures)
    assert not any("wrong-password-1" in r.getMessage() or USER_PASSWORD in r.getMessage() for r in caplog.records)

    failed = [msgspec.json.decode(d, type=LoginFailed) for s, d in events if s == "evt.auth.login_failed"]
    succeeded = [msgspec.json.decode(d, type=LoginSucceeded) for s, d in events if s == "evt.auth.login_succeeded"]
    assert [f.reason for f in failed] == ["bad_credentials"] * 5 + ["rate_limited"] * 2
    assert {(s.username, s.ip) for s in succeeded} == {("limited", "127.0.0.9"), ("admin", "127.0.0.1")}
    assert not any(b"wrong-password-1" in d or USER_PASSWORD.encode() in d for _, d in events)


async def test_success_empties_the_bucket(system):
    await (await signed_in(system, "viewer", "forgetful")).close()
    for _ in range(4):
        assert (await attempt(system.url, "forgetful", "wrong-password-2"))[0] == 401
    assert (await attempt(system.url, "forgetful", USER_PASSWORD))[0] == 200
    for _ in range(4):
        assert (await attempt(system.url, "forgetful", "wrong-password-2"))[0] == 401
    assert (await attempt(system.url, "forgetful", USER_PASSWORD))[0] == 200


async def test_logins_run_in_parallel(system):
    """Twenty sign-ins at once finish well within a second each way: hashing runs off the loop."""
    await (await signed_in(system, "viewer", "parallel")).close()
    async with aiohttp.ClientSession() as http:
        async def one():
            async with http.post(system.url + "/api/auth/login", json={"username": "parallel", "password": USER_PASSWORD}) as resp:
                return resp.status

        loop = asyncio.get_running_loop()
        started = loop.time()
        statuses = await asyncio.gather(*(one() for _ in range(20)))
        assert statuses == [200] * 20
        assert loop.time() - started < 5
