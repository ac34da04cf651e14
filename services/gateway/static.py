"""The single-page web UI: files under ``static/``, and ``index.html`` for every other page path
so that the browser's own routes survive a reload."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).parent / "static"

# Pages may change with every release; vendored files and modules are revalidated cheaply.
_NO_CACHE = {"Cache-Control": "no-cache"}


async def index(request: web.Request) -> web.StreamResponse:
    if request.path.startswith("/api/"):
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC_DIR / "index.html", headers=_NO_CACHE)


def install_static(app: web.Application) -> None:
    app.router.add_static("/static/", STATIC_DIR, append_version=False)
    app.router.add_get("/", index)
    app.router.add_get("/{tail:(?!api/|static/).*}", index)
