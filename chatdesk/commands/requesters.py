"""``chatdesk requesters list``: the requesters' directory; ``export | forget | signout
EMAIL``: what the desk holds about a requester, as JSON (a subject access request, GDPR
art. 15), their erasure (art. 17), and the end of their portal sessions; ``merge EMAIL
--into EMAIL`` and ``detach EMAIL``: two records of one person made one, and undone."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import msgspec
from rich.table import Table

from ..audit import AuditTrail
from ..config import Settings
from ..errors import Conflict, InvalidPayload
from ..helpdesk import Helpdesk
from ..helpdesk.importing import export_row
from ..privacy import Privacy
from ..store import Store
from ..wire.importrows import COLUMNS
from .orgs import print_table, run_helpdesk
from .requesterimport import add_import

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``requesters`` and its sub-commands to the command line."""
    requesters = commands.add_parser(
        "requesters",
        help="the people who file tickets: list them, export or erase their data, sign them out",
    )
    sub = requesters.add_subparsers(dest="requesters_command", required=True)
    listing = sub.add_parser(
        "list",
        help="list the requesters (a search, an organisation's members)",
        description="The requesters' directory, as the console's Requesters page: each "
        "with their organisation, tickets (in all, still open) and latest activity.",
    )
    listing.add_argument(
        "-s", "--search", default="", metavar="WORDS",
        help="every word in the address, name, phone or organisation (case and accents "
        "ignored)",
    )  # fmt: skip
    listing.add_argument("--org", metavar="NAME", help="an organisation's members (name or id)")
    listing.add_argument(
        "--sort", choices=("activity", "name", "newest"), default="activity",
        help="latest activity first (default), by name, newest first",
    )  # fmt: skip
    listing.add_argument(
        "--limit", type=int, metavar="N",
        help="at most N (default 100, all with --csv; 0: all)",
    )  # fmt: skip
    listing.add_argument(
        "--csv", action="store_true",
        help="write CSV in the columns `requesters import` reads (another desk, a CRM)",
    )  # fmt: skip
    listing.set_defaults(func=_list)
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
    forget = sub.add_parser(
        "forget",
        help="erase a requester (their tickets stay, anonymous)",
        description="Erase a requester for good (GDPR art. 17): their account, site seats, "
        "invitations and queued, held or bounced mail, and in each of their tickets the "
        "subject, description, fields, messages (the team's too), files, chat and rating "
        "comment. The tickets keep their number, type, department, priority, status, "
        "dates and SLA for the statistics. Without --yes, says what it would do.",
    )
    forget.add_argument("email")
    forget.add_argument("--yes", action="store_true", help="do it (it cannot be undone)")
    forget.set_defaults(func=_forget)
    signout = sub.add_parser(
        "signout",
        help="end a requester's portal sessions, in every browser",
        description="Sign a requester out of the portal everywhere (a shared computer, a "
        "lost phone): every session of theirs ends at its next page; they sign in again "
        "with an e-mail link. Their tickets' follow links keep working.",
    )
    signout.add_argument("email")
    signout.set_defaults(func=_signout)
    merge = sub.add_parser(
        "merge",
        help="merge a requester into another (one person with two records)",
        description="One person writing from two addresses (work and home, say): the "
        "requester EMAIL goes into the one --into names, which takes their tickets, their "
        "address and other addresses (mail from them is theirs from then on), their "
        "organisation if it has none, and their details where its own are empty. On the "
        "audit log; `detach` undoes it.",
    )
    merge.add_argument("email", help="the record that goes")
    merge.add_argument("--into", required=True, metavar="EMAIL", help="the record kept")
    merge.set_defaults(func=_merge)
    detach = sub.add_parser(
        "detach",
        help="make one of a requester's other addresses a requester of its own again",
        description="Undo a merge for one address: it becomes a requester of its own (no "
        "details, no organisation) and takes back the tickets filed from it.",
    )
    detach.add_argument("email", help="the other address")
    detach.set_defaults(func=_detach)
    add_import(sub)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    limit = args.limit if args.limit is not None else 0 if args.csv else 100

    async def work(hd: Helpdesk, store: Store) -> str:
        organisation = (await hd.people.organisation(args.org)).id if args.org else None
        table = Table("e-mail", "name", "organisation", "tickets", "open", "latest activity")
        out = csv.writer(sys.stdout, lineterminator="\n")
        if args.csv:
            out.writerow(COLUMNS)
        shown, page, total = 0, 1, 0
        while limit <= 0 or shown < limit:
            found = await hd.directory.search(
                None, q=args.search, organisation=organisation, sort=args.sort,
                page=page, per_page=100,
            )  # fmt: skip
            total = found.total
            for line in found.requesters[: limit - shown if limit > 0 else None]:
                r, last = line.requester, line.last_activity
                if args.csv:
                    out.writerow(export_row(line))
                else:
                    table.add_row(
                        r.email, r.name, line.organisation, str(line.tickets), str(line.active),
                        last.strftime("%Y-%m-%d %H:%M UTC") if last else "",
                    )  # fmt: skip
                shown += 1
            if len(found.requesters) < 100:
                break
            page += 1
        more = f"{shown} of {total} requesters" if shown < total else ""
        if args.csv:  # standard output is the file: the count goes to the error stream
            if more:
                print(more, file=sys.stderr)
            return ""
        print_table(table, "nobody matches" if args.search or args.org else "no requesters yet")
        return more

    return run_helpdesk(settings, work)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        exported = await Privacy(hd, AuditTrail(store)).export(None, args.email)
        data = msgspec.json.format(msgspec.json.encode(exported))
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


def _forget(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        if not args.yes:
            requester = await hd.people.find(args.email)
            tickets = await hd.views.requester_tickets(requester)
            raise Conflict(
                f"this would erase {requester.email} and anonymise {tickets.total} "
                "ticket(s), for good; run it again with --yes"
            )
        count = await Privacy(hd, AuditTrail(store)).forget(None, args.email)
        return f"erased {args.email.strip().lower()}; {count} ticket(s) kept, anonymous"

    return run_helpdesk(settings, work)


def _signout(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        requester = await Privacy(hd, AuditTrail(store)).sign_out(None, args.email)
        return f"signed {requester.email} out of the portal, in every browser"

    return run_helpdesk(settings, work)


def _merge(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        source, into = await hd.people.find(args.email), await hd.people.find(args.into)
        merged = await Privacy(hd, AuditTrail(store)).merge(None, source, into)
        others = await hd.identities.addresses(merged)
        return f"merged {source.email} into {merged.email} (other addresses: {', '.join(others)})"

    return run_helpdesk(settings, work)


def _detach(args: argparse.Namespace, settings: Settings) -> int:
    async def work(hd: Helpdesk, store: Store) -> str:
        owner = await hd.people.find(args.email)
        detached = await Privacy(hd, AuditTrail(store)).detach(None, owner, args.email)
        tickets = await hd.views.requester_tickets(detached)
        return (
            f"{detached.email} is a requester of its own again, with {tickets.total} "
            f"ticket(s); {owner.email} keeps the rest"
        )

    return run_helpdesk(settings, work)
