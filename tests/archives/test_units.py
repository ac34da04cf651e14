"""Pure decisions of the archive features: index state, restore selection and targets, file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from libs.contracts.envelope import RpcError
from services.executor.archives.catalog import index_state
from services.executor.archives.restore_plan import (
    check_destination,
    check_selection,
    target_of,
)
from services.gateway.api.archives import content_disposition


def test_index_state() -> None:
    assert index_state(None, None, None, 0).state == "none"
    assert index_state("queued", "j", None, 0).state == "queued"
    building = index_state("running", "j", None, 1234)
    assert (building.state, building.entries, building.job_id) == ("building", 1234, "j")
    assert index_state("succeeded", "j", ("ready", 10), 0).entries == 10
    # A ready index wins over a later failed rebuild: browsing keeps working.
    assert index_state("failed", "j", ("ready", 10), 0).state == "ready"
    assert index_state("interrupted", "j", None, 0).state == "failed"


def test_check_selection() -> None:
    assert check_selection(["/home/me/a", "home/me/a/b", "home/me/c/"], 2) == ["home/me/a", "home/me/c"]
    for paths, strip in ((["a/../b"], 0), ([], 0), (["/"], 0), (["a"], 2), (["a"], -1), (["a\x00b"], 0)):
        with pytest.raises(RpcError) as err:
            check_selection(paths, strip)
        assert err.value.code == "invalid"


def test_target_of() -> None:
    dest = Path("/restore")
    assert target_of("home/me/a.txt", 0, dest) == Path("/restore/home/me/a.txt")
    assert target_of("home/me/a.txt", 2, dest) == Path("/restore/a.txt")
    assert target_of("home/me", 2, dest) is None


def test_check_destination(tmp_path: Path) -> None:
    roots = (tmp_path.resolve(),)
    assert check_destination(str(tmp_path), roots) == tmp_path.resolve()
    (tmp_path / "link").symlink_to("/")
    for raw, code in (("rel", "invalid"), ("/", "forbidden"), (str(tmp_path / "link"), "forbidden"), (str(tmp_path / "no"), "not_found")):
        with pytest.raises(RpcError) as err:
            check_destination(raw, roots)
        assert err.value.code == code, raw


def test_content_disposition() -> None:
    assert content_disposition("a b.txt") == "attachment; filename=\"a b.txt\"; filename*=UTF-8''a%20b.txt"
    header = content_disposition('ü"x;.bin')
    assert header.startswith('attachment; filename="__x_.bin"') and "filename*=UTF-8''%C3%BC%22x%3B.bin" in header
