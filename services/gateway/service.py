"""The gateway service: HTTP in front, NATS behind. Holds nothing durable."""

from __future__ import annotations

import logging

from aiohttp import web

from libs.runtime import Service
from services.gateway.app import build_app

log = logging.getLogger("gateway")


class GatewayService(Service):
    name = "gateway"

    async def start(self) -> None:
        self.runner = web.AppRunner(
            build_app(self.settings, self.bus), access_log=None, handle_signals=False, shutdown_timeout=3.0
        )
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.settings.bind, self.settings.port, reuse_address=True)
        await site.start()
        log.info("listening on http://%s:%s", self.settings.bind, self.settings.port)

    async def stop(self) -> None:
        await self.runner.cleanup()
