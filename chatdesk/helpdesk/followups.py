"""A requester's reply to a closed ticket: a follow-up ticket that refers to it (a retry
of the same reply finds the one it filed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..events import Event
from ..models import Requester, Ticket, TicketFiling, TicketMessage
from ..store import Store
from .common import clean_cc
from .filing import FilingService, Upload

__all__ = ["follow_up"]


async def follow_up(
    store: Store, filing: FilingService, closed: Ticket, requester: Requester, text: str,
    attachments: Sequence[Upload], *, client_id: str | None, now: datetime,
) -> tuple[TicketMessage, Ticket, list[Event]]:  # fmt: skip
    """File the follow-up of ``closed`` that ``requester``'s reply opens (its subject,
    type, department, priority, language, fields; its requester and Cc in copy); return
    its first message, the ticket and the events. With ``client_id``, a retry returns the
    follow-up the first one filed, and no event."""
    if client_id is not None and (
        filed := await store.ticket_queries.find_follow_up(closed.id, requester.id, client_id)
    ):
        # A retry (the portal's form sent twice): the follow-up it filed, no event.
        first = (await store.helpdesk.list_ticket_messages(filed.id))[0]
        return first, filed, []
    files = filing.check_files(attachments, already=0)
    draft = TicketFiling(
        subject=closed.subject, description=text, type=closed.type, channel=closed.channel,
        department=closed.department, priority=closed.priority, lang=closed.lang,
        requester=requester, created_at=now, fields=dict(closed.fields),
        organisation_id=requester.organisation_id, follow_up_of=closed.id,
        attachments=tuple(files),
        # Who followed the closed thread follows its sequel (its requester too, when
        # someone in its Cc writes it).
        cc=clean_cc([closed.requester_email, *sorted(closed.cc)],
                    requester=requester.email, strict=False),
        client_id=client_id,
    )  # fmt: skip
    concerned = {closed.operator_id} if closed.operator_id else set()
    ticket, events = await filing.file_draft(draft, operator=None, concerned=concerned)
    message = (await store.helpdesk.list_ticket_messages(ticket.id))[0]
    return message, ticket, events
