"""A repository made through the wizard, a backup followed live to the end, its archive listed:
the whole path through the real system, real borg and real Chromium."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.helpers import change_first_password, expect_heading, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.borg]

PASSWORD = "correct-horse-42"
PASSPHRASE = "seven unrelated words make a strong passphrase"


def make_sources(root: Path, files: int = 3000, size: int = 1500, big: int = 4, big_size: int = 2_000_000) -> Path:
    """Thousands of small files and a few larger ones, all random so that lzma has real work."""
    root.mkdir(parents=True)
    for i in range(files):
        folder = root / f"d{i % 30:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"f{i:05d}.bin").write_bytes(os.urandom(size))
    for i in range(big):
        (root / f"big{i}.bin").write_bytes(os.urandom(big_size))
    return root


# Collect every value the progress bar shows, in the page, so no short-lived value is missed.
WATCH_PROGRESS = """() => {
  window.__progress = [];
  const timer = setInterval(() => {
    const bar = document.querySelector('.job-monitor [role=progressbar]');
    const value = bar?.getAttribute('aria-valuenow');
    if (value !== null && value !== undefined && window.__progress.at(-1) !== value) window.__progress.push(value);
  }, 20);
  window.__stopProgress = () => clearInterval(timer);
}"""


async def test_create_repository_back_up_with_live_progress_and_see_the_archive(stack_factory, open_page, borg_binary, tmp_path) -> None:
    root = tmp_path / "files"
    sources = make_sources(root / "documents")
    stack = await stack_factory(SOURCE_ROOTS=str(root), REPOSITORY_ROOTS=str(root), BORG_BINARY=borg_binary)
    await change_first_password(stack.url, "admin", "admin123", PASSWORD)
    page = await open_page(stack.url)
    await page.goto("/repositories")
    await sign_in(page, "admin", PASSWORD)
    await expect_heading(page, "Repositories")
    await expect(page.get_by_text("No repositories yet")).to_be_visible()

    # The wizard: create, where, then protection with the strength hint and the warning.
    await page.get_by_role("link", name="Add a repository").click()
    await expect_heading(page, "Add a repository")
    await page.get_by_role("button", name="Next").click()
    await page.get_by_label("Name").fill("documents")
    await page.get_by_label("Path").fill(str(root / "repo"))
    await page.get_by_role("button", name="Next").click()
    await expect(page.get_by_label("Encryption")).to_have_value("repokey-blake2")
    await page.get_by_label("Passphrase", exact=True).fill("abc")
    await expect(page.locator(".strength")).to_contain_text("Weak")
    await page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    await expect(page.locator(".strength")).to_contain_text("Strong")
    await page.get_by_label("Confirm passphrase").fill(PASSPHRASE)
    await expect(page.get_by_role("status").filter(has_text="Store this passphrase somewhere safe")).to_be_visible()
    await page.get_by_label("I have stored the passphrase safely").check()
    await page.get_by_role("button", name="Create repository").click()
    await expect_heading(page, "documents")
    await expect(page.locator(".archive-count")).to_have_text("0")

    # Back up the folder with slow compression, watching the bar move until it is done.
    await page.get_by_role("link", name="Back up now").click()
    await expect_heading(page, "Backup")
    await expect(page.get_by_label("Repository", exact=True)).to_have_value(re.compile(r"\w+"))
    await page.get_by_label("Sources").fill(str(sources))
    await page.get_by_label("Compression", exact=True).select_option("lzma")
    await page.get_by_label("Level").fill("6")
    await page.evaluate(WATCH_PROGRESS)
    await page.get_by_role("button", name="Start backup").click()
    monitor = page.locator(".job-monitor")
    await expect(monitor.get_by_role("progressbar")).to_be_visible()
    await expect(monitor).to_have_attribute("data-status", "succeeded", timeout=30000)
    await expect(monitor.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100.0")
    values = await page.evaluate("() => { window.__stopProgress(); return window.__progress; }")
    moving = sorted({float(v) for v in values if 0 < float(v) < 100})
    assert moving, f"the progress bar never showed a value between 0 and 100: {values}"
    assert values[-1] == "100.0"
    await expect(monitor).to_contain_text("3,004")
    archive = (await monitor.locator(".archive-name").text_content()).strip()
    assert archive

    # The repository page lists the archive and counts it.
    navigation = page.get_by_role("navigation", name="Main")
    await navigation.get_by_role("link", name="Repositories").click()
    await page.get_by_role("link", name="documents").click()
    await expect_heading(page, "documents")
    await expect(page.locator(".archive-count")).to_have_text("1")
    await expect(page.get_by_text(archive).first).to_be_visible()
