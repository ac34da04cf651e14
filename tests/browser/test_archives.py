"""The Archives page against the whole system and real borg: browse by keyboard into a nested
folder, search, open a file's versions, download one, restore with the dry run first, see what
changed, open an archive made elsewhere (indexed on first open), and a viewer without Restore."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.auth.client import ADMIN_PASSWORD, USER_PASSWORD
from tests.browser.helpers import expect_heading, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.borg]

FIRST = b"quarterly summary, first draft\n"
SECOND = b"quarterly summary, second draft with more words\n"
# Set to a folder to keep screenshots of the page at 1280 and 390 px, light and dark.
SCREENSHOTS = os.environ.get("BORGUI_SCREENSHOTS")


# The page's pure helpers, run from the modules as they ship.
HELPERS = """async () => {
  const f = await import('/static/js/pages/archives-format.js');
  const progress = await import('/static/js/components/archive-index-progress.js');
  return {
    parent: [f.parentPath('a/b/c'), f.parentPath('c'), f.parentPath('')],
    base: f.baseName('/a/b/c/'),
    crumbs: f.crumbs('a/b c'),
    kinds: [{type: 'd'}, {type: '-'}, {type: 'l'}, {type: '-', hardlink: true}, {type: 'p'}].map(f.entryKind),
    download: f.downloadUrl('r 1', 'a#b', ['x y/z', 'q'], 'tar.gz'),
    href: f.archivesHref({repo: 'r', archive: 'a', path: 'x/y', focus: 'x/y/z'}),
    percent: [progress.indexPercent(5, 0), progress.indexPercent(50, 100), progress.indexPercent(500, 100)],
  };
}"""


def make_source(src: Path) -> Path:
    """A small nested tree; returns the file that changes between the two backups."""
    summary = src / "docs" / "2026" / "reports" / "summary.txt"
    summary.parent.mkdir(parents=True)
    summary.write_bytes(FIRST)
    (src / "docs" / "2026" / "budget.ods").write_bytes(os.urandom(3000))
    (src / "photos").mkdir()
    (src / "photos" / "cat.jpg").write_bytes(os.urandom(20000))
    (src / "notes.txt").write_text("remember the milk\n")
    (src / "notes-link").symlink_to("notes.txt")
    (src / "many").mkdir()
    for i in range(205):
        (src / "many" / f"f{i:03}").write_bytes(b"x" * i)
    return summary


async def backup(session, repo_id: str, src: Path, name: str) -> None:
    options = {"sources": [str(src)], "archive_name_template": name}
    status, started = await session.call("POST", f"/api/repositories/{repo_id}/backup", json={"options": options})
    assert status == 202, started
    deadline = time.monotonic() + 30
    while True:
        status, job = await session.call("GET", f"/api/jobs/{started['job_id']}")
        # The job exists once the executor has taken the command: until then it is not found.
        if status == 200 and job["status"] in ("succeeded", "warning", "failed", "cancelled", "interrupted"):
            break
        assert time.monotonic() < deadline, job
        await asyncio.sleep(0.1)
    assert job["status"] == "succeeded", job


async def open_folder_by_keyboard(page: Page, path: str) -> None:
    """Enter on the active row opened a folder: wait for its listing, whose first row has focus."""
    await expect(page.get_by_role("grid", name=f"Contents of {path}")).to_be_visible()
    await expect(page.get_by_role("grid").locator("tbody tr").first).to_be_focused()


async def shoot(page: Page, name: str, full_page: bool = True) -> None:
    if not SCREENSHOTS:
        return
    for width, height in ((1280, 900), (390, 844)):
        await page.set_viewport_size({"width": width, "height": height})
        await page.wait_for_timeout(250)  # the navigation slides away when the layout narrows
        for theme in ("light", "dark"):
            await page.evaluate("theme => document.documentElement.dataset.theme = theme", theme)
            await page.screenshot(path=Path(SCREENSHOTS) / f"{name}-{width}-{theme}.png", full_page=full_page)
    await page.set_viewport_size({"width": 1280, "height": 900})


async def test_browse_search_versions_download_restore(stack_factory, api, open_page, borg_binary, tmp_path) -> None:
    root = tmp_path / "files"
    src = root / "src"
    summary = make_source(src)
    restore_root = tmp_path / "restore"
    restore_root.mkdir()
    stack = await stack_factory(REPOSITORY_ROOTS=str(root), SOURCE_ROOTS=str(root), RESTORE_ROOTS=str(restore_root))
    admin = await api(stack)
    status, repo = await admin.call(
        "POST", "/api/repositories", json={"name": "home", "location": str(root / "repo"), "encryption": "none"}
    )
    assert status == 201, repo
    await backup(admin, repo["id"], src, "daily-1")
    # Archive times have whole seconds: keep the two apart so "newest first" has one answer.
    await asyncio.sleep(1.1)
    summary.write_bytes(SECOND)
    os.utime(summary, (time.time() + 5, time.time() + 5))
    await backup(admin, repo["id"], src, "daily-2")

    page = await open_page(stack.url)
    await page.goto("/archives")
    assert await page.evaluate(HELPERS) == {
        "parent": ["a/b", "", ""],
        "base": "c",
        "crumbs": [{"name": "a", "path": "a"}, {"name": "b c", "path": "a/b c"}],
        "kinds": ["d", "-", "l", "h", "other"],
        "download": "/api/repositories/r%201/archives/a%23b/download?path=x+y%2Fz&path=q&format=tar.gz",
        "href": "/archives?repo=r&archive=a&path=x%2Fy&focus=x%2Fy%2Fz",
        "percent": [None, 50, 99],
    }
    await sign_in(page, "admin", ADMIN_PASSWORD)
    await expect_heading(page, "Archives")
    archives = page.get_by_role("region", name=re.compile(r"^Archives"))
    await expect(archives.get_by_role("row")).to_have_count(3)  # the header and two archives, newest first
    await expect(archives.get_by_role("row").nth(1)).to_contain_text("daily-2")
    await shoot(page, "archives-list")

    # Open the newest archive and walk down to the nested folder by keyboard alone: the archive
    # holds the source's absolute path, one folder per level.
    await archives.get_by_role("button", name="daily-2", exact=True).click()
    await expect(page.get_by_role("heading", level=2, name="daily-2")).to_be_visible()
    levels = src.relative_to("/").parts + ("docs", "2026", "reports")
    await expect(page.get_by_role("grid", name="Contents of daily-2")).to_be_visible(timeout=15000)
    await page.get_by_role("grid").locator("tbody tr").first.focus()
    for depth in range(len(levels)):
        await page.keyboard.press("Enter")
        await open_folder_by_keyboard(page, "/".join(levels[: depth + 1]))
    reports = "/".join(levels)
    grid = page.get_by_role("grid", name=f"Contents of {reports}")
    await expect(grid.get_by_role("row")).to_have_count(2)
    await expect(grid).to_contain_text("summary.txt")
    await expect(page.get_by_role("navigation", name="Folder path")).to_contain_text("reports")
    await shoot(page, "archives-folder")

    # Backspace goes up and keeps the folder we came from active; Enter goes back in.
    await page.keyboard.press("Backspace")
    up = page.get_by_role("grid", name=f"Contents of {'/'.join(levels[:-1])}")
    await expect(up).to_be_visible()
    await expect(up.get_by_role("row").filter(has_text="reports")).to_be_focused()
    await expect(up).to_contain_text("budget.ods")
    await page.keyboard.press("Enter")
    await expect(grid).to_be_visible()

    # Search across both archives: the hit names them, and opens its folder with the file active.
    await page.get_by_label("File or folder name").fill("summary")
    await page.get_by_role("button", name="Search", exact=True).click()
    hit = page.get_by_role("row").filter(has_text="summary.txt").filter(has_text="2 archives")
    await expect(hit).to_be_visible()
    await shoot(page, "archives-search")
    await hit.get_by_role("button", name="reports/summary.txt").click()
    await expect(page).to_have_url(re.compile(r"archive=daily-2&.*focus="))
    file_row = grid.get_by_role("row").filter(has_text="summary.txt")
    await expect(grid).to_have_attribute("aria-busy", "false")
    await expect(file_row).to_be_focused()

    # Enter on a file opens its versions: both archives, the second marked as a change.
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Versions of summary.txt")
    await expect(dialog.get_by_role("row")).to_have_count(3)
    await expect(dialog.get_by_role("row").nth(1)).to_contain_text("daily-1")
    await expect(dialog.get_by_role("row").nth(2)).to_contain_text("changed")
    await shoot(page, "archives-versions", full_page=False)

    # Download the older version: the bytes are the ones first backed up.
    async with page.expect_download() as waiting:
        await dialog.get_by_role("button", name="Download the version in daily-1").click()
    download = await waiting.value
    assert download.suggested_filename == "summary.txt"
    saved = tmp_path / "downloaded"
    await download.save_as(saved)
    assert saved.read_bytes() == FIRST
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_be_hidden()

    # Restore: Space selects, the dialog shows a dry run first, and only then writes.
    await file_row.focus()
    await page.keyboard.press("Space")
    await expect(file_row).to_have_attribute("aria-selected", "true")
    await page.get_by_role("button", name="Restore…").click()
    restore = page.get_by_role("dialog", name="Restore summary.txt")
    # A folder outside RESTORE_ROOTS is refused with the API's own words.
    await restore.get_by_label("Destination folder").fill(str(root))
    await restore.get_by_role("button", name="Preview restore").click()
    await expect(restore.get_by_role("alert")).to_contain_text("outside RESTORE_ROOTS")
    await restore.get_by_label("Destination folder").fill(str(restore_root))
    await restore.get_by_label("Strip leading folders").fill(str(len(levels)))
    await restore.get_by_role("button", name="Preview restore").click()
    await expect(restore.get_by_role("status").first).to_contain_text("1 file")
    await expect(restore).to_contain_text(str(restore_root / "summary.txt"))
    assert not (restore_root / "summary.txt").exists()
    await shoot(page, "archives-restore-plan", full_page=False)
    await restore.get_by_role("button", name="Restore", exact=True).click()
    await expect(restore.locator("[data-status]")).to_have_attribute("data-status", "succeeded", timeout=20000)
    assert (restore_root / "summary.txt").read_bytes() == SECOND
    await restore.get_by_role("button", name="Close").click()

    # What changed in daily-2 against daily-1: the rewritten file is among the modified entries.
    await page.get_by_role("link", name="What changed").click()
    modified = page.get_by_role("button", name=re.compile(r"\d+ modified"))
    await modified.click()
    await expect(modified).to_have_attribute("aria-pressed", "true")
    changed = page.locator(".change-table").get_by_role("row").filter(has_text="summary.txt")
    await expect(changed).to_contain_text("modified")
    await expect(changed).to_contain_text("31 B → 48 B")

    # An archive made outside the app is listed after reading the repository again, and indexed
    # when first opened; the folder then opens by itself.
    env = {"BORG_BASE_DIR": str(tmp_path / "outside"), "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes", "PATH": "/usr/bin:/bin"}
    subprocess.run([borg_binary, "create", f"{root / 'repo'}::elsewhere", str(src)], env=env, check=True, capture_output=True)
    await page.get_by_role("link", name="All archives").click()
    await page.get_by_role("button", name="Read again from the repository").click()
    outside = archives.get_by_role("row").filter(has_text="elsewhere")
    await expect(outside).to_contain_text("not indexed")
    browse_statuses: list[int] = []
    page.on("response", lambda response: "/elsewhere/browse" in response.url and browse_statuses.append(response.status))
    await outside.get_by_role("button", name="elsewhere", exact=True).click()
    await expect(page.get_by_role("grid", name="Contents of elsewhere")).to_be_visible(timeout=20000)
    assert browse_statuses[0] == 202 and browse_statuses[-1] == 200, browse_statuses
    await page.get_by_role("link", name="All archives").click()
    await expect(outside).to_contain_text("indexed")
    await expect(outside).not_to_contain_text("not indexed")

    # A big folder comes in pages of 200; sorting by size puts the largest first.
    many = f"{'/'.join(src.relative_to('/').parts)}/many"
    await page.goto(f"/archives?repo={repo['id']}&archive=daily-2&path={many}")
    grid = page.get_by_role("grid", name=f"Contents of {many}")
    await expect(page.get_by_text("1–200 of 205")).to_be_visible()
    await page.get_by_role("button", name="Next").click()
    await expect(page.get_by_text("201–205 of 205")).to_be_visible()
    await expect(grid.locator("tbody tr")).to_have_count(5)
    await grid.get_by_role("button", name=re.compile("^Size")).click()
    await grid.get_by_role("button", name=re.compile("^Size")).click()
    await expect(grid.get_by_role("columnheader", name=re.compile("^Size"))).to_have_attribute("aria-sort", "descending")
    await expect(grid.locator("tbody tr").first).to_contain_text("f204")

    # A viewer browses and downloads but is not offered Restore.
    await api(stack, role="viewer")
    viewer_page = await open_page(stack.url)
    await viewer_page.goto("/archives")
    await sign_in(viewer_page, "viewer", USER_PASSWORD)
    await expect_heading(viewer_page, "Archives")
    await viewer_page.goto(f"/archives?repo={repo['id']}&archive=daily-2&path={reports}")
    row = viewer_page.get_by_role("row").filter(has_text="summary.txt")
    await row.get_by_role("checkbox").check()
    await expect(viewer_page.get_by_role("region", name="Selection").get_by_role("button", name="Download")).to_be_visible()
    await expect(viewer_page.get_by_role("button", name="Restore…")).to_have_count(0)
