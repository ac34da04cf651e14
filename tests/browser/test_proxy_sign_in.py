"""Behind an authenticating proxy the UI shows no sign-in form: the proxy's header decides."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import expect_heading

pytestmark = pytest.mark.browser


async def test_proxy_user_gets_in_without_a_form_and_nobody_else_does(stack_factory, open_page) -> None:
    stack = await stack_factory(DISABLE_AUTHENTICATION="true")

    anonymous = await open_page(stack.url)
    await anonymous.goto("/")
    await expect(anonymous.get_by_text("did not say who you are")).to_be_visible()
    await expect(anonymous.get_by_label("Password")).to_have_count(0)

    proxied = await open_page(stack.url, headers={"X-Forwarded-User": "pat"})
    await proxied.goto("/settings/profile")
    await expect_heading(proxied, "Profile")
    await expect(proxied.get_by_role("banner")).to_contain_text("pat")
    await expect(proxied.get_by_text("handled by the authenticating proxy")).to_be_visible()
    await expect(proxied.get_by_role("button", name="Sign out")).to_have_count(0)
