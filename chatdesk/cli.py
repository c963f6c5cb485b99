"""The ``chatdesk`` command line: ``serve``, ``init``, ``kb`` (bot authors), ``operators``,
``orgs``, ``notices``, ``db``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .commands import (
    blocked,
    check,
    db,
    init,
    kb,
    notices,
    operators,
    orgs,
    requesters,
    rules,
    schema,
    serve,
    tickets,
    webhooks,
)
from .config import Settings
from .errors import ConfigError, StoreError
from .logs import configure_logging

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="chatdesk",
        description="A self-hosted chatbot, live chat and helpdesk: serve the desk, check "
        "and test the bot's knowledge (kb), manage operators, organisations, service "
        "notices, API tokens, webhooks and the rules new tickets go through, import "
        "tickets from another helpdesk, export a "
        "requester's data, block spam senders, migrate, copy or back up the database "
        "(db), check a deployment before it goes live (check).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve.add_parser(commands)
    init.add_parser(commands)
    kb.add_parser(commands)
    operators.add_parser(commands)
    orgs.add_parser(commands)
    notices.add_parser(commands)
    requesters.add_parser(commands)
    schema.add_parser(commands)
    db.add_parser(commands)
    check.add_parser(commands)
    webhooks.add_parser(commands)
    rules.add_parser(commands)
    blocked.add_parser(commands)
    tickets.add_parser(commands)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environ()
    except ConfigError as exc:
        print(f"chatdesk: configuration error: {exc.message}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format, process=settings.process_name)
    try:
        return int(args.func(args, settings))
    except ConfigError as exc:
        print(f"chatdesk: {exc.message}", file=sys.stderr)
        return 2
    except StoreError as exc:  # e.g. the database cannot be reached: say why, briefly
        print(f"chatdesk: the store failed: {exc.__cause__ or exc.message}", file=sys.stderr)
        return 1
