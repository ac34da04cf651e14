"""Signed-in HTTP sessions against a running gateway, for tests of every area.

``tests/conftest.py`` turns ``signed_in`` into the ``api`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

FACTORY_PASSWORD = "admin123"
# What the helper changes the first admin's password to, and gives the users it creates.
ADMIN_PASSWORD = "admin-password-for-tests"
USER_PASSWORD = "user-password-for-tests"

# Per gateway URL, the admin password in force, so repeated sign-ins never try a stale one (five
# wrong tries from one address would close the sign-in for 15 minutes).
_admin_passwords: dict[str, str] = {}


@dataclass
class ApiSession:
    """An aiohttp session bound to one gateway that sends a bearer token with every request.

    ``get/post/put/patch/delete/request`` are aiohttp's (paths are relative: ``"/api/users"``);
    ``call`` is a shortcut returning ``(status, decoded JSON or None)``.
    """

    url: str
    username: str
    password: str
    role: str
    token: str
    session: aiohttp.ClientSession

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def request(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kw: Any):
        return self.session.request(method, self.url + path, headers=self._headers(headers), **kw)

    def get(self, path: str, **kw: Any):
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any):
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any):
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any):
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any):
        return self.request("DELETE", path, **kw)

    async def call(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        async with self.request(method, path, **kw) as resp:
            data = await resp.json() if resp.content_type == "application/json" else None
            return resp.status, data

    async def close(self) -> None:
        await self.session.close()


async def login(session: aiohttp.ClientSession, url: str, username: str, password: str) -> tuple[int, Any]:
    async with session.post(f"{url}/api/auth/login", json={"username": username, "password": password}) as resp:
        return resp.status, await resp.json()


async def admin_token(session: aiohttp.ClientSession, url: str) -> tuple[str, str]:
    """(token, password) of ``admin`` with the factory password already changed."""
    known = _admin_passwords.get(url)
    for password in ([known] if known else [FACTORY_PASSWORD, ADMIN_PASSWORD]):
        status, data = await login(session, url, "admin", password)
        if status == 200:
            break
    else:
        raise AssertionError(f"cannot sign in as admin at {url}: {status} {data}")
    token = data["access_token"]
    if data["must_change_password"]:
        async with session.post(
            f"{url}/api/auth/change-password",
            json={"current_password": password, "new_password": ADMIN_PASSWORD},
            headers={"Authorization": f"Bearer {token}"},
        ) as resp:
            assert resp.status == 200, await resp.text()
            token, password = (await resp.json())["access_token"], ADMIN_PASSWORD
    _admin_passwords[url] = password
    return token, password


async def signed_in(target: Any, role: str = "admin", username: str | None = None) -> ApiSession:
    """A session signed in with ``role`` at ``target`` (a URL or anything with ``.url``).

    For ``admin`` it is the first admin, its factory password changed; for other roles the admin
    creates ``username`` (default: the role's name) unless it exists.
    """
    url = target if isinstance(target, str) else target.url
    session = aiohttp.ClientSession()
    try:
        token, password = await admin_token(session, url)
        name = "admin"
        if role != "admin" or (username and username != "admin"):
            name = username or role
            password = USER_PASSWORD
            async with session.post(
                f"{url}/api/users",
                json={"username": name, "password": password, "role": role},
                headers={"Authorization": f"Bearer {token}"},
            ) as resp:
                assert resp.status in (201, 409), await resp.text()
            status, data = await login(session, url, name, password)
            assert status == 200, data
            token = data["access_token"]
        return ApiSession(url, name, password, role, token, session)
    except BaseException:
        await session.close()
        raise
