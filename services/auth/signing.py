"""The Ed25519 key that signs sign-in tokens, kept in ``$DATA_DIR/.secret_key``."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

log = logging.getLogger("auth.signing")

ALGORITHM = "EdDSA"


class KeyFileError(Exception):
    """The key file exists but cannot be used; the message says what to do."""


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    key_id: str
    public_pem: str
    created: bool


def _public_pem(private: Ed25519PrivateKey) -> str:
    return private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _key_id(private: Ed25519PrivateKey) -> str:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _create(path: Path) -> Ed25519PrivateKey:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two services starting at once must not overwrite each other's key; mode 0600 from birth.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return private


def _read(path: Path) -> Ed25519PrivateKey:
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError:
        private = None
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyFileError(
            f"{path} is not an Ed25519 private key in PEM form; delete it and restart to create a new one "
            "(everyone will have to sign in again)"
        )
    if path.stat().st_mode & 0o077:
        log.warning("%s can be read by other users; run: chmod 600 %s", path, path)
    return private


def load_or_create(path: Path) -> SigningKey:
    created = False
    try:
        private = _read(path)
    except FileNotFoundError:
        try:
            private, created = _create(path), True
            log.info("created a new token signing key in %s", path)
        except FileExistsError:
            private = _read(path)
    return SigningKey(private, _key_id(private), _public_pem(private), created)


def issue(key: SigningKey, claims: dict, ttl: int, now: float | None = None) -> str:
    """A signed token with ``claims`` plus the registered ones; ``kid`` names the key."""
    issued = int(time.time() if now is None else now)
    payload = {**claims, "iat": issued, "exp": issued + ttl, "jti": uuid.uuid4().hex}
    return jwt.encode(payload, key.private, algorithm=ALGORITHM, headers={"kid": key.key_id})
