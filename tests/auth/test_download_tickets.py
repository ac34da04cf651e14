"""Download tickets against the whole system and real borg: a browser-style GET with ``?ticket=``
and no Authorization header streams the file; a ticket opens exactly one URL for a minute, only on
routes declared for it, and is never a sign-in token (nor the other way round)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

import aiohttp
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.gateway.auth.tickets import canonical_url, matches_template
from tests.archives.trees import make_source
from tests.executor.test_stack import wait_http_job

pytestmark = pytest.mark.borg


def test_canonical_url_ignores_spelling_and_the_ticket() -> None:
    plain = canonical_url("/api/r 1/download", [("path", "a b/c"), ("format", "tar")])
    assert plain == canonical_url("/api/r 1/download", [("path", "a b/c"), ("ticket", "x"), ("format", "tar")])
    assert plain == "/api/r%201/download?path=a%20b%2Fc&format=tar"
    assert plain != canonical_url("/api/r 1/download", [("format", "tar"), ("path", "a b/c")])
    assert canonical_url("/api/x", []) == "/api/x"


def file_url(rid: str, archive: str, *paths: str, fmt: str | None = None) -> str:
    """Spelled as the web UI spells it (``+`` for spaces in the query)."""
    query = "&".join(f"path={quote(p, safe='').replace('%20', '+')}" for p in paths) + (f"&format={fmt}" if fmt else "")
    return f"/api/repositories/{quote(rid, safe='')}/archives/{quote(archive, safe='')}/download?{query}"


async def ticket_for(session, url: str) -> str:
    status, body = await session.call("POST", "/api/download-tickets", json={"url": url})
    assert status == 200, body
    assert body["expires_in"] == 60 and set(body) == {"ticket", "expires_in"}
    return body["ticket"]


async def fetch(base: str, url: str, ticket: str | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """A fresh client without any sign-in, as a browser following a link."""
    target = base + url + (f"&ticket={quote(ticket, safe='')}" if ticket is not None else "")
    async with aiohttp.ClientSession() as anonymous, anonymous.get(target, headers=headers or {}) as resp:
        return resp.status, await resp.read()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def split(url: str) -> tuple[str, list[tuple[str, str]]]:
    path, _, query = url.partition("?")
    return unquote(path), parse_qsl(query)


def signing_key(data_dir: Path) -> ed25519.Ed25519PrivateKey:
    """The auth service's own key, read from where it keeps it."""
    return serialization.load_pem_private_key((data_dir / ".secret_key").read_bytes(), password=None)


def sign(data_dir: Path, claims: dict, key: ed25519.Ed25519PrivateKey | None = None) -> str:
    return jwt.encode(claims, key or signing_key(data_dir), algorithm="EdDSA")


async def test_download_tickets(stack_factory, api, borg_binary, tmp_path: Path) -> None:
    root = tmp_path / "files"
    src = make_source(root / "src")
    stack = await stack_factory(SOURCE_ROOTS=str(root), REPOSITORY_ROOTS=str(root), INDEX_AFTER_BACKUP="false")
    operator = await api(stack, role="operator")
    viewer = await api(stack, role="viewer")
    status, repo = await operator.call("POST", "/api/repositories", json={"name": "r", "location": str(root / "repo"), "encryption": "none"})
    assert status == 201, repo
    rid = repo["id"]
    status, started = await operator.call(
        "POST", f"/api/repositories/{rid}/backup", json={"options": {"sources": [str(src)], "archive_name_template": "one"}}
    )
    assert status == 202, started
    assert (await wait_http_job(viewer, started["job_id"]))["status"] == "succeeded"
    prefix = str(src).lstrip("/")
    spaced = file_url(rid, "one", f"{prefix}/with space/a b c.bin")
    big = file_url(rid, "one", f"{prefix}/big.bin")

    # A viewer's ticket opens the download without the Authorization header; the bytes are borg's.
    ticket = await ticket_for(viewer, spaced)
    assert await fetch(stack.url, spaced, ticket) == (200, (src / "with space" / "a b c.bin").read_bytes())
    status, data = await fetch(stack.url, big, await ticket_for(viewer, big))
    assert status == 200 and data == (src / "big.bin").read_bytes()
    folder = file_url(rid, "one", f"{prefix}/docs", fmt="tar")
    status, data = await fetch(stack.url, folder, await ticket_for(viewer, folder))
    assert status == 200 and b"read me\n" in data
    # Without a ticket or header the download is closed, as before.
    assert (await fetch(stack.url, spaced))[0] == 401

    # One ticket, one URL: another file, another format or an extra parameter are refused.
    assert (await fetch(stack.url, big, ticket))[0] == 403
    assert (await fetch(stack.url, spaced + "&format=tar", ticket))[0] == 403
    assert (await fetch(stack.url, file_url(rid, "two", f"{prefix}/with space/a b c.bin"), ticket))[0] == 403
    status, _ = await fetch(stack.url, spaced + f"&ticket={quote(ticket, safe='')}", ticket)
    assert status == 401  # two tickets

    # Tickets are no sign-in tokens: not as a bearer token, not on routes that did not declare them.
    for path in ("/api/auth/me", spaced):
        assert (await fetch(stack.url, path, headers={"Authorization": f"Bearer {ticket}"}))[0] == 401
    assert (await fetch(stack.url, "/api/auth/me?x=1", ticket))[0] == 401
    # And sign-in tokens are no tickets.
    assert (await fetch(stack.url, spaced, viewer.token))[0] == 401

    # Expired, forged or altered tickets are refused.
    claims = jwt.decode(
        ticket, signing_key(stack.data_dir).public_key(), algorithms=["EdDSA"], audience="download"
    )
    assert claims["aud"] == "download" and claims["sub"] == "viewer" and claims["exp"] - claims["iat"] <= 60
    now = int(time.time())
    assert (await fetch(stack.url, spaced, sign(stack.data_dir, {**claims, "iat": now - 120, "exp": now - 60})))[0] == 401
    assert (await fetch(stack.url, spaced, sign(stack.data_dir, claims, ed25519.Ed25519PrivateKey.generate())))[0] == 401
    header, _, signature = ticket.split(".")
    altered = f"{header}.{b64(json.dumps({**claims, 'url': canonical_url(*split(big))}).encode())}.{signature}"
    assert (await fetch(stack.url, big, altered))[0] == 401
    assert (await fetch(stack.url, spaced, sign(stack.data_dir, {**claims, "aud": "other"})))[0] == 401
    assert (await fetch(stack.url, spaced, sign(stack.data_dir, claims)))[0] == 200  # the real key, as issued

    # Only routes declared for tickets get one; junk is refused with 400 and no ticket.
    for url in ("/api/auth/me", f"/api/repositories/{rid}/archives", "http://127.0.0.1/api/x", "/static/x", spaced + "&ticket=x"):
        status, body = await viewer.call("POST", "/api/download-tickets", json={"url": url})
        assert status == 400 and "ticket" not in body, (url, body)
    async with aiohttp.ClientSession() as anonymous, anonymous.post(stack.url + "/api/download-tickets", json={"url": spaced}) as resp:
        assert resp.status == 401

    # Signing out ends the user's tickets too.
    pending = await ticket_for(viewer, big)
    status, _ = await viewer.call("POST", "/api/auth/logout")
    assert status in (200, 204)
    assert (await fetch(stack.url, big, pending))[0] == 401


def test_route_templates_match_as_aiohttp_does() -> None:
    template = "/api/repositories/{id}/archives/{archive}/download"
    assert matches_template(template, "/api/repositories/r 1/archives/a#b/download")
    assert not matches_template(template, "/api/repositories/r/x/archives/a/download")
    assert not matches_template(template, "/api/repositories/r/archives/a/download/more")
    assert matches_template("/api/files/{rest:.+}", "/api/files/a/b")
