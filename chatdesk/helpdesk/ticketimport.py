"""Tickets imported from another helpdesk: a JSON Lines file, one ticket a line with its
whole thread (docs/helpdesk.md, "Importing tickets from another helpdesk").

Every line is checked before anything is written, each mistake named as ``file:line``;
then each ticket is stored whole in one transaction under its reference, so the same
file again imports nothing twice, and an import cut short goes on where it stopped. An
import mails nobody and posts no ticket's webhook: the requesters heard of it at the
time (the directory's new records are fed as any: ``requester.created``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..errors import ChatdeskError, InvalidPayload
from ..models import (
    AuthorKind,
    Channel,
    Operator,
    Requester,
    Status,
    Ticket,
    TicketChanges,
    TicketEvent,
    TicketFiling,
    TicketMessage,
    TicketType,
    clean_tags,
    new_id,
    utcnow,
)
from ..operators import normalize_email
from ..store import Store
from ..wire.ticketimport import ImportedMessage, ImportedTicket
from .people import RequesterService

__all__ = ["TicketImport", "TicketImportReport", "read_tickets"]

#: Mistakes listed before the reading stops.
_MAX_ERRORS = 20
#: A time later than this past the clock is a mistake (a clock a day ahead is not).
_FUTURE = timedelta(days=1)
_DECODER = msgspec.json.Decoder(ImportedTicket)


@dataclass(slots=True)
class TicketImportReport:
    """What an import did (or, dry, would do)."""

    tickets: int = 0
    imported: int = 0
    #: Lines whose reference was imported before (left as they are).
    already: int = 0
    new_requesters: int = 0
    #: The numbers the first and the last ticket imported got.
    first: str = ""
    last: str = ""
    #: Assignees that are no operator here (their tickets stay unassigned).
    unassigned: set[str] = field(default_factory=set)


def read_tickets(path: Path) -> Iterator[tuple[int, ImportedTicket | str]]:
    """Yield the file's tickets with their line numbers, decoded but not checked against
    the desk; a line that does not decode comes as its mistake, in words."""
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            if raw.strip():
                yield number, _decoded(raw)


def _decoded(raw: bytes) -> ImportedTicket | str:
    try:
        return _DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        # "Expected `str` of length <= 200 - at `$.subject`" -> "subject: Expected ..."
        text, _, where = str(exc).partition(" - at `$.")
        return f"{where.rstrip('`')}: {text}" if where else text
    except msgspec.DecodeError as exc:
        return f"not a JSON object on one line ({exc})"


class TicketImport:
    """Check a file of tickets against the desk, then store them."""

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        people: RequesterService,
        *,
        default_lang: str = "en",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.people = people
        self.default_lang = default_lang
        self.clock = clock

    async def run(self, path: Path, *, dry_run: bool = False) -> TicketImportReport:
        """Check every line of ``path``, then import each ticket not imported yet.

        :raises InvalidPayload: ``import_file``: each mistake as ``file:line`` (up to 20);
            nothing is written then.
        """
        operators = {o.email: o for o in await self.store.operators.list_operators()}
        await self._check(path)
        report = TicketImportReport()
        for _, ticket in read_tickets(path):
            if isinstance(ticket, str):  # changed since it was checked
                raise InvalidPayload(f"{path}: changed while it was imported", code="import_file")
            report.tickets += 1
            if await self.store.imports.imported_tickets([ticket.ref]):
                report.already += 1
                continue
            assignee = normalize_email(ticket.assignee) if ticket.assignee else ""
            if assignee and assignee not in operators:
                report.unassigned.add(assignee)
            if dry_run:
                report.imported += 1
                continue
            stored = await self._import(ticket, operators, report)
            if stored is not None:
                report.imported += 1
                report.first, report.last = report.first or stored.label, stored.label
            else:  # imported meanwhile by another run
                report.already += 1
        return report

    async def _check(self, path: Path) -> None:
        errors: list[str] = []
        seen: dict[str, int] = {}
        for line, ticket in read_tickets(path):
            where = f"{path}:{line}"
            if isinstance(ticket, str):
                errors.append(f"{where}: {ticket}")
                continue
            try:
                self._checked(ticket)
            except ChatdeskError as exc:
                errors.append(f"{where}: {exc.message}")
            if ticket.ref in seen:
                errors.append(
                    f"{where}: the reference {ticket.ref!r} is on line {seen[ticket.ref]} too"
                )
            seen.setdefault(ticket.ref, line)
            if len(errors) >= _MAX_ERRORS:
                break
        if errors:
            raise InvalidPayload("\n".join(errors), code="import_file")

    def _checked(self, t: ImportedTicket) -> None:
        """Refuse what the desk cannot hold (InvalidPayload, in the admin's words)."""
        normalize_email(t.requester.email)
        if not t.subject.strip() or not all(m.text.strip() for m in t.messages):
            raise InvalidPayload("a subject or a message is blank")
        for address in (*t.cc, *(m.email for m in t.messages if m.email)):
            normalize_email(address)
        if t.assignee:
            normalize_email(t.assignee)
        offered = [kind.value for kind in self.config.helpdesk.types]
        if t.type and t.type not in offered:
            raise InvalidPayload(f"type: one of {', '.join(offered)}, not {t.type!r}")
        if t.department and t.department not in self.config.departments:
            known = ", ".join(self.config.departments)
            raise InvalidPayload(f"department: one of {known}, not {t.department!r}")
        if t.priority:
            self.config.helpdesk.check_priority(t.priority)
        unknown = sorted(set(t.fields) - {f.id for f in self.config.helpdesk.fields})
        if unknown:
            raise InvalidPayload(f"fields: the desk has no field {', '.join(unknown)}")
        clean_tags(t.tags)
        if any(m.internal and m.author == "requester" for m in t.messages):
            raise InvalidPayload("messages: only an operator's message may be internal")
        times = [m.ts for m in t.messages] + [x for x in (t.created_at, t.closed_at) if x]
        if max(times) > self.clock() + _FUTURE:
            raise InvalidPayload("a time is in the future")
        if t.created_at is not None and t.created_at > min(m.ts for m in t.messages):
            raise InvalidPayload("created_at: later than its first message")
        if t.rating is not None and t.status not in ("resolved", "closed"):
            raise InvalidPayload("rating: only a resolved or closed ticket is rated")

    async def _import(
        self, t: ImportedTicket, operators: dict[str, Operator], report: TicketImportReport
    ) -> Ticket | None:
        email = normalize_email(t.requester.email)
        if await self.store.requesters.find_requester(email) is None:
            report.new_requesters += 1
        requester = await self.people.requester(
            email, name=t.requester.name, phone=t.requester.phone, lang=t.requester.lang
        )
        now = self.clock()
        messages = sorted(t.messages, key=lambda m: m.ts)  # stable: same times keep order
        created = t.created_at or messages[0].ts
        ticket_id = new_id()
        thread = [_message(ticket_id, m, operators, requester) for m in messages]
        answered = [m.ts for m in thread if m.author is AuthorKind.OPERATOR and not m.internal]
        assignee = operators.get(normalize_email(t.assignee)) if t.assignee else None
        status = Status(t.status)
        offered = self.config.helpdesk.types
        type_ = t.type or ("question" if TicketType.QUESTION in offered else offered[0].value)
        department = t.department or self.config.default_department
        filing = TicketFiling(
            subject=" ".join(t.subject.split()),
            description=thread[0].text,
            type=TicketType(type_),
            channel=Channel(t.channel),
            department=department,
            priority=t.priority or self.config.helpdesk.default_priority,
            lang=t.lang or (requester.lang if requester.lang in LANGUAGES else self.default_lang),
            requester=requester,
            created_at=created,
            fields=dict(t.fields),
            organisation_id=requester.organisation_id,
            operator_id=assignee.id if assignee else None,
            status=status,
            first_response_at=answered[0] if answered else None,
            message=thread[0],
            events=(
                TicketEvent(ticket_id, "imported", AuthorKind.SYSTEM, None, {"ref": t.ref}, ts=now),
            ),
            cc=frozenset(normalize_email(a) for a in t.cc) - {email},
            tags=clean_tags(t.tags),
            id=ticket_id,
        )
        return await self.store.imports.import_ticket(
            t.ref, filing, thread[1:], self._final(t, status, department, thread, now), now=now
        )

    def _final(
        self, t: ImportedTicket, status: Status, department: str,
        thread: list[TicketMessage], now: datetime,
    ) -> TicketChanges:  # fmt: skip
        """The outcome: when it was resolved and closed, its rating, and the auto-close
        countdown of a pending or resolved ticket (from the import: its requester hears
        nothing of it, so the desk's usual wait starts now)."""
        ended = t.closed_at or thread[-1].ts
        auto_close = self.config.helpdesk.auto_close
        waiting = status in (Status.PENDING, Status.RESOLVED) and auto_close is not None
        hours = self.config.hours_of(department)
        return TicketChanges(
            status_at=ended,  # in its status since its last activity, as far as we know
            resolved_at=ended if status in (Status.RESOLVED, Status.CLOSED) else None,
            closed_at=ended if status is Status.CLOSED else None,
            auto_close_at=auto_close.due(hours, now) if waiting and auto_close else None,
            rating=t.rating,
            rating_comment=t.rating_comment if t.rating is not None else None,
            rated_at=ended if t.rating is not None else None,
        )


def _message(
    ticket_id: str, m: ImportedMessage, operators: dict[str, Operator], requester: Requester
) -> TicketMessage:
    """A message of the file as the thread keeps it: an operator of the desk signs it when
    its address is theirs, else the name the file gives (a former colleague)."""
    if m.author == "requester":
        author_id: str | None = requester.id
        name = m.name or requester.name
    else:
        operator = operators.get(normalize_email(m.email)) if m.email else None
        author_id = operator.id if operator is not None else None
        name = operator.name if operator is not None else m.name or m.email.partition("@")[0]
    return TicketMessage(
        ticket_id, AuthorKind(m.author), author_id, m.text, internal=m.internal,
        author_name=name, ts=m.ts,
    )  # fmt: skip
