"""libs.secrets: encryption of secrets at rest."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from libs.secrets import KEY_SIZE, SecretBox, SecretError, key_path, mask


@pytest.fixture
def box(tmp_path: Path) -> SecretBox:
    return SecretBox.load_or_create(key_path(tmp_path, "executor"))


def test_round_trip(box: SecretBox) -> None:
    for secret in ("correct horse battery staple", "", "ünïcødé 🔑", "x" * 10_000):
        token = box.seal(secret, "repository:1:passphrase")
        assert secret not in token or secret == ""
        assert token.startswith("v1:") and token.isascii()
        assert box.open(token, "repository:1:passphrase") == secret


def test_each_seal_differs(box: SecretBox) -> None:
    assert box.seal("same", "ctx") != box.seal("same", "ctx")


def test_tampered(box: SecretBox) -> None:
    token = box.seal("secret", "ctx")
    body = token[3:]
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    with pytest.raises(SecretError, match="tampered"):
        box.open("v1:" + flipped, "ctx")
    with pytest.raises(SecretError, match="truncated"):
        box.open("v1:AAAA", "ctx")
    with pytest.raises(SecretError, match="base64"):
        box.open("v1:***", "ctx")
    with pytest.raises(SecretError, match="unknown format"):
        box.open("v2:" + body, "ctx")


def test_wrong_context(box: SecretBox) -> None:
    token = box.seal("secret", "repository:1:passphrase")
    with pytest.raises(SecretError, match="repository:2:passphrase"):
        box.open(token, "repository:2:passphrase")
    with pytest.raises(SecretError, match="context"):
        box.seal("secret", "")


def test_wrong_key(tmp_path: Path, box: SecretBox) -> None:
    other = SecretBox.load_or_create(key_path(tmp_path, "notifier"))
    token = box.seal("secret", "ctx")
    with pytest.raises(SecretError) as raised:
        other.open(token, "ctx")
    assert "secret" not in str(raised.value).replace("secret for", "")


def test_key_file(tmp_path: Path) -> None:
    path = key_path(tmp_path / "data", "executor")
    assert path == tmp_path / "data" / "executor" / "secret.key"
    first = SecretBox.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == KEY_SIZE
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no temporary file left
    token = first.seal("kept", "ctx")
    again = SecretBox.load_or_create(path)
    assert again.open(token, "ctx") == "kept"


def test_damaged_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_bytes(b"short")
    with pytest.raises(SecretError, match="refusing"):
        SecretBox.load_or_create(path)


def test_mask() -> None:
    assert mask("hunter2") == "••••••"
    assert mask("") == ""
    assert mask(None) == ""
