"""``chatdesk tickets import FILE [--dry-run]`` and ``chatdesk tickets export [FILE]``: a
desk's tickets with their whole threads, in and out (JSON Lines: docs/helpdesk.md,
"Importing tickets from another helpdesk")."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ..audit import AuditTrail
from ..config import Settings
from ..helpdesk import Helpdesk
from ..helpdesk.ticketexport import TicketExport, TicketExportCount
from ..helpdesk.ticketimport import TicketImportReport
from ..models import AuditAction
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
        "file again imports nothing twice. Nobody is mailed, no ticket's webhook is posted.",
    )
    imports.add_argument("file", type=Path)
    imports.add_argument("--dry-run", action="store_true", help="check and say what it would do")
    imports.set_defaults(func=_import)
    exports = sub.add_parser(
        "export",
        help="write every ticket with its thread as JSON Lines (the import's format)",
        description="One ticket a line, oldest number first, in the format `tickets import` "
        "reads: another chatdesk imports the file as it is. Files are not in it; tickets "
        "whose requester was erased or anonymised are left out (counted).",
    )
    exports.add_argument("file", nargs="?", default="-", help="where to write (default: -, "
                         "standard output)")  # fmt: skip
    exports.set_defaults(func=_export)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file

    async def work(hd: Helpdesk, store: Store) -> str:
        report = await hd.ticket_import.run(path, dry_run=args.dry_run)
        if report.imported and not args.dry_run:
            detail = f"{report.imported} ticket(s), {report.first} to {report.last}"
            await AuditTrail(store).record(None, AuditAction.TICKETS_IMPORTED, path.name, detail)
        return _said(report, dry_run=args.dry_run)

    if not path.is_file():
        print(f"chatdesk: {path}: no such file", file=sys.stderr)
        return 1
    return run_helpdesk(settings, work)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    count = TicketExportCount()
    with contextlib.ExitStack() as stack:
        try:
            out = (
                sys.stdout.buffer if args.file == "-"
                else stack.enter_context(Path(args.file).open("wb"))
            )  # fmt: skip
        except OSError as exc:
            print(f"chatdesk: {args.file}: {exc.strerror}", file=sys.stderr)
            return 1

        async def work(hd: Helpdesk, store: Store) -> str:
            async for line in TicketExport(store).lines(count):
                out.write(line)
            out.flush()
            where = "standard output" if args.file == "-" else Path(args.file).name
            detail = f"{count.tickets} ticket(s)"
            await AuditTrail(store).record(None, AuditAction.TICKETS_EXPORTED, where, detail)
            return ""

        status = run_helpdesk(settings, work)
    left = f" ({count.anonymous} left out: no requester's address)" if count.anonymous else ""
    print(f"exported {count.tickets} ticket(s){left}", file=sys.stderr)
    return status


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
