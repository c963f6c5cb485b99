"""create_app(): wire settings, store, services and transports into one aiohttp app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from .bot.embeddings import EMBEDDINGS_FILE
from .bot.library import KnowledgeLibrary
from .bot.responder import BotResponder
from .config import Settings
from .conversation import Responder
from .deskconfig import load_desk_config
from .realtime import OperatorNamespace, Publisher, VisitorNamespace, create_sio
from .realtime.server import websocket_compression
from .services import build_services
from .store import Store, create_store
from .web import auth, console, routes
from .web.appkeys import (
    CONVERSATIONS,
    LIBRARY,
    OPERATORS_NS,
    PUBLISHER,
    SERVICES,
    SETTINGS,
    SIO,
    STORE,
    VISITORS,
)

__all__ = ["TICK_SECONDS", "create_app"]

log = logging.getLogger(__name__)

#: How often routing upkeep runs (operators past their grace period, expired offers).
TICK_SECONDS = 2.0

_TEMPLATES = Path(__file__).parent / "web" / "templates"


def create_app(
    settings: Settings, *, store: Store | None = None, responder: Responder | None = None
) -> web.Application:
    """Return the chatdesk web application for ``settings``.

    :param store: an unopened store to use instead of the configured one.
    :param responder: what answers visitors (default: the FAQ bot on
        ``settings.knowledge_dir``, or nobody when that is unset).
    """
    settings = settings.with_secret()
    app = web.Application(
        client_max_size=1024**2,
        middlewares=[websocket_compression(settings.websocket_compression == "on")],
    )
    store = store if store is not None else create_store(settings)
    if responder is None and settings.knowledge_dir is not None:
        library = KnowledgeLibrary(
            settings.knowledge_dir, cache_path=settings.data_dir / EMBEDDINGS_FILE
        )
        app[LIBRARY] = library
        app.cleanup_ctx.append(_library_lifetime)
        responder = BotResponder(library, store)
    services = build_services(settings, load_desk_config(settings.config_file), store, responder)
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
    app[CONVERSATIONS] = services.conversations
    app[SIO] = sio
    app[PUBLISHER] = publisher
    app[VISITORS] = visitors
    app[OPERATORS_NS] = operators
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True)
    # cleanup_ctx runs in order at start-up and in reverse at shutdown: the store opens
    # first and closes last.
    app.cleanup_ctx.insert(0, _store_lifetime)
    app.cleanup_ctx.append(_routing_upkeep)
    app.on_shutdown.append(_close_sockets)
    routes.setup(app)
    auth.setup(app)
    console.setup(app)
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


async def _routing_upkeep(app: web.Application) -> AsyncIterator[None]:
    services, publisher = app[SERVICES], app[PUBLISHER]

    async def loop() -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await publisher.publish(await services.routing.tick())
            except Exception:  # upkeep must go on after a transient store error
                log.exception("routing upkeep failed")

    task = asyncio.create_task(loop(), name="routing-upkeep")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
