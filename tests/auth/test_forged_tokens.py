"""Every token that auth did not sign with its current key, as it is, is refused."""

import asyncio
import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from tests.auth.client import signed_in


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parts(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64(header)), json.loads(unb64(payload)), signature


def assemble(header: dict, payload: dict, signature: bytes | str) -> str:
    sig = signature if isinstance(signature, str) else b64(signature)
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}.{sig}"


@pytest.fixture(scope="module")
async def viewer(system):
    session = await signed_in(system, "viewer", "forger")
    yield session
    await session.close()


async def status_with(system, viewer, token: str, path="/api/auth/me") -> int:
    async with viewer.session.get(system.url + path, headers={"Authorization": f"Bearer {token}"}) as resp:
        if resp.status == 401:
            assert (await resp.json())["error"]["code"] == "unauthorized"
        return resp.status


def real_key(system):
    return serialization.load_pem_private_key((system.data_dir / ".secret_key").read_bytes(), password=None)


async def test_the_genuine_token_works(system, viewer):
    assert await status_with(system, viewer, viewer.token) == 200
    header, payload, _ = parts(viewer.token)
    assert header["alg"] == "EdDSA" and header["kid"]
    assert {"sub", "role", "iat", "exp", "jti", "sv"} <= payload.keys()
    assert payload["sub"] == "forger" and payload["role"] == "viewer"


def forgeries(system, token: str) -> dict[str, str]:
    header, payload, signature = parts(token)
    signing_input = token.rsplit(".", 1)[0].encode()
    admin_claims = {**payload, "role": "admin"}
    public_pem = real_key(system).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    raw_sig = bytearray(unb64(signature))
    raw_sig[0] ^= 0x01
    now = int(time.time())
    return {
        "alg none": assemble({"alg": "none", "typ": "JWT"}, admin_claims, ""),
        "alg None, signature kept": assemble({**header, "alg": "None"}, payload, signature),
        "HS256 with the public key as secret": assemble(
            {"alg": "HS256", "typ": "JWT"},
            admin_claims,
            hmac.new(public_pem, f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(admin_claims).encode())}".encode(), hashlib.sha256).digest(),
        ),
        "RS256 with another key": jwt.encode(admin_claims, rsa.generate_private_key(65537, 2048), algorithm="RS256"),
        "ES256 with another key": jwt.encode(admin_claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256"),
        "EdDSA with another key": jwt.encode(admin_claims, ed25519.Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": header["kid"]}),
        "bad signature": f"{signing_input.decode()}.{b64(bytes(raw_sig))}",
        "changed claim (role)": assemble(header, admin_claims, signature),
        "changed claim (sub)": assemble(header, {**payload, "sub": "admin"}, signature),
        "changed claim (exp)": assemble(header, {**payload, "exp": payload["exp"] + 86400}, signature),
        "expired": jwt.encode({**payload, "iat": now - 7200, "exp": now - 60}, real_key(system), algorithm="EdDSA", headers={"kid": header["kid"]}),
        "missing session version": jwt.encode(
            {k: v for k, v in payload.items() if k != "sv"}, real_key(system), algorithm="EdDSA"
        ),
        "unknown role": jwt.encode({**payload, "role": "root"}, real_key(system), algorithm="EdDSA"),
        "truncated": token[:-10],
        "two parts": signing_input.decode(),
    }


CASES = [
    "alg none", "alg None, signature kept", "HS256 with the public key as secret", "RS256 with another key",
    "ES256 with another key", "EdDSA with another key", "bad signature", "changed claim (role)", "changed claim (sub)",
    "changed claim (exp)", "expired", "missing session version", "unknown role", "truncated", "two parts",
]


@pytest.mark.parametrize("case", CASES)
async def test_forged_token_is_401(system, viewer, case):
    forged = forgeries(system, viewer.token)[case]
    assert await status_with(system, viewer, forged) == 401
    assert await status_with(system, viewer, forged, "/api/users") == 401


async def test_a_token_signed_with_the_real_key_is_accepted(system, viewer):
    """The control for the cases above: the same construction with the genuine key passes."""
    _, payload, _ = parts(viewer.token)
    token = jwt.encode({**payload, "jti": "another"}, real_key(system), algorithm="EdDSA")
    assert await status_with(system, viewer, token) == 200


async def test_a_token_already_verified_still_expires(system, viewer):
    """The gateway remembers verified tokens; the memory must not outlive the token."""
    _, payload, _ = parts(viewer.token)
    now = int(time.time())
    token = jwt.encode({**payload, "jti": "short-lived", "iat": now, "exp": now + 2}, real_key(system), algorithm="EdDSA")
    assert await status_with(system, viewer, token) == 200
    await asyncio.sleep(now + 2 - time.time() + 0.05)
    assert await status_with(system, viewer, token) == 401
