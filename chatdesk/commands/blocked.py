"""``chatdesk blocked list | add PATTERN | remove PATTERN``: the senders the desk takes
nothing from (addresses and domains), on the audit log as the command line."""

from __future__ import annotations

import argparse

from ..audit import AuditTrail
from ..config import Settings
from ..helpdesk import Helpdesk
from ..models import format_ts
from ..spam import Spam
from ..store import Store
from .orgs import run_helpdesk

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``blocked`` and its sub-commands to the command line."""
    blocked = commands.add_parser(
        "blocked", help="the addresses and domains the desk takes nothing from (spam)"
    )
    sub = blocked.add_subparsers(dest="blocked_command", required=True)
    listing = sub.add_parser(
        "list", help="print the block list: pattern, stopped count, last stop, note"
    )
    listing.set_defaults(func=_list)
    add = sub.add_parser(
        "add",
        help="block an address or a domain",
        description="Block someone@example.com, or example.com (and its subdomains): "
        "their mail is dropped unanswered, the web form, portal and chat refuse them.",
    )
    add.add_argument("pattern")
    add.add_argument("--note", default="", help="why (200 characters at most)")
    add.set_defaults(func=_add)
    remove = sub.add_parser("remove", help="take an address or a domain off the list")
    remove.add_argument("pattern")
    remove.set_defaults(func=_remove)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        entries = await Spam(hd, AuditTrail(store)).entries(None)
        if not entries:
            return "nobody is blocked"
        return "\n".join(
            f"{e.pattern}\t{e.hits}\t{format_ts(e.last_hit) if e.last_hit else '-'}\t{e.note}"
            for e in entries
        )

    return run_helpdesk(settings, work)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        entry = await Spam(hd, AuditTrail(store)).block(None, args.pattern, args.note)
        return f"blocked {entry.pattern}"

    return run_helpdesk(settings, work)


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        pattern = await Spam(hd, AuditTrail(store)).unblock(None, args.pattern)
        return f"unblocked {pattern}"

    return run_helpdesk(settings, work)
