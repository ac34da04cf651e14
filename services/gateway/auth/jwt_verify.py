"""Local verification of sign-in tokens with the auth service's public key."""

from __future__ import annotations

import jwt
import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from libs.contracts.auth import Principal, Role
from libs.contracts.envelope import RpcError

# The only algorithm accepted, whatever the token's header says: no "none", no HMAC made with the
# public key as the secret.
ALGORITHMS = ["EdDSA"]
_REQUIRED = ["sub", "role", "iat", "exp", "jti", "sv"]


class Claims(msgspec.Struct):
    sub: str
    role: Role
    sv: int
    iat: int
    exp: int
    jti: str
    mcp: bool = False
    ca: str = ""
    ll: str | None = None

    def principal(self) -> Principal:
        return Principal(
            username=self.sub,
            role=self.role,
            must_change_password=self.mcp,
            auth_source="local",
            created_at=self.ca,
            last_login_at=self.ll,
        )


class KeyMismatch(Exception):
    """The signature does not verify with this key; a newer key may exist."""


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the auth service's public key is not Ed25519")
    return key


def verify(token: str, key: Ed25519PublicKey) -> Claims:
    """The token's claims if ``key`` signed it and it has not expired; else ``RpcError`` 401, or
    ``KeyMismatch`` when only the signature failed."""
    try:
        # No audience expected: PyJWT then refuses any token that has one, so a download ticket
        # (``aud`` = "download") is never taken for a sign-in token.
        payload = jwt.decode(token, key, algorithms=ALGORITHMS, options={"require": _REQUIRED})
    except jwt.ExpiredSignatureError:
        raise RpcError("unauthorized", "the sign-in token has expired; sign in again") from None
    except jwt.InvalidSignatureError:
        raise KeyMismatch() from None
    except jwt.InvalidTokenError:
        raise RpcError("unauthorized", "the sign-in token is not valid") from None
    try:
        return msgspec.convert(payload, Claims)
    except msgspec.ValidationError:
        raise RpcError("unauthorized", "the sign-in token is not valid") from None
