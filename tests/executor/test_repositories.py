"""Creating, importing, editing and removing repositories with real borg."""

from __future__ import annotations

import json
import subprocess

import pytest

from libs.contracts.envelope import RpcError
from libs.secrets import MASK
from tests.executor.helpers import PASSPHRASE, create_repo

pytestmark = pytest.mark.borg


async def test_create_masks_the_passphrase_and_the_repository_opens(executor, bus):
    repo = await create_repo(bus, executor.root / "repo")
    assert repo["passphrase"] == MASK
    assert repo["encryption"] == "repokey-blake2"
    assert repo["stats"]["archive_count"] == 0
    listed = await bus.request("rpc.executor.repositories.list")
    assert [r["id"] for r in listed["items"]] == [repo["id"]]
    assert PASSPHRASE not in json.dumps(listed)
    # The repository really exists and opens with the passphrase.
    out = subprocess.run(
        ["borg", "info", "--json", str(executor.root / "repo")],
        env={"BORG_PASSPHRASE": PASSPHRASE, "BORG_BASE_DIR": str(executor.root / "probe"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=True,
    )
    assert json.loads(out.stdout)["encryption"]["mode"] == "repokey-blake2"
    # The passphrase is sealed in the database, not stored as text.
    db = (executor.settings.data_dir / "executor" / "executor.db").read_bytes()
    assert PASSPHRASE.encode() not in db


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"encryption": "repokey"}, "needs a passphrase"),
        ({"encryption": "none", "passphrase": "x"}, "takes no passphrase"),
        ({"location": "/etc/borg-repo"}, "outside the allowed folders"),
        ({"location": "relative/repo"}, "absolute path"),
        ({"name": " "}, "repository name"),
        ({"defaults": {"compression": "zstd,99"}}, "level"),
    ],
)
async def test_bad_create_requests_change_nothing(executor, bus, body, message):
    request = {"name": "r", "location": str(executor.root / "new"), "encryption": "none", **body}
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.repositories.create", request, timeout=30)
    assert err.value.code == "invalid"
    assert message in err.value.message
    assert not (executor.root / "new").exists()
    assert (await bus.request("rpc.executor.repositories.list"))["items"] == []


async def test_existing_non_empty_path_is_refused(executor, bus):
    target = executor.root / "full"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(RpcError) as err:
        await create_repo(bus, target)
    assert err.value.code == "invalid" and "not empty" in err.value.message
    assert [p.name for p in target.iterdir()] == ["keep.txt"]


async def test_empty_folder_is_accepted_and_names_are_unique(executor, bus):
    (executor.root / "empty").mkdir()
    await create_repo(bus, executor.root / "empty", encryption="none", passphrase=None)
    with pytest.raises(RpcError) as err:
        await create_repo(bus, executor.root / "other", name="MAIN", encryption="none", passphrase=None)
    assert err.value.code == "conflict"


async def test_import_checks_the_passphrase(executor, bus):
    path = executor.root / "outside-made"
    subprocess.run(
        ["borg", "init", "--encryption=repokey", str(path)],
        env={"BORG_PASSPHRASE": PASSPHRASE, "BORG_BASE_DIR": str(executor.root / "probe"), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.repositories.import", {"name": "imp", "location": str(path), "passphrase": "wrong one"}, timeout=30)
    assert err.value.code == "invalid" and "wrong passphrase" in err.value.message
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.repositories.import", {"name": "imp", "location": str(path)}, timeout=30)
    assert "passphrase is needed" in err.value.message
    assert (await bus.request("rpc.executor.repositories.list"))["items"] == []
    repo = await bus.request(
        "rpc.executor.repositories.import", {"name": "imp", "location": str(path), "passphrase": PASSPHRASE}, timeout=30
    )
    assert repo["encryption"] == "repokey" and repo["passphrase"] == MASK


async def test_import_of_a_folder_without_repository(executor, bus):
    (executor.root / "plain").mkdir()
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.repositories.import", {"name": "x", "location": str(executor.root / "plain")}, timeout=30)
    assert err.value.code == "invalid" and "no borg repository" in err.value.message


async def test_keyfile_repository_key_is_sealed_and_exported(executor, bus):
    repo = await create_repo(bus, executor.root / "kf", encryption="keyfile-blake2")
    assert repo["has_keyfile"] is True
    key = await bus.request("rpc.executor.repositories.key_export", {"id": repo["id"]}, timeout=30)
    assert key["content"].startswith("BORG_KEY ")
    db = (executor.settings.data_dir / "executor" / "executor.db").read_bytes()
    assert key["content"].split("\n")[1][:40].encode() not in db
    paper = await bus.request("rpc.executor.repositories.key_export", {"id": repo["id"], "format": "paper"}, timeout=30)
    assert paper["filename"].endswith(".txt") and paper["content"] != key["content"]


async def test_remove_keeps_data_and_delete_needs_the_name(executor, bus):
    repo = await create_repo(bus, executor.root / "gone", encryption="none", passphrase=None)
    await bus.request("rpc.executor.repositories.remove", {"id": repo["id"]})
    assert (executor.root / "gone" / "config").exists()
    again = await bus.request(
        "rpc.executor.repositories.import", {"name": "back", "location": str(executor.root / "gone")}, timeout=30
    )
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.repositories.remove", {"id": again["id"], "delete_data": True, "confirm_name": "nope"})
    assert err.value.code == "invalid"
    assert (executor.root / "gone" / "config").exists()
    await bus.request(
        "rpc.executor.repositories.remove", {"id": again["id"], "delete_data": True, "confirm_name": "back"}, timeout=30
    )
    assert not (executor.root / "gone").exists()
    assert (await bus.request("rpc.executor.repositories.list"))["items"] == []


async def test_rename_and_defaults(executor, bus):
    repo = await create_repo(bus, executor.root / "r", encryption="none", passphrase=None)
    src = executor.root / "src"
    src.mkdir()
    updated = await bus.request(
        "rpc.executor.repositories.update",
        {"id": repo["id"], "name": "renamed", "defaults": {"sources": [str(src)], "compression": "zstd,3"}},
    )
    assert updated["name"] == "renamed" and updated["defaults"]["compression"] == "zstd,3"
    with pytest.raises(RpcError) as err:
        await bus.request("rpc.executor.repositories.update", {"id": repo["id"], "defaults": {"sources": ["/etc"]}})
    assert err.value.code == "invalid"
