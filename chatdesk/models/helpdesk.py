"""What the helpdesk hands the store in one piece: a ticket to file, a list to fetch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .clock import new_id
from .requesters import Requester
from .thread import NewAttachment, TicketEvent, TicketMessage
from .tickets import Channel, Status, Ticket, TicketType

__all__ = ["SeatClaim", "Sort", "TicketFiling", "TicketPage", "TicketQuery"]

#: How lists are ordered: next due time first, last change first, newest first, by number.
Sort = Literal["due", "updated", "created", "number"]


@dataclass(frozen=True, slots=True)
class SeatClaim:
    """Filing this ticket makes ``requester_id`` an editor of ``site_id`` (if not yet),
    unless ``max_editors`` others already are."""

    organisation_id: str
    site_id: str
    requester_id: str
    max_editors: int | None


@dataclass(frozen=True, slots=True)
class TicketFiling:
    """A checked ticket with its first message, files, seat and history rows: the store
    files all of it in one transaction (and gives it its number)."""

    subject: str
    description: str
    type: TicketType
    channel: Channel
    department: str
    priority: str
    lang: str
    requester: Requester | None
    created_at: datetime
    fields: dict[str, str] = field(default_factory=dict)
    organisation_id: str | None = None
    conversation_id: str | None = None
    follow_up_of: str | None = None
    operator_id: str | None = None
    status: Status = Status.NEW
    due_at: datetime | None = None
    resolution_due: datetime | None = None
    sla_alert_at: datetime | None = None
    first_response_at: datetime | None = None
    message: TicketMessage | None = None
    attachments: tuple[NewAttachment, ...] = ()
    seat: SeatClaim | None = None
    events: tuple[TicketEvent, ...] = ()
    #: The e-mail's key (its Message-ID) when a mail files the ticket: recorded in the same
    #: transaction, so a message taken twice (a retry, a crash before it is marked) files once.
    inbound_key: str | None = None
    #: People in Cc of the mail that filed it (or named by the API).
    cc: frozenset[str] = frozenset()
    #: Tags set at filing (by the desk's rules).
    tags: frozenset[str] = frozenset()
    #: Filed by an operator who writes first: no acknowledgement goes out (the operator's
    #: first message is the mail).
    outbound: bool = False
    #: The client id of the requester's first message (a follow-up of a closed ticket:
    #: their retried reply finds the ticket it filed instead of filing another).
    client_id: str | None = None
    id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class TicketQuery:
    """Filters of a ticket list; every given filter must match (``q``: full text over
    subject, messages and field values, accent- and case-insensitive)."""

    statuses: tuple[Status, ...] = ()
    department: str | None = None
    operator_id: str | None = None
    unassigned: bool = False
    types: tuple[TicketType, ...] = ()
    priorities: tuple[str, ...] = ()
    exclude_types: tuple[TicketType, ...] = ()
    requester_id: str | None = None
    organisation_id: str | None = None
    #: The ticket with this number.
    number: int | None = None
    #: Tickets with this address in their Cc.
    cc: str | None = None
    #: Tickets with this tag.
    tag: str | None = None
    #: Tickets this operator follows.
    follower: str | None = None
    #: The tickets linked to this problem ticket (its id).
    problem_id: str | None = None
    q: str = ""
    #: Tickets whose next due time (first response, then resolution) is before this.
    due_before: datetime | None = None
    sort: Sort = "due"
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class TicketPage:
    """One page of a ticket list and how many tickets match in all."""

    tickets: list[Ticket]
    total: int
