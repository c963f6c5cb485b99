"""Events of the helpdesk: a ticket's news (filed, replied to, moved, merged, closed, rated,
its targets at risk or missed, back from hold), who views it, notes naming colleagues,
and the desk's notices, invitations, sign-in links and bounces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from ..models import (
    Invitation,
    Requester,
    ServiceNotice,
    Status,
    Ticket,
    TicketMessage,
)
from .base import Event

__all__ = [
    "HoldEnded",
    "InvitationCreated",
    "MailBounced",
    "NoticePublished",
    "OperatorsMentioned",
    "SeatRefused",
    "SignInRequested",
    "SlaBreached",
    "SlaWarning",
    "TicketAssigned",
    "TicketClosed",
    "TicketCreated",
    "TicketMerged",
    "TicketNews",
    "TicketPresence",
    "TicketRated",
    "TicketReplied",
    "TicketRollCall",
    "TicketStatusChanged",
    "TicketUpdated",
]


@dataclass(frozen=True, slots=True)
class TicketNews(Event):
    """Base of events about one ticket; ``ticket`` is its state after the change (the
    publisher sends operators its summary: the ``ticket`` event)."""

    name: ClassVar[str] = "ticket_news"
    ticket: Ticket


@dataclass(frozen=True, slots=True)
class TicketCreated(TicketNews):
    """The registration notice: a ticket was filed. ``follow_token`` signs the
    requester's follow link; ``reply_by`` is the first response's due time (business
    time); ``requester`` is None for a chat ticket without contact."""

    name: ClassVar[str] = "ticket_created"
    requester: Requester | None = None
    follow_token: str = ""
    reply_by: datetime | None = None


@dataclass(frozen=True, slots=True)
class TicketReplied(TicketNews):
    """A message was added to a ticket's thread (``message.internal``: a note)."""

    name: ClassVar[str] = "ticket_replied"
    message: TicketMessage | None = None
    follow_token: str = ""


@dataclass(frozen=True, slots=True)
class TicketStatusChanged(TicketNews):
    """The status changed; for pending and resolved, ``auto_close_at`` says when the
    ticket closes without a reaction from the requester (None: never)."""

    name: ClassVar[str] = "ticket_status_changed"
    before: Status = Status.NEW
    actor_id: str | None = None
    auto_close_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TicketAssigned(TicketNews):
    """The assignee changed (``ticket.operator_id``; None: unassigned)."""

    name: ClassVar[str] = "ticket_assigned"
    before: str | None = None


@dataclass(frozen=True, slots=True)
class TicketUpdated(TicketNews):
    """Fields other than status and assignee changed (``changed`` names them)."""

    name: ClassVar[str] = "ticket_updated"
    changed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TicketMerged(TicketNews):
    """``ticket`` was merged into ``into`` (the requester is told)."""

    name: ClassVar[str] = "ticket_merged"
    into: Ticket | None = None
    follow_token: str = ""


@dataclass(frozen=True, slots=True)
class TicketClosed(TicketNews):
    """The ticket closed; ``auto``: by the auto-close job, without requester reaction."""

    name: ClassVar[str] = "ticket_closed"
    auto: bool = False


@dataclass(frozen=True, slots=True)
class TicketRated(TicketNews):
    """The requester rated (or re-rated) the ticket."""

    name: ClassVar[str] = "ticket_rated"


@dataclass(frozen=True, slots=True)
class SlaWarning(TicketNews):
    """A share of a target is used: warn ``operator_id`` (the assignee), else the
    ticket's department."""

    name: ClassVar[str] = "sla_warning"
    target: str = ""
    due: datetime | None = None
    operator_id: str | None = None
    department: str = ""


@dataclass(frozen=True, slots=True)
class SlaBreached(TicketNews):
    """A target was missed (recorded once on the ticket's ``breached``)."""

    name: ClassVar[str] = "sla_breached"
    target: str = ""
    due: datetime | None = None


@dataclass(frozen=True, slots=True)
class HoldEnded(TicketNews):
    """A ticket on hold until ``until`` came back open: its assignee is told."""

    name: ClassVar[str] = "hold_ended"
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class NoticePublished(Event):
    """An admin published a service notice."""

    name: ClassVar[str] = "notice_published"
    notice: ServiceNotice


@dataclass(frozen=True, slots=True)
class InvitationCreated(Event):
    """An operator invited someone to file tickets."""

    name: ClassVar[str] = "invitation_created"
    invitation: Invitation
    organisation_name: str = ""


@dataclass(frozen=True, slots=True)
class SeatRefused(Event):
    """A requester was refused a site's editor seat: who holds them, whom to ask."""

    name: ClassVar[str] = "seat_refused"
    requester: Requester
    site_id: str
    editors: tuple[Requester, ...]
    admins: tuple[Requester, ...]


@dataclass(frozen=True, slots=True)
class SignInRequested(Event):
    """A requester asked for a portal sign-in link: e-mail them ``link`` (a path under
    the desk's address, ``/support/signin/<token>``), single use, until ``expires_at``."""

    name: ClassVar[str] = "signin_requested"
    requester: Requester
    link: str
    expires_at: datetime
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class MailBounced(Event):
    """Mail to ``email`` bounces (a delivery status notification said so): the address
    is flagged and operators are told; ``requester_id`` when a requester has it."""

    name: ClassVar[str] = "mail_bounced"
    email: str
    reason: str
    requester_id: str | None = None


@dataclass(frozen=True, slots=True)
class TicketPresence(Event):
    """An operator's console tab (``tab``) is viewing or replying to a ticket, or left it;
    told to the ticket's other viewers, and to the ticket lists of those who may see the
    ticket, never stored. ``restricted``: the ticket is a complaint (only service managers
    and admins may hear of it); ``None`` when not known (a tab that went away)."""

    name: ClassVar[str] = "ticket_presence"
    ticket_id: str
    operator_id: str
    operator_name: str
    state: str
    tab: str
    restricted: bool | None = None
    #: An answer to a roll call: told to that console tab's lists only.
    to_tab: str | None = None


@dataclass(frozen=True, slots=True)
class TicketRollCall(Event):
    """A console's ticket list opened (``operator_id``'s): every console's ticket pages are
    asked to say at once who is on which ticket, rather than at their next beat."""

    name: ClassVar[str] = "ticket_roll_call"
    operator_id: str
    tab: str


@dataclass(frozen=True, slots=True)
class OperatorsMentioned(Event):
    """An internal note names colleagues (``@Bob``): each is told in their console (the
    mail goes through the store's feed)."""

    name: ClassVar[str] = "operators_mentioned"
    ticket: Ticket
    note: TicketMessage
    operator_ids: tuple[str, ...]
