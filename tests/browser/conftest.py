"""One headless Chromium for the whole session; each test gets fresh contexts (no shared storage)."""

from __future__ import annotations

from typing import AsyncIterator, Awaitable, Callable

import pytest
from playwright.async_api import Browser, Page, async_playwright

# As root Chromium needs --no-sandbox; the rest keep it from reaching for the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

OpenPage = Callable[..., Awaitable[Page]]


@pytest.fixture(scope="session")
async def browser(chromium_binary: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_binary, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def open_page(browser: Browser) -> AsyncIterator[OpenPage]:
    """``await open_page(base_url, width=…, headers=…)``: a page in its own context; script errors fail the test."""
    contexts = []
    errors: list[str] = []

    async def open_(base_url: str, width: int = 1280, height: int = 800, headers: dict[str, str] | None = None) -> Page:
        context = await browser.new_context(
            base_url=base_url, viewport={"width": width, "height": height}, extra_http_headers=headers
        )
        context.set_default_timeout(5000)
        contexts.append(context)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        await context.close()
    assert not errors, f"script errors in the page: {errors}"
