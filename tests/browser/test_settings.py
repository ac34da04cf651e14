"""Settings pages against the real API: tokens shown once and revoked, user administration, theme."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import change_first_password, expect_heading, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-42"


async def test_tokens_users_and_theme(stack_factory, open_page) -> None:
    stack = await stack_factory()
    await change_first_password(stack.url, "admin", "admin123", PASSWORD)
    page = await open_page(stack.url)
    await page.goto("/settings/tokens")
    await sign_in(page, "admin", PASSWORD)
    await expect_heading(page, "API tokens")

    # A new token is shown once, listed by prefix only, and gone from the page after a reload.
    await page.get_by_label("Name").fill("nightly export")
    await page.get_by_label("Expires after (days)").fill("30")
    await page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("New API token")
    await expect(secret).to_have_value(re.compile(r".{20,}"))
    token = await secret.input_value()
    await expect(page.get_by_text("only time it is shown")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="nightly export")
    prefix = (await row.locator("code").inner_text()).rstrip("…")
    assert token.startswith(prefix) and len(prefix) < len(token)
    await page.reload()
    await expect(row).to_be_visible()
    await expect(page.get_by_label("New API token")).to_have_count(0)
    await row.get_by_role("button", name="Revoke nightly export").click()
    await page.get_by_role("dialog").get_by_role("button", name="Revoke token").click()
    await expect(page.get_by_text("You have no API tokens")).to_be_visible()

    # Create an operator, demote, reset the password, disable, delete.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    await page.get_by_label("Username").fill("otto")
    await page.get_by_label("Initial password").fill("operator-pass-42")
    await page.get_by_label("Role", exact=True).select_option("operator")
    await page.get_by_role("button", name="Add user").click()
    status = page.locator('[role="status"]')
    await expect(status).to_contain_text("otto was added as operator")
    otto = page.get_by_role("row").filter(has_text="otto")
    await otto.get_by_label("Role of otto").select_option("viewer")
    await expect(status).to_contain_text("otto is now viewer")
    await otto.get_by_role("button", name="Reset password of otto").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("New password").fill("otto")
    await dialog.get_by_role("button", name="Reset password").click()
    await expect(dialog.get_by_role("alert")).to_be_visible()
    await dialog.get_by_label("New password").fill("fresh-pass-42")
    await dialog.get_by_role("button", name="Reset password").click()
    await expect(status).to_contain_text("must change it")
    await expect(otto).to_contain_text("Must change password")
    await otto.get_by_role("button", name="Disable otto").click()
    await expect(otto).to_contain_text("Disabled")
    await otto.get_by_role("button", name="Delete otto").click()
    await dialog.get_by_role("button", name="Delete user").click()
    await expect(status).to_contain_text("otto was deleted")
    await expect(otto).to_have_count(0)

    # The theme choice applies at once and survives a reload.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    await page.get_by_label("Dark").check()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await expect(page.get_by_label("Dark")).to_be_checked()
