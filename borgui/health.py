"""``borgui health <service>``: exit 0 when that service answers, 1 when it does not.

Container health checks call it. Every service but the gateway is asked ``rpc.<service>.health``
over NATS; the gateway is asked over HTTP, because what its container exists for is to serve HTTP.
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request

from borgui.run import nats_url_file, public_url
from libs.bus import connect
from libs.config import Settings
from libs.contracts.envelope import RpcError

TIMEOUT = 3.0


def nats_url(settings: Settings) -> str:
    """``NATS_URL``, else the URL a running ``borgui run`` wrote for local tools."""
    if settings.nats_url:
        return settings.nats_url
    try:
        return nats_url_file(settings.data_dir).read_text().strip()
    except OSError:
        return ""


def gateway_answers(settings: Settings) -> tuple[bool, str]:
    """The gateway is up when ``/api/health`` answers with its JSON, 200 or 503: a 503 means another
    service is down, which that service's own check reports."""
    url = public_url(settings) + "/api/health"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
            body = resp.read()
    except urllib.error.HTTPError as exc:
        if exc.code != 503:
            return False, f"{url} answered {exc.code}"
        body = exc.read()
    except (OSError, ValueError) as exc:
        return False, f"{url} does not answer ({exc})"
    try:
        services = json.loads(body)["services"]
    except (ValueError, KeyError, TypeError):
        return False, f"{url} answered, but not with the health report"
    return True, json.dumps(services, sort_keys=True)


async def service_answers(url: str, service: str) -> tuple[bool, str]:
    if not url:
        return False, "NATS_URL is not set and no running system was found in DATA_DIR"
    try:
        bus = await connect(url, f"health-check-{service}", TIMEOUT, wait=TIMEOUT)
    except ConnectionError as exc:
        return False, str(exc)
    try:
        reply = await bus.request(f"rpc.{service}.health", timeout=TIMEOUT)
    except RpcError as exc:
        return False, exc.message
    finally:
        await bus.close()
    return True, f"pid {reply.get('pid')}, up {reply.get('uptime_seconds')}s"


def main(settings: Settings, service: str) -> int:
    if service == "gateway":
        ok, detail = gateway_answers(settings)
    else:
        ok, detail = asyncio.run(service_answers(nats_url(settings), service))
    print(f"{service}: {'ok' if ok else 'down'} ({detail})", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1

