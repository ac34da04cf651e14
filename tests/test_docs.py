"""The documents that are generated from code are current.

The README's configuration table is rendered from ``libs.config.SETTINGS``; after adding or changing
a setting, rewrite it with ``.venv/bin/python -m tests.test_docs``.
"""

from __future__ import annotations

import re

import pytest

from libs.config import SETTINGS
from libs.contracts import docs
from tests.support import ROOT

README = ROOT / "README.md"
START, END = "<!-- settings:start -->", "<!-- settings:end -->"
_ROW = re.compile(r"^\| `(\w+)` \| (?:`([^`]*)`|\(empty\)) \|")


def settings_table() -> str:
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default else "(empty)"
        meaning = setting.help.replace("|", "\\|")
        rows.append(f"| `{setting.name}` | {default} | {meaning} |")
    return "\n".join(rows)


def readme_table(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def test_readme_lists_every_setting_with_its_default() -> None:
    rows = [_ROW.match(line) for line in readme_table(README.read_text()).splitlines()[2:]]
    assert all(rows), "a README configuration row is malformed"
    assert [(m.group(1), m.group(2) or "") for m in rows] == [(s.name, s.default) for s in SETTINGS]


def test_readme_settings_table_is_current() -> None:
    assert readme_table(README.read_text()) == settings_table(), "run `.venv/bin/python -m tests.test_docs`"


def test_events_document_is_current() -> None:
    # Compared without assert: pytest's diff of the whole document would bury the one line that matters.
    if docs.DOC_PATH.read_text() != docs.render():
        pytest.fail("docs/events.md is out of date with libs/contracts/: run `make docs`")


def test_readme_links_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", README.read_text()):
        assert (ROOT / target).exists(), target


def rewrite_readme() -> None:
    text = README.read_text()
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    README.write_text(f"{before}{START}\n{settings_table()}\n{END}{after}")


if __name__ == "__main__":
    rewrite_readme()
