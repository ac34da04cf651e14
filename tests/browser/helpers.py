"""Steps the browser tests share."""

from __future__ import annotations

import aiohttp
from playwright.async_api import Page, expect


async def sign_in(page: Page, username: str, password: str) -> None:
    await expect_heading(page, "Sign in")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def change_first_password(base_url: str, username: str, old: str, new: str) -> None:
    """Finish the forced password change over the API, for tests about something else."""
    async with aiohttp.ClientSession(base_url) as http:
        async with http.post("/api/auth/login", json={"username": username, "password": old}) as resp:
            assert resp.status == 200, await resp.text()
            token = (await resp.json())["access_token"]
        async with http.post(
            "/api/auth/change-password",
            json={"current_password": old, "new_password": new},
            headers={"Authorization": f"Bearer {token}"},
        ) as resp:
            assert resp.status == 200, await resp.text()


async def expect_heading(page: Page, name: str) -> None:
    await expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
