"""Every ticket of the desk in the import's own format (JSON Lines: docs/helpdesk.md,
"Importing tickets from another helpdesk"): a desk's history taken to another chatdesk
(``chatdesk tickets import`` reads it as it is), a warehouse or a spreadsheet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import msgspec

from ..models import AuthorKind, Channel, Operator, Ticket, TicketMessage, TicketQuery
from ..store import Store
from ..store.ticketlists import PER_PAGE_MAX
from ..wire.ticketimport import ImportedMessage, ImportedRequester, ImportedTicket

__all__ = ["TicketExport", "TicketExportCount"]

_ENCODER = msgspec.json.Encoder()


@dataclass(slots=True)
class TicketExportCount:
    """What an export wrote, and what it left out."""

    tickets: int = 0
    #: Tickets without a requester's address (erased, or anonymised by the retention).
    anonymous: int = 0


class TicketExport:
    """Write the desk's tickets, oldest number first, one line each."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def lines(self, count: TicketExportCount) -> AsyncIterator[bytes]:
        """Yield each ticket as a line of the import's file (``count`` counts them)."""
        operators = {o.id: o for o in await self.store.operators.list_operators()}
        page = 1
        while True:
            query = TicketQuery(sort="number", page=page, per_page=PER_PAGE_MAX)
            found = await self.store.ticket_queries.search_tickets(query)
            for ticket in found.tickets:
                if not ticket.requester_email:
                    count.anonymous += 1
                    continue
                thread = await self.store.helpdesk.list_ticket_messages(ticket.id)
                history = await self.store.helpdesk.list_ticket_events(ticket.id)
                # A ticket imported before keeps its first reference: a desk's history
                # moved twice is still imported once.
                ref = next((str(e.data.get("ref")) for e in history if e.kind == "imported"),
                           f"chatdesk:{ticket.id}")  # fmt: skip
                count.tickets += 1
                yield _ENCODER.encode(_exported(ref, ticket, thread, operators)) + b"\n"
            if page * PER_PAGE_MAX >= found.total or not found.tickets:
                return
            page += 1


def _exported(
    ref: str, t: Ticket, thread: list[TicketMessage], operators: dict[str, Operator]
) -> ImportedTicket:
    messages = [
        _message(m, operators)
        for m in thread
        if m.author in (AuthorKind.REQUESTER, AuthorKind.OPERATOR) and m.text.strip()
    ]
    if not messages:  # a chat's ticket (its words are the conversation's), a merged one
        text = t.description.strip() or t.subject
        messages = [ImportedMessage("requester", text, t.created_at)]
    assignee = operators.get(t.operator_id or "")
    ended = t.closed_at or t.resolved_at
    return ImportedTicket(
        ref=ref,
        requester=ImportedRequester(t.requester_email, name=t.requester_name),
        subject=t.subject,
        messages=messages,
        status=t.status.value,
        created_at=min(t.created_at, messages[0].ts),
        closed_at=ended if t.status.value in ("resolved", "closed") else None,
        channel="form" if t.channel is Channel.CHAT else t.channel.value,  # type: ignore[arg-type]
        type=t.type.value,
        priority=t.priority,  # type: ignore[arg-type]
        department=t.department,
        lang=t.lang,  # type: ignore[arg-type]
        assignee=assignee.email if assignee else "",
        tags=sorted(t.tags),
        cc=sorted(t.cc),
        fields=dict(t.fields),
        rating=t.rating,
        rating_comment=t.rating_comment if t.rating is not None else "",
    )


def _message(m: TicketMessage, operators: dict[str, Operator]) -> ImportedMessage:
    if m.author is AuthorKind.REQUESTER:
        return ImportedMessage("requester", m.text, m.ts, name=m.author_name)
    operator = operators.get(m.author_id or "")
    return ImportedMessage(
        "operator", m.text, m.ts, email=operator.email if operator else "",
        name=m.author_name, internal=m.internal,
    )  # fmt: skip
