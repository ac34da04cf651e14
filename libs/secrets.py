"""Encryption of secrets at rest (repository passphrases, SSH private keys, notification URLs).

Each service keeps its own 32-byte key in ``$DATA_DIR/<service>/secret.key`` (mode 0600), separate
from the JWT signing key so that rotating one never exposes or invalidates the other. Secrets are
sealed with AES-256-GCM; the caller's *context* (e.g. ``"repository:<id>:passphrase"``) is bound as
associated data, so a ciphertext copied into another row or field fails to open instead of
silently yielding someone else's secret.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE_NAME = "secret.key"
KEY_SIZE = 32
NONCE_SIZE = 12
MASK = "••••••"

# The version is part of the token and of the associated data: a later format can coexist with
# old rows, and a token can never be reinterpreted under another version's rules.
_VERSION = "v1"
_PREFIX = _VERSION + ":"


class SecretError(Exception):
    """A secret could not be opened or the key could not be loaded; the message never holds it."""


def key_path(data_dir: Path, service: str) -> Path:
    """Where *service* keeps its secret key: ``<data_dir>/<service>/secret.key``."""
    return data_dir / service / KEY_FILE_NAME


def mask(secret: str | None) -> str:
    """What to show instead of a secret: a fixed mask when one is set, ``""`` when not."""
    return MASK if secret else ""


class SecretBox:
    """Seals and opens text secrets with one service's key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise SecretError(f"a secret key must be {KEY_SIZE} bytes, got {len(key)}")
        self._aead = AESGCM(key)

    @classmethod
    def load_or_create(cls, path: Path) -> SecretBox:
        """Load the key at *path*, creating it (0600, random) when it does not exist yet."""
        try:
            return cls(_read_key(path))
        except FileNotFoundError:
            pass
        _create_key(path)
        return cls(_read_key(path))

    def seal(self, plaintext: str, context: str) -> str:
        """Encrypt *plaintext* bound to *context*; returns ASCII text fit for a database column."""
        nonce = os.urandom(NONCE_SIZE)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), _associated_data(context))
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, token: str, context: str) -> str:
        """Decrypt a token made by :meth:`seal` with the same *context*."""
        associated = _associated_data(context)
        if not token.startswith(_PREFIX):
            raise SecretError(f"secret for {context!r} has an unknown format (expected {_VERSION})")
        try:
            raw = base64.b64decode(token[len(_PREFIX):].encode("ascii"), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise SecretError(f"secret for {context!r} is not valid base64") from None
        if len(raw) < NONCE_SIZE + 16:
            raise SecretError(f"secret for {context!r} is truncated")
        try:
            plain = self._aead.decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:], associated)
        except InvalidTag:
            raise SecretError(
                f"secret for {context!r} cannot be opened: it was tampered with, "
                "belongs to another record, or was sealed with another key"
            ) from None
        return plain.decode("utf-8")


def _associated_data(context: str) -> bytes:
    if not context:
        raise SecretError("a secret needs a context naming what it belongs to")
    return f"borgui-secret:{_VERSION}:{context}".encode("utf-8")


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_SIZE:
        raise SecretError(f"{path} holds {len(key)} bytes, a secret key has {KEY_SIZE}; refusing to use it")
    return key


def _create_key(path: Path) -> None:
    """Write a new key so that no reader ever sees a partial file and concurrent creators agree."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, os.urandom(KEY_SIZE))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        # link() refuses to replace an existing file: whoever links first wins, the rest read theirs.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
