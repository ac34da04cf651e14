"""The frame works on a phone and by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import change_first_password, expect_heading, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-42"


async def test_phone_navigation_is_behind_the_menu_button(stack_factory, open_page) -> None:
    stack = await stack_factory()
    await change_first_password(stack.url, "admin", "admin123", PASSWORD)
    page = await open_page(stack.url, width=390, height=844)
    await page.goto("/")
    await sign_in(page, "admin", PASSWORD)
    await expect_heading(page, "Dashboard")

    menu = page.get_by_role("button", name="Menu")
    tokens_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="API tokens")
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(tokens_link).to_be_hidden()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390

    await menu.click()
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await expect(tokens_link).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(tokens_link).to_be_hidden()
    await expect(menu).to_be_focused()

    await menu.click()
    await tokens_link.click()
    await expect_heading(page, "API tokens")
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(page).to_have_url(re.compile(r"/settings/tokens$"))
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390


async def test_keyboard_only_sign_in_and_skip_link(stack_factory, open_page) -> None:
    stack = await stack_factory()
    page = await open_page(stack.url)
    await page.goto("/")
    keyboard = page.keyboard

    await expect(page.get_by_label("Username")).to_be_focused()
    await keyboard.type("admin")
    await keyboard.press("Tab")
    await keyboard.type("admin123")
    await keyboard.press("Enter")

    await expect_heading(page, "Choose a new password")
    await keyboard.press("Tab")
    await expect(page.get_by_label("Current password")).to_be_focused()
    await keyboard.type("admin123")
    await keyboard.press("Tab")
    await keyboard.type(PASSWORD)
    await keyboard.press("Tab")
    await keyboard.type(PASSWORD)
    await keyboard.press("Enter")
    await expect_heading(page, "Dashboard")

    # The first Tab reaches the skip link, which moves focus past the navigation.
    await keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    await expect(skip).to_be_focused()
    await keyboard.press("Enter")
    await expect(page.locator("#main")).to_be_focused()
