"""create_app(): wire settings, store, services and transports into one aiohttp app."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import aiohttp_jinja2
import jinja2
import socketio
from aiohttp import web

from .bot.embeddings import EMBEDDINGS_FILE
from .bot.library import KnowledgeLibrary
from .bot.responder import BotResponder
from .config import Settings
from .conversation import Responder
from .deskconfig import load_desk_config
from .models import utcnow
from .realtime import OperatorNamespace, Publisher, VisitorNamespace, create_sio
from .realtime.server import websocket_compression
from .services import build_services
from .store import Store, create_store
from .web import auth, console, helpcentre, routes
from .web.appkeys import LIBRARY, SERVICES, SETTINGS

__all__ = [
    "OPERATORS_NS",
    "PUBLISHER",
    "SIO",
    "STORE",
    "VISITORS",
    "create_app",
]

log = logging.getLogger(__name__)

#: How often each process looks for periodic jobs whose turn has come.
TICK_SECONDS = 1.0

STORE = web.AppKey("store", Store)
SIO = web.AppKey("sio", socketio.AsyncServer)
PUBLISHER = web.AppKey("publisher", Publisher)
VISITORS = web.AppKey("visitors", VisitorNamespace)
OPERATORS_NS = web.AppKey("operators_ns", OperatorNamespace)

_TEMPLATES = Path(__file__).parent / "web" / "templates"


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    responder: Responder | None = None,
    clock: Callable[[], datetime] = utcnow,
    tick: float | None = TICK_SECONDS,
) -> web.Application:
    """Return the chatdesk web application for ``settings``.

    :param store: an unopened store to use instead of the configured one.
    :param responder: what answers visitors (default: the FAQ bot on
        ``settings.knowledge_dir``, or nobody when that is unset).
    :param clock: the current time for every service (tests move it).
    :param tick: seconds between two looks for due periodic jobs; None: tests run
        ``app[SERVICES].jobs.run_due()`` themselves.
    """
    settings = settings.with_secret()
    app = web.Application(
        client_max_size=1024**2,
        middlewares=[websocket_compression(settings.websocket_compression == "on")],
    )
    store = store if store is not None else create_store(settings)
    library = None
    if responder is None and settings.knowledge_dir is not None:
        library = KnowledgeLibrary(
            settings.knowledge_dir, cache_path=settings.data_dir / EMBEDDINGS_FILE
        )
        app[LIBRARY] = library
        app.cleanup_ctx.append(_library_lifetime)
        responder = BotResponder(library, store)
    config = load_desk_config(settings.config_file)
    services = build_services(settings, config, store, responder, clock=clock, knowledge=library)
    sio = create_sio(settings)
    publisher = Publisher(sio)
    visitors = VisitorNamespace(services, publisher)
    operators = OperatorNamespace(services, publisher)
    sio.register_namespace(visitors)
    sio.register_namespace(operators)
    sio.attach(app)

    app[SETTINGS] = settings
    app[STORE] = store
    app[SERVICES] = services
    app[SIO] = sio
    app[PUBLISHER] = publisher
    app[VISITORS] = visitors
    app[OPERATORS_NS] = operators
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True)
    # cleanup_ctx runs in order at start-up and in reverse at shutdown: the store opens
    # first and closes last.
    app.cleanup_ctx.insert(0, _store_lifetime)
    if tick is not None:
        app.cleanup_ctx.append(functools.partial(_periodic_jobs, tick=tick))
    app.on_shutdown.append(_close_sockets)
    routes.setup(app)
    auth.setup(app)
    console.setup(app)
    helpcentre.setup(app)
    return app


async def _close_sockets(app: web.Application) -> None:
    # Let bot replies under way reach the store before it closes (not forever, though).
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(app[VISITORS].drain(), timeout=5)
    await app[SIO].shutdown()


async def _store_lifetime(app: web.Application) -> AsyncIterator[None]:
    store = app[STORE]
    await store.open()
    yield
    await store.close()


async def _library_lifetime(app: web.Application) -> AsyncIterator[None]:
    library = app[LIBRARY]
    await library.start()
    yield
    await library.stop()


async def _periodic_jobs(app: web.Application, *, tick: float) -> AsyncIterator[None]:
    services, publisher = app[SERVICES], app[PUBLISHER]

    async def loop() -> None:
        while True:
            await asyncio.sleep(tick)
            try:
                await publisher.publish(await services.jobs.run_due())
            except Exception:  # the jobs must go on after a transient store error
                log.exception("periodic jobs failed")

    task = asyncio.create_task(loop(), name="periodic-jobs")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    with contextlib.suppress(Exception):  # the store may be gone; leases then expire
        await services.jobs.stop()
