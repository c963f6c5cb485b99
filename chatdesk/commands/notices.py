"""``chatdesk notices …``: publish, list and end service notices from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from rich.table import Table

from ..config import Settings
from ..deskconfig import load_desk_config
from ..helpdesk import Helpdesk
from ..models import Severity, format_ts
from ..store import Store
from .orgs import active_operator, print_table, run_helpdesk

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``notices`` and its sub-commands to the command line."""
    notices = commands.add_parser("notices", help="publish and end service notices")
    sub = notices.add_subparsers(dest="notices_command", required=True)
    publish = sub.add_parser(
        "publish",
        help="publish a notice (portal, widget banner, e-mail to its audience)",
        description="Times are ISO 8601 (2026-12-05T22:00); without an offset they are "
        "in the desk's time zone ([hours] timezone).",
    )
    publish.add_argument("--title", required=True)
    body = publish.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", help="the text, in Markdown")
    body.add_argument(
        "--body-file", metavar="FILE",
        help="the text, in Markdown, from a file (UTF-8; - reads standard input)",
    )  # fmt: skip
    publish.add_argument("--severity", choices=[s.value for s in Severity], default="info")
    publish.add_argument(
        "--org", action="append", default=[], metavar="ORG",
        help="only this organisation (name or id; repeatable; default: everyone)",
    )  # fmt: skip
    publish.add_argument(
        "--starts", metavar="TIME",
        help="when it starts (default: now; the portal announces it up to a week ahead)",
    )  # fmt: skip
    publish.add_argument("--ends", metavar="TIME", help="when it ends (default: when ended)")
    publish.add_argument("--by", metavar="EMAIL", help="the publishing admin's e-mail")
    publish.set_defaults(func=_publish)
    listing = sub.add_parser("list", help="list current and past notices")
    listing.set_defaults(func=_list)
    end = sub.add_parser("end", help="end a notice now")
    end.add_argument("id")
    end.add_argument("--by", metavar="EMAIL", help="the ending admin's e-mail")
    end.set_defaults(func=_end)


def _publish(args: argparse.Namespace, settings: Settings) -> int:
    try:
        body = args.body if args.body is not None else _read(args.body_file)
        starts, ends = _time(args.starts, settings), _time(args.ends, settings)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"chatdesk: {exc}", file=sys.stderr)
        return 2

    async def work(hd: Helpdesk, store: Store) -> str:
        operator = await active_operator(store, args.by) if args.by else None
        audience = [(await hd.people.organisation(ref)).id for ref in args.org]
        notice, _ = await hd.notices.publish(
            operator, title=args.title, body=body, severity=args.severity,
            starts_at=starts, ends_at=ends, audience=audience,
        )  # fmt: skip
        who = f"{len(audience)} organisation(s)" if audience else "everyone"
        return f"published notice {notice.id} ({notice.severity}) to {who}"

    return run_helpdesk(settings, work)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        names = {o.id: o.name for o in await hd.people.organisations()}
        now = hd.notices.clock()
        table = Table("id", "title", "severity", "audience", "starts", "ends", "state")
        for n in await hd.notices.list():
            state = "ended" if n.ends_at and n.ends_at <= now else "showing"
            if state == "showing" and n.starts_at > now:
                state = "scheduled"
            table.add_row(
                n.id, n.title, n.severity.value,
                ", ".join(names.get(i, i) for i in n.audience) or "everyone",
                format_ts(n.starts_at), format_ts(n.ends_at) if n.ends_at else "-", state,
            )  # fmt: skip
        print_table(table, "no service notices (chatdesk notices publish --title … --body …)")
        return ""

    return run_helpdesk(settings, work)


def _end(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        operator = await active_operator(store, args.by) if args.by else None
        await hd.notices.end(operator, args.id)
        return f"notice {args.id} has ended"

    return run_helpdesk(settings, work)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8")


def _time(text: str | None, settings: Settings) -> datetime | None:
    """Return an ISO 8601 time; without an offset, in the desk's time zone."""
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time (2026-12-05T22:00)") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=load_desk_config(settings.config_file).hours.timezone)
    return at
