"""The ``chatdesk`` command line: ``serve`` (more commands come with the bot and operators)."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import sys
from collections.abc import Sequence

from aiohttp import web

from .app import create_app
from .config import Settings
from .errors import ConfigError

__all__ = ["main"]

log = logging.getLogger("chatdesk")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environ()
    except ConfigError as exc:
        print(f"chatdesk: configuration error: {exc.message}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return int(args.func(args, settings))
    except ConfigError as exc:
        print(f"chatdesk: {exc.message}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatdesk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the desk (HTTP + Socket.IO)")
    serve.add_argument("--host", help="interface to listen on (default CHATDESK_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default CHATDESK_PORT)")
    serve.set_defaults(func=_serve)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = dataclasses.replace(settings, **overrides)
    settings.validate()
    app = create_app(settings)

    async def tune_gc(_: web.Application) -> None:
        # Long-lived objects made at start-up never need scanning again, and a larger
        # young-generation threshold keeps full collections (100 ms+ pauses with many
        # connections, see bench/README.md) rare.
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 50, 100)

    app.on_startup.append(tune_gc)
    log.info(
        "chatdesk serving on http://%s:%d (store: %s)", settings.host, settings.port, settings.store
    )
    web.run_app(app, host=settings.host, port=settings.port, access_log=None, print=None)
    return 0
