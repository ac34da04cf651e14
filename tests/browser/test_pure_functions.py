"""The UI's pure helpers, run in the browser itself (the modules are served as they ship)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CHECKS = """async () => {
  const router = await import('/static/js/router.js');
  const api = await import('/static/js/api.js');
  const format = await import('/static/js/format.js');
  const session = await import('/static/js/session.js');
  return {
    params: router.matchPath('/archives/:repo/:name', '/archives/r%201/a'),
    noMatch: router.matchPath('/archives/:repo', '/archives'),
    nextLocal: router.safeNext('/settings/users?x=1'),
    nextOther: [router.safeNext('//evil.example'), router.safeNext('/\\\\evil.example'), router.safeNext('https://evil.example'), router.safeNext('/login?next=/'), router.safeNext(null)],
    limited: api.errorMessage(429, {error: {code: 'rate_limited', message: 'too many failed sign-ins'}}, '600'),
    plain: api.errorMessage(409, {error: {code: 'conflict', message: 'admin is the last enabled admin and cannot be deleted'}}, null),
    noBody: api.errorMessage(503, null, null),
    unknown: api.errorMessage(418, null, null),
    never: format.formatDate(null),
    date: format.formatDate('2026-05-03T14:05:00.000Z').length,
    roles: [session.hasRole('admin', 'operator'), session.hasRole('viewer', 'operator'), session.hasRole('operator', 'operator'), session.hasRole(undefined, 'viewer')],
  };
}"""


async def test_helpers(stack_factory, open_page) -> None:
    stack = await stack_factory()
    page = await open_page(stack.url)
    await page.goto("/login")
    got = await page.evaluate(CHECKS)
    assert got["params"] == {"repo": "r 1", "name": "a"}
    assert got["noMatch"] is None
    assert got["nextLocal"] == "/settings/users?x=1"
    assert got["nextOther"] == ["/"] * 5
    assert got["limited"] == "too many failed sign-ins. Try again in 10 minutes."
    assert got["plain"] == "admin is the last enabled admin and cannot be deleted."
    assert got["noBody"].startswith("A service is not available")
    assert got["unknown"] == "The request failed (HTTP 418)."
    assert got["never"] == "—"
    assert got["date"] == len("2026-05-03 14:05")
    assert got["roles"] == [True, False, True, False]
