"""Plain HTTP routes: health check, metrics and the public front page."""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web

from ..errors import ChatdeskError
from ..metrics import CONTENT_TYPE
from ..version import __version__
from . import widget
from .appkeys import LIBRARY, METRICS, SERVICES, SETTINGS

__all__ = ["setup"]

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    """Answer 200 when the store answers, 503 otherwise (for load balancers)."""
    services = request.app[SERVICES]
    try:
        await services.health.ping()
    except ChatdeskError as exc:
        return web.json_response(
            {"status": "unavailable", "store": services.health.backend, "error": exc.to_payload()},
            status=503,
        )
    body: dict[str, object] = {
        "status": "ok",
        "store": services.health.backend,
        "version": __version__,
    }
    library = request.app.get(LIBRARY)
    if library is not None and library.current is not None:
        knowledge = library.current.knowledge
        body["knowledge"] = {
            "version": knowledge.version,
            "entries": len(knowledge.entries),
            # A refused change is not an outage (the last good knowledge answers), but
            # the admin should see it.
            "reload_error": library.error.message if library.error else None,
        }
    return web.json_response(body)


async def metrics(request: web.Request) -> web.Response:
    """Answer this process's metrics in Prometheus' text format (docs/deploy.md)."""
    registry = request.app[METRICS]
    try:
        registry.set_desk_totals(*await request.app[SERVICES].health.totals())
    except ChatdeskError as exc:  # the store is down: the process's own metrics still tell
        log.warning("metrics without the desk's totals: %s", exc.message)
    return web.Response(body=registry.render(), headers={"Content-Type": CONTENT_TYPE})


async def index(request: web.Request) -> web.StreamResponse:
    """The front page: the help centre or the ticket form (a real desk), or the demo site."""
    front = request.app[SETTINGS].front_page
    if front == "help":
        raise web.HTTPFound("/help")
    if front == "support":
        raise web.HTTPFound("/support/new")
    return aiohttp_jinja2.render_template("index.html", request, {"version": __version__})


def setup(app: web.Application) -> None:
    """Add the routes to ``app``."""
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", index)
    widget.setup(app)
