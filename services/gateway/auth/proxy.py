"""Reading a reverse proxy's headers, believed only from trusted peers: pure functions."""

from __future__ import annotations

import ipaddress
from typing import Iterable, Mapping

# Checked after the configured header, in this order; the names other SSO proxies send.
FALLBACK_USER_HEADERS = ("X-Remote-User", "Remote-User", "X-authentik-username")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_trusted(peer: str | None, trusted: Iterable[Network]) -> bool:
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer.split("%")[0])
    except ValueError:
        return False
    # An IPv4 peer on a dual-stack socket shows up as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in trusted)


def user_header_names(configured: str) -> list[str]:
    names = [configured] if configured else []
    return names + [h for h in FALLBACK_USER_HEADERS if h.lower() != configured.lower()]


def proxy_username(headers: Mapping[str, str], configured: str) -> str | None:
    """The user name the proxy put in the first of the known headers, or None."""
    for name in user_header_names(configured):
        value = headers.get(name, "").strip()
        if value:
            return value
    return None


def client_ip(peer: str | None, forwarded_for: str | None, trusted: Iterable[Network]) -> str:
    """The address a request really came from: the nearest ``X-Forwarded-For`` hop that is not a
    trusted proxy, when the TCP peer is one; otherwise the peer itself."""
    trusted = tuple(trusted)
    address = peer or "unknown"
    if not forwarded_for or not is_trusted(peer, trusted):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address
        address = hop
        if not is_trusted(hop, trusted):
            break
    return address
