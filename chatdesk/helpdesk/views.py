"""What people see of tickets: lists with filters and visibility, one ticket with its thread."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..deskconfig import PRIORITIES
from ..errors import InvalidPayload, NotFound
from ..models import (
    ACTIVE,
    MAX_PAGE,
    Operator,
    OrgRole,
    Requester,
    Sort,
    Status,
    Ticket,
    TicketPage,
    TicketQuery,
    TicketType,
    format_ts,
    utcnow,
)
from ..store import Store
from .chatreply import MIRROR_KEY
from .common import load_ticket
from .links import FollowLinks

__all__ = ["SOON", "TicketFilter", "TicketViews", "ticket_summary"]

#: A ticket's number as operators write it in the search box.
_NUMBER = re.compile(r"#\d{1,9}")
#: An e-mail address typed whole in the search box.
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

#: "Breaching soon": the next target is due within this time.
SOON = timedelta(hours=1)
#: History kinds a requester sees on their ticket.
_PUBLIC_HISTORY = {"created", "status", "merged_into", "merged_from", "follow_up"}


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """An operator's list: every given filter must match."""

    status: tuple[str, ...] = ()
    department: str | None = None
    assignee: str | None = None
    #: One requester's tickets (their id).
    requester: str | None = None
    #: One organisation's tickets (its id).
    organisation: str | None = None
    #: The tickets linked to this problem ticket (its id).
    problem: str | None = None
    #: Tickets with this tag.
    tag: str | None = None
    type: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    unassigned: bool = False
    mine: bool = False
    #: The tickets the operator follows.
    following: bool = False
    breaching_soon: bool = False
    q: str = ""
    sort: Sort = "due"
    page: int = 1
    per_page: int = 50


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    """Return a ticket as lists show it (the ``ticket`` event's payload)."""
    return {
        "id": ticket.id,
        "number": ticket.label,
        "subject": ticket.subject,
        "status": ticket.status.value,
        "type": ticket.type.value,
        "channel": ticket.channel.value,
        "priority": ticket.priority,
        "department": ticket.department,
        "requester": {
            "id": ticket.requester_id,
            "name": ticket.requester_name,
            "email": ticket.requester_email,
        },
        "organisation_id": ticket.organisation_id,
        "operator_id": ticket.operator_id,
        "conversation_id": ticket.conversation_id,
        "lang": ticket.lang,
        "created_at": format_ts(ticket.created_at),
        "updated_at": format_ts(ticket.updated_at),
        "next_due": format_ts(ticket.next_due) if ticket.next_due else None,
        "sla": ticket.sla_payload(),
        "merged_into": ticket.merged_into,
        "follow_up_of": ticket.follow_up_of,
        "cc": sorted(ticket.cc),
        "tags": sorted(ticket.tags),
        "hold_until": format_ts(ticket.hold_until) if ticket.hold_until else None,
    }


class TicketViews:
    """Ticket lists and pages for operators (complaints only for service managers and
    admins) and for requesters (their own tickets, no internal notes)."""

    def __init__(
        self, store: Store, links: FollowLinks, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.links = links
        self.clock = clock

    async def list(self, operator: Operator, wanted: TicketFilter) -> TicketPage:
        """Return a page of the tickets ``operator`` may see that match ``wanted``."""
        try:
            statuses = tuple(Status(s) for s in wanted.status)
            types = tuple(TicketType(t) for t in wanted.type)
        except ValueError as exc:
            raise InvalidPayload(str(exc)) from None
        if not set(wanted.priority) <= set(PRIORITIES):
            raise InvalidPayload(f"priority must be among: {', '.join(PRIORITIES)}")
        if wanted.sort not in ("due", "updated", "created", "number") or wanted.page < 1:
            raise InvalidPayload("sort: due, updated, created or number; page from 1")
        hidden = () if operator.sees_complaints else (TicketType.COMPLAINT,)
        if wanted.breaching_soon and not statuses:
            statuses = tuple(ACTIVE)
        q, requester_id, number = wanted.q.strip()[:200], wanted.requester, None
        if _NUMBER.fullmatch(q):
            # "#000123" names one ticket: found whatever the view's statuses.
            number, q, statuses = int(q.lstrip("#")), "", ()
        elif _ADDRESS.fullmatch(q):
            # An address typed in the search: its requester's tickets (the index holds
            # what people wrote, not who they are).
            found = await self.store.requesters.find_requester(q.lower())
            if found is not None and requester_id in (None, found.id):
                requester_id, q = found.id, ""
        query = TicketQuery(
            statuses=statuses,
            department=wanted.department,
            operator_id=operator.id if wanted.mine else wanted.assignee,
            unassigned=wanted.unassigned,
            types=types,
            priorities=wanted.priority,
            exclude_types=hidden,
            requester_id=requester_id,
            organisation_id=wanted.organisation,
            problem_id=wanted.problem,
            number=number,
            # Written as stored: "Panne réseau" finds "panne-réseau".
            tag="-".join(wanted.tag.lower().split()) or None if wanted.tag else None,
            q=q,
            due_before=self.clock() + SOON if wanted.breaching_soon else None,
            follower=operator.id if wanted.following else None,
            sort=wanted.sort,
            page=wanted.page,
            per_page=min(max(wanted.per_page, 1), 100),
        )
        return await self.store.ticket_queries.search_tickets(query)

    async def requester_tickets(
        self, requester: Requester, *, organisation: bool = False, page: int = 1
    ) -> TicketPage:
        """Return a requester's tickets (an organisation admin may ask for all of the
        organisation's)."""
        if organisation and requester.organisation_id and requester.org_role.value == "admin":
            query = TicketQuery(
                organisation_id=requester.organisation_id, sort="updated", page=page
            )
        else:
            query = TicketQuery(requester_id=requester.id, sort="updated", page=page)
        return await self.store.ticket_queries.search_tickets(query)

    async def export(self, requester: Requester) -> dict[str, Any]:
        """Return what the desk holds about ``requester`` (found with
        ``RequesterService.find``), as they may ask for it (GDPR art. 15): their account,
        other addresses, organisation, seats and every ticket of theirs as the portal
        shows it (public messages, files' descriptions, history, rating)."""
        org = None
        if requester.organisation_id:
            org = await self.store.requesters.get_organisation(requester.organisation_id)
        tickets: list[Ticket] = []
        page = 1
        while True:
            found = await self.requester_tickets(requester, page=page)
            tickets += found.tickets
            if not found.tickets or len(tickets) >= found.total:
                break
            page += 1
        seats = await self.store.requesters.org_seats(org.id) if org else []
        copied = await self.store.ticket_queries.search_tickets(
            TicketQuery(cc=requester.email, sort="created", per_page=100)
        )
        return {
            "exported_at": format_ts(self.clock()),
            "requester": requester.to_payload(),
            "other_addresses": await self.store.requesters.requester_addresses(requester.id),
            "organisation": org.name if org else None,
            "site_seats": [site for site, who in seats if who.id == requester.id],
            "tickets": [await self.requester_view(t) for t in tickets],
            # Other people's tickets they are in Cc of: which, not what others wrote.
            "in_cc": [
                {
                    "number": t.label,
                    "subject": t.subject,
                    "status": t.status.value,
                    "created_at": format_ts(t.created_at),
                }
                for t in copied.tickets
            ],
        }

    async def follow(self, token: str) -> tuple[Ticket, Requester | None]:
        """Return the ticket a follow link opens, and its requester.

        :raises InvalidToken: a forged link. :raises NotFound: a ticket gone, or another
        requester's.
        """
        ticket_id, requester_id = self.links.read(token)
        ticket = await self.store.helpdesk.get_ticket(ticket_id)
        if ticket is None or (ticket.requester_id or "") != requester_id:
            raise NotFound("no such ticket")
        requester = (
            await self.store.requesters.get_requester(requester_id) if requester_id else None
        )
        return ticket, requester

    async def operator_view(self, operator: Operator, ref: str) -> dict[str, Any]:
        """Return a ticket with its whole thread (notes, history, files, SLA)."""
        return await self._view(await load_ticket(self.store, ref, operator), public=False)

    async def requester_view(self, ticket: Ticket) -> dict[str, Any]:
        """Return what the requester sees: public messages, files of public messages,
        status history."""
        return await self._view(ticket, public=True)

    async def _view(self, ticket: Ticket, *, public: bool) -> dict[str, Any]:
        messages = await self.store.helpdesk.list_ticket_messages(ticket.id, internal=not public)
        thread = [{"source": "ticket", **m.to_payload()} for m in messages]
        if ticket.conversation_id:
            # A chat ticket keeps its conversation: merged with the thread by time.
            chat, _ = await self.store.conversations.list_messages(
                ticket.conversation_id, since=0, limit=MAX_PAGE
            )
            # A reply said in the chat too (chatreply.py) is the ticket's message: once.
            thread += [
                {"source": "chat", **m.to_payload()} for m in chat if MIRROR_KEY not in m.extra
            ]
            thread.sort(key=lambda m: m["ts"])
        shown = {m.id for m in messages}
        files = [
            a.to_payload()
            for a in await self.store.helpdesk.list_attachments(ticket.id)
            if not public or a.message_id is None or a.message_id in shown
        ]
        history = [
            e.to_payload()
            for e in await self.store.helpdesk.list_ticket_events(ticket.id)
            if not public or e.kind in _PUBLIC_HISTORY
        ]
        view: dict[str, Any] = {
            "ticket": ticket_summary(ticket),
            "description": ticket.description,
            "fields": ticket.fields,
            "messages": thread,
            "attachments": files,
            "events": history,
            "sla": ticket.sla_payload(),
            "csat": {
                "score": ticket.rating,
                "comment": ticket.rating_comment,
                "rated_at": format_ts(ticket.rated_at) if ticket.rated_at else None,
            },
        }
        if public:
            # Who has it and the team's labels are the team's.
            hidden = ("operator_id", "tags")
            view["ticket"] = {k: v for k, v in view["ticket"].items() if k not in hidden}
        return view

    async def org_ticket(self, admin: Requester, ticket_id: str) -> Ticket:
        """Return a ticket of ``admin``'s organisation for them to read (the portal's
        organisation list opens it; complaints stay their author's).

        :raises NotFound: not an admin, another organisation's, a complaint, or none.
        """
        ticket = await self.store.helpdesk.get_ticket(ticket_id)
        if (
            ticket is None
            or admin.org_role is not OrgRole.ADMIN
            or admin.organisation_id is None
            or ticket.organisation_id != admin.organisation_id
            or ticket.type is TicketType.COMPLAINT
        ):
            raise NotFound("no such ticket")
        return ticket

    async def attachment(
        self,
        attachment_id: str,
        *,
        operator: Operator | None = None,
        token: str | None = None,
        org_admin: Requester | None = None,
    ) -> tuple[str, str, bytes]:
        """Return (file name, content type, bytes) of a file, for an operator who may see
        its ticket, the requester holding the ticket's follow link, or an admin of its
        organisation (public files only, for both).
        """
        found = await self.store.helpdesk.attachment_data(attachment_id)
        if found is None:
            raise NotFound("no such file")
        attachment, data = found
        if operator is not None:
            await load_ticket(self.store, attachment.ticket_id, operator)
        else:
            if org_admin is not None:
                ticket = await self.org_ticket(org_admin, attachment.ticket_id)
            else:
                ticket, _ = await self.follow(token or "")
            public = {
                m.id
                for m in await self.store.helpdesk.list_ticket_messages(ticket.id, internal=False)
            }
            if ticket.id != attachment.ticket_id or (
                attachment.message_id is not None and attachment.message_id not in public
            ):
                raise NotFound("no such file")
        return attachment.filename, attachment.content_type, data
