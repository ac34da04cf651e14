"""The pure decisions behind sign-in and access."""

import ipaddress
import time

import pytest

from libs.contracts.auth import Principal
from services.auth.api_tokens import is_expired, new_token, token_hash
from services.auth.rules import password_problem, printable, retry_after, username_problem
from services.gateway.auth.cache import TtlCache
from services.gateway.auth.decide import refusal
from services.gateway.auth.proxy import client_ip, is_trusted, proxy_username
from services.gateway.auth.revocations import Revocations

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))


@pytest.mark.parametrize(
    ("password", "rule"),
    [("short", "at least 8"), ("alice.b", "at least 8"), ("Alice.Smith", "user name"), ("admin123", "factory"), ("x" * 2000, "at most")],
)
def test_password_rules_name_the_failed_rule(password, rule):
    assert rule in password_problem("alice.smith", password)


def test_good_password_passes():
    assert password_problem("alice", "correct horse battery") is None


@pytest.mark.parametrize("name", ["a", "alice.smith", "bob_1", "carol@example.com", "x-y", "A" * 64])
def test_valid_usernames(name):
    assert username_problem(name) is None


@pytest.mark.parametrize("name", ["", "a b", "a/b", "ünïcode", "A" * 65, "semi;colon", "new\nline"])
def test_invalid_usernames(name):
    assert username_problem(name) is not None


def test_bucket_closes_after_five_failures_and_reopens():
    now = 10_000.0
    assert retry_after([now - 10] * 4, now) is None
    wait = retry_after([now - 100, now - 50, now - 40, now - 30, now - 20], now)
    assert wait == 900 - 100
    assert retry_after([now - 901] * 5, now) is None


def test_refusals():
    def who(role, must_change=False):
        return Principal(username="u", role=role, must_change_password=must_change, auth_source="local", created_at="")

    assert refusal("authenticated", False, who("viewer")) is None
    assert refusal("viewer", False, who("viewer")) is None
    assert refusal("operator", False, who("viewer")).code == "forbidden"
    assert refusal("admin", False, who("operator")).code == "forbidden"
    assert refusal("operator", False, who("admin")) is None
    assert refusal("authenticated", False, who("admin", True)).code == "password_change_required"
    assert refusal("authenticated", True, who("admin", True)) is None
    assert refusal("superuser", False, who("admin")).code == "forbidden"


def test_trusted_peers():
    assert is_trusted("127.0.0.1", LOOPBACK)
    assert is_trusted("::ffff:127.0.0.1", LOOPBACK)
    assert is_trusted("::1", LOOPBACK)
    assert not is_trusted("127.0.0.2", LOOPBACK)
    assert not is_trusted(None, LOOPBACK)
    assert not is_trusted("not an address", LOOPBACK)


def test_proxy_header_order():
    headers = {"Remote-User": "third", "X-Remote-User": "second", "X-authentik-username": "fourth"}
    assert proxy_username(headers, "X-Forwarded-User") == "second"
    assert proxy_username({**headers, "X-Forwarded-User": "first"}, "X-Forwarded-User") == "first"
    assert proxy_username({"X-authentik-username": "fourth"}, "X-Forwarded-User") == "fourth"
    assert proxy_username({"X-Forwarded-User": "  "}, "X-Forwarded-User") is None
    assert proxy_username({"Cf-Access-Authenticated-User-Email": "a@b"}, "Cf-Access-Authenticated-User-Email") == "a@b"


def test_client_ip_follows_forwarded_for_only_from_trusted_peers():
    assert client_ip("127.0.0.1", "203.0.113.9", LOOPBACK) == "203.0.113.9"
    assert client_ip("127.0.0.1", "198.51.100.1, 203.0.113.9", LOOPBACK) == "203.0.113.9"
    assert client_ip("127.0.0.1", "203.0.113.9, 127.0.0.1", LOOPBACK) == "203.0.113.9"
    assert client_ip("192.0.2.7", "203.0.113.9", LOOPBACK) == "192.0.2.7"
    assert client_ip("127.0.0.1", "garbage", LOOPBACK) == "127.0.0.1"


def test_revocations_only_grow():
    revocations = Revocations()
    revocations.raise_to("Alice", 3)
    revocations.merge({"alice": 2})
    assert revocations.is_ended("alice", 2)
    assert not revocations.is_ended("ALICE", 3)
    assert not revocations.is_ended("bob", 0)


def test_cache_forgets_by_owner_and_age():
    cache = TtlCache[str](ttl=0.05, max_entries=2)
    cache.put("a", "Alice", "1")
    cache.put("b", "bob", "2")
    cache.forget_owner("alice")
    assert cache.get("a") is None and cache.get("b") == "2"
    cache.put("c", None, "3")
    cache.put("d", None, "4")
    assert cache.get("b") is None  # evicted: oldest first
    time.sleep(0.06)
    assert cache.get("d") is None


def test_api_token_shape():
    token, prefix, hashed = new_token()
    assert token.startswith("bwu_") and token.startswith(prefix) and len(prefix) == 12
    assert hashed == token_hash(token) and token not in hashed
    assert new_token()[0] != token


def test_token_expiry():
    from datetime import datetime, timezone

    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert is_expired("2029-12-31T23:59:59.000Z", now)
    assert not is_expired("2030-01-01T00:00:01.000Z", now)
    assert not is_expired(None, now)


def test_printable_keeps_log_lines_whole():
    assert printable("eve\nforged line") == "eve?forged?line"


def test_signing_key_file(tmp_path):
    import os
    import stat

    from services.auth.signing import KeyFileError, load_or_create

    path = tmp_path / "data" / ".secret_key"
    first = load_or_create(path)
    assert first.created and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = load_or_create(path)
    assert not again.created and again.key_id == first.key_id
    path.write_text("a0b1c2d3e4f5 a random secret from another product")
    with pytest.raises(KeyFileError, match="delete it"):
        load_or_create(path)
