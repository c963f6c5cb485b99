"""``chatdesk requesters export EMAIL``: what the desk holds about a requester, as JSON (a
subject access request, GDPR art. 15)."""

from __future__ import annotations

import argparse
from pathlib import Path

import msgspec

from ..config import Settings
from ..errors import Conflict, InvalidPayload
from ..helpdesk import Helpdesk
from ..store import Store
from .orgs import run_helpdesk

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``requesters`` and its sub-commands to the command line."""
    requesters = commands.add_parser(
        "requesters", help="the people who file tickets: export what the desk holds"
    )
    sub = requesters.add_subparsers(dest="requesters_command", required=True)
    export = sub.add_parser(
        "export",
        help="write a requester's data as JSON (account, organisation, tickets)",
        description="Everything a requester may ask for (GDPR art. 15): their account, "
        "organisation and site seats, and each of their tickets as the portal shows it "
        "(public messages, files, history, rating; not the team's internal notes).",
    )
    export.add_argument("email")
    export.add_argument(
        "-o", "--output", metavar="FILE", type=Path,
        help="write to FILE (created, never overwritten) instead of standard output",
    )  # fmt: skip
    export.set_defaults(func=_export)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        data = msgspec.json.format(msgspec.json.encode(await hd.views.export(args.email)))
        if args.output is None:
            return data.decode()
        try:
            with args.output.open("xb") as out:
                out.write(data + b"\n")
        except FileExistsError:
            raise Conflict(f"{args.output} exists; choose another file") from None
        except OSError as exc:
            raise InvalidPayload(f"cannot write {args.output}: {exc.strerror}") from None
        return f"wrote {args.output} ({len(data)} bytes)"

    return run_helpdesk(settings, work)
