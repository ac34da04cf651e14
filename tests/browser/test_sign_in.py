"""Sign-in in a real browser against the whole system: first-login password change, sign-out,
user management and what a viewer is refused."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import expect_heading, sign_in

pytestmark = pytest.mark.browser

NEW_ADMIN_PASSWORD = "correct-horse-42"
VIEWER_PASSWORD = "viewer-pass-42"


async def test_admin_first_login_then_viewer_is_refused_admin_pages(stack_factory, open_page) -> None:
    stack = await stack_factory()
    page = await open_page(stack.url)

    # Any page without a session lands on the sign-in form, remembering where it was going.
    await page.goto("/settings/tokens")
    await expect(page).to_have_url(re.compile(r"/login\?next=%2Fsettings%2Ftokens$"))
    await sign_in(page, "admin", "wrong-password")
    await expect(page.get_by_role("alert")).to_contain_text(re.compile(r"\w"))
    await sign_in(page, "admin", "admin123")

    # The default password must be changed before anything else; the server's rule is shown.
    await expect_heading(page, "Choose a new password")
    await expect(page).to_have_url(re.compile(r"/change-password$"))
    await page.goto("/settings/users")
    await expect(page).to_have_url(re.compile(r"/change-password$"))
    await page.get_by_label("Current password").fill("admin123")
    await page.get_by_label("New password", exact=True).fill("short")
    await page.get_by_label("Confirm new password").fill("short")
    await page.get_by_role("button", name="Change password and continue").click()
    await expect(page.get_by_role("alert")).to_contain_text("at least 8 characters")
    await page.get_by_label("New password", exact=True).fill(NEW_ADMIN_PASSWORD)
    await page.get_by_label("Confirm new password").fill(NEW_ADMIN_PASSWORD)
    await page.get_by_role("button", name="Change password and continue").click()
    await expect_heading(page, "Dashboard")
    # The dashboard's own data loads now that the password is changed.
    await expect(page.get_by_role("heading", name="No repositories yet")).to_be_visible()

    # Out and back in with the new password: straight to the dashboard this time.
    await page.get_by_role("button", name="Sign out").first.click()
    await expect_heading(page, "Sign in")
    await sign_in(page, "admin", NEW_ADMIN_PASSWORD)
    await expect_heading(page, "Dashboard")

    # Create a viewer; the API's refusal to delete the last admin is shown in the dialog.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    await expect_heading(page, "Users")
    await expect(page).to_have_title("Users · Borg Web UI")
    await page.get_by_role("button", name="Delete admin").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("button", name="Delete user").click()
    await expect(dialog.get_by_role("alert")).to_contain_text("last enabled admin")
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await page.get_by_label("Username").fill("vera")
    await page.get_by_label("Initial password").fill(VIEWER_PASSWORD)
    await page.get_by_label("Role", exact=True).select_option("viewer")
    await page.get_by_role("button", name="Add user").click()
    await expect(page.get_by_role("status")).to_contain_text("vera was added as viewer")
    row = page.get_by_role("row").filter(has_text="vera")
    await expect(row.get_by_label("Role of vera")).to_have_value("viewer")

    # The viewer sees no Users entry and is refused the page when going there directly.
    await page.get_by_role("button", name="Sign out").first.click()
    await sign_in(page, "vera", VIEWER_PASSWORD)
    await expect_heading(page, "Dashboard")
    navigation = page.get_by_role("navigation", name="Main")
    await expect(navigation.get_by_role("link", name="API tokens")).to_be_visible()
    await expect(navigation.get_by_role("link", name="Users")).to_have_count(0)
    await page.goto("/settings/users")
    await expect(page.get_by_role("alert")).to_contain_text("You do not have access to this page")
    await expect(page.get_by_role("alert")).to_contain_text("needs the admin role")
    await expect(page.get_by_role("table")).to_have_count(0)
