"""``chatdesk tickets import FILE [--dry-run]``: tickets brought from another helpdesk, each
with its whole thread (JSON Lines: docs/helpdesk.md, "Importing tickets from another
helpdesk")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import Settings
from ..helpdesk import Helpdesk
from ..helpdesk.ticketimport import TicketImportReport
from ..store import Store
from .orgs import run_helpdesk

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``tickets`` and its sub-commands to the command line."""
    tickets = commands.add_parser("tickets", help="tickets brought from another helpdesk")
    sub = tickets.add_subparsers(dest="tickets_command", required=True)
    imports = sub.add_parser(
        "import",
        help="import tickets with their threads from a JSON Lines file",
        description="One ticket a line: its reference in the other helpdesk, requester, "
        "subject, status, and messages with their times (docs/helpdesk.md). Every line is "
        "checked before anything is written; mistakes are named as FILE:LINE. Each ticket "
        "gets the desk's next number; a reference imported before is left out, so the same "
        "file again imports nothing twice. Nobody is mailed, no webhook is posted.",
    )
    imports.add_argument("file", type=Path)
    imports.add_argument("--dry-run", action="store_true", help="check and say what it would do")
    imports.set_defaults(func=_import)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file

    async def work(hd: Helpdesk, store: Store) -> str:
        report = await hd.ticket_import.run(path, dry_run=args.dry_run)
        return _said(report, dry_run=args.dry_run)

    if not path.is_file():
        print(f"chatdesk: {path}: no such file", file=sys.stderr)
        return 1
    return run_helpdesk(settings, work)


def _said(report: TicketImportReport, *, dry_run: bool) -> str:
    done = "would be imported" if dry_run else "imported"
    numbers = f" ({report.first} to {report.last})" if report.first else ""
    lines = [
        f"{report.tickets} ticket(s): {report.imported} {done}{numbers},"
        f" {report.already} imported before"
        + ("" if dry_run else f"; {report.new_requesters} new requester(s)")
    ]
    if report.unassigned:
        lines.append(
            "left unassigned (no operator of this desk has the address): "
            + ", ".join(sorted(report.unassigned))
        )
    return "\n".join(lines)
