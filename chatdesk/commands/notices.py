"""``chatdesk notices publish | list | end``: service notices from the command line."""

from __future__ import annotations

import argparse
from datetime import datetime

from rich.table import Table

from ..config import Settings
from ..helpdesk import Helpdesk
from ..models import Severity, format_ts
from ..store import Store
from .orgs import _operator, _print, _run

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``notices`` and its sub-commands to the command line."""
    notices = commands.add_parser("notices", help="publish and end service notices")
    sub = notices.add_subparsers(dest="notices_command", required=True)
    publish = sub.add_parser(
        "publish", help="show a notice on the portal and the widget, and mail it"
    )
    publish.add_argument("--by", required=True, help="the publishing admin's e-mail")
    publish.add_argument("--title", required=True)
    publish.add_argument("--body", required=True, help="Markdown")
    publish.add_argument("--severity", choices=[s.value for s in Severity], default="info")
    publish.add_argument("--starts", type=_when, help="ISO 8601 with a time zone (default: now)")
    publish.add_argument("--ends", type=_when, help="ISO 8601 with a time zone (default: never)")
    publish.add_argument(
        "--org", action="append", default=[], help="only this organisation (repeatable)"
    )
    publish.set_defaults(func=_publish)
    sub.add_parser("list", help="list the newest notices").set_defaults(func=_list)
    end = sub.add_parser("end", help="end a notice now")
    end.add_argument("id")
    end.add_argument("--by", required=True, help="the ending admin's e-mail")
    end.set_defaults(func=_end)


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date and time") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a time zone (+01:00 or Z)")
    return value


def _publish(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        admin = await _operator(store, args.by)
        audience = [(await hd.people.organisation(ref)).id for ref in args.org]
        notice, _ = await hd.notices.publish(
            admin, title=args.title, body=args.body, severity=args.severity,
            starts_at=args.starts, ends_at=args.ends, audience=audience,
        )  # fmt: skip
        return f"published notice {notice.id}: {notice.title}"

    return _run(settings, work)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        table = Table("id", "title", "severity", "starts", "ends", "organisations")
        for n in await hd.notices.list():
            ends = format_ts(n.ends_at) if n.ends_at else "-"
            table.add_row(
                n.id, n.title, n.severity.value, format_ts(n.starts_at), ends,
                str(len(n.audience)) if n.audience else "all",
            )  # fmt: skip
        _print(table)
        return ""

    return _run(settings, work)


def _end(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        await hd.notices.end(await _operator(store, args.by), args.id)
        return f"notice {args.id} has ended"

    return _run(settings, work)
