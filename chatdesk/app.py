"""create_app(): wire settings, store, services and transports into one aiohttp app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from .bot.library import KnowledgeLibrary
from .bot.responder import BotResponder
from .config import Settings
from .conversation import ConversationService, Responder
from .desk import DeskService
from .deskconfig import load_desk_config
from .realtime import Publisher, VisitorNamespace, create_sio
from .store import Store, create_store
from .tokens import VisitorTokens
from .web import routes
from .web.appkeys import CONVERSATIONS, LIBRARY, SETTINGS, SIO, STORE, VISITORS

__all__ = ["create_app"]

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
    app = web.Application(client_max_size=1024**2)
    store = store if store is not None else create_store(settings)
    if responder is None and settings.knowledge_dir is not None:
        library = KnowledgeLibrary(settings.knowledge_dir)
        app[LIBRARY] = library
        app.cleanup_ctx.append(_library_lifetime)
        responder = BotResponder(library, store)
    conversations = ConversationService(
        store,
        VisitorTokens(settings.secret_key),
        responder=responder,
        max_message_length=settings.max_message_length,
        default_lang=settings.default_lang,
    )
    sio = create_sio(settings)
    desk = DeskService(load_desk_config(settings.config_file))
    visitors = VisitorNamespace(conversations, Publisher(sio), settings, desk)
    sio.register_namespace(visitors)
    app[VISITORS] = visitors
    sio.attach(app)

    app[SETTINGS] = settings
    app[STORE] = store
    app[CONVERSATIONS] = conversations
    app[SIO] = sio
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True)
    # cleanup_ctx runs in order at start-up and in reverse at shutdown: the store opens
    # first and closes last.
    app.cleanup_ctx.insert(0, _store_lifetime)
    app.on_shutdown.append(_close_sockets)
    routes.setup(app)
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
