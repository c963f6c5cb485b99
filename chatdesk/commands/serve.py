"""``chatdesk serve``: run the desk in this process."""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import logging
import sys
from collections.abc import AsyncIterator

from aiohttp import web

from ..app import create_app
from ..bot.knowledge import KnowledgeError
from ..config import Settings
from ..gctune import GcTuner, break_transport_cycles
from ..realtime.engine import QuietWebSocket
from ..web.appkeys import METRICS

__all__ = ["add_parser"]

log = logging.getLogger("chatdesk")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the command line."""
    serve = commands.add_parser("serve", help="run the desk (HTTP + Socket.IO)")
    serve.add_argument("--host", help="interface to listen on (default CHATDESK_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default CHATDESK_PORT)")
    serve.set_defaults(func=_serve)


def new_event_loop(kind: str) -> asyncio.AbstractEventLoop:
    """Return a new event loop of ``kind`` (CHATDESK_LOOP): asyncio's own, or uvloop's."""
    if kind == "uvloop":
        # Imported by name: uvloop is an optional extra (chatdesk[fast]).
        loop: asyncio.AbstractEventLoop = importlib.import_module("uvloop").new_event_loop()
        return loop
    return asyncio.new_event_loop()


async def _tuned_gc(app: web.Application, *, steps: bool) -> AsyncIterator[None]:
    # Long-lived objects made at start-up never need walking again; with ``steps``, those
    # of the connections neither (chatdesk/gctune.py, bench/README.md "Hot path", "Second pass").
    break_transport_cycles()
    tuner = GcTuner(closed=lambda: QuietWebSocket.closed)
    tuner.start_up()
    app[METRICS].watch_gc(tuner.stats, lambda: tuner.live)
    if steps:
        tuner.start()
    yield
    await tuner.stop()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = settings.replace(**overrides)
    settings.validate()
    app = create_app(settings)

    app.cleanup_ctx.append(functools.partial(_tuned_gc, steps=settings.gc == "steps"))
    log.info(
        "chatdesk starting on http://%s:%d (store: %s, fan-out: %s)",
        settings.host,
        settings.port,
        settings.backend,
        "redis" if settings.redis_url else "this process",
    )

    def listening(_: str) -> None:
        # aiohttp calls this once the socket listens: the moment to tell supervisors.
        log.info("chatdesk listening on http://%s:%d", settings.host, settings.port)

    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            access_log=None,
            print=listening,
            loop=new_event_loop(settings.loop),
        )
    except KnowledgeError as exc:
        print(
            f"chatdesk: the knowledge in {settings.knowledge_dir} is invalid:\n{exc.message}",
            file=sys.stderr,
        )
        return 2
    return 0
