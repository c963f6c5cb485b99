"""Domain events: what services report happened, for the transport layer to publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from .models import (
    Author,
    InboxView,
    Invitation,
    Message,
    Note,
    PresenceStatus,
    Requester,
    ServiceNotice,
    Status,
    Ticket,
    TicketMessage,
)

__all__ = [
    "ChatMentioned",
    "ConversationChanged",
    "ConversationEscalated",
    "DeskChanged",
    "Event",
    "HoldEnded",
    "InboxCounts",
    "InvitationCreated",
    "LanguageChanged",
    "MailBounced",
    "MessagePosted",
    "NotePosted",
    "NoticePublished",
    "OperatorOffered",
    "OperatorRead",
    "OperatorsMentioned",
    "PresenceChanged",
    "SeatRefused",
    "SignInRequested",
    "SlaBreached",
    "SlaWarning",
    "StateChanged",
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
    "TypingChanged",
    "VisitorBlocked",
    "VisitorRead",
]


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every domain event; ``name`` identifies the kind."""

    name: ClassVar[str] = "event"


@dataclass(frozen=True, slots=True)
class MessagePosted(Event):
    """A message was stored in a conversation."""

    name: ClassVar[str] = "message_posted"
    message: Message


@dataclass(frozen=True, slots=True)
class TypingChanged(Event):
    """Someone started or stopped typing; never stored."""

    name: ClassVar[str] = "typing_changed"
    conversation_id: str
    author: Author
    on: bool


@dataclass(frozen=True, slots=True)
class VisitorRead(Event):
    """The visitor has seen their conversation up to ``seq`` (a read receipt)."""

    name: ClassVar[str] = "visitor_read"
    conversation_id: str
    seq: int
    at: datetime


@dataclass(frozen=True, slots=True)
class OperatorRead(Event):
    """The operator who has the conversation has seen it up to ``seq``."""

    name: ClassVar[str] = "operator_read"
    conversation_id: str
    seq: int


@dataclass(frozen=True, slots=True)
class ConversationEscalated(Event):
    """The conversation must go to a person; from now on the bot stays silent.

    ``reason`` is ``visitor_request`` (asked for a person), ``entry`` (a topic marked
    ``escalate`` in the knowledge) or ``bot_unsure``; ``trigger_seq`` is the visitor
    message that caused it (None for the "Talk to a person" button).
    """

    name: ClassVar[str] = "conversation_escalated"
    conversation_id: str
    reason: str
    department: str
    priority: str
    entry_id: str | None = None
    trigger_seq: int | None = None


@dataclass(frozen=True, slots=True)
class StateChanged(Event):
    """A conversation's state (queue, operator, ticket...) changed; ``state`` is the new one."""

    name: ClassVar[str] = "state_changed"
    conversation_id: str
    state: dict[str, Any]


@dataclass(frozen=True, slots=True)
class VisitorBlocked(Event):
    """An operator blocked a chat visitor until ``until`` (abuse): their widgets are told
    and closed, and their connections refused until then."""

    name: ClassVar[str] = "visitor_blocked"
    visitor_id: str
    conversation_id: str
    until: datetime


@dataclass(frozen=True, slots=True)
class DeskChanged(Event):
    """The desk's status for visitors changed (online, away, closed)."""

    name: ClassVar[str] = "desk_changed"
    desk: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ConversationChanged(Event):
    """A conversation's summary changed; every operator's lists update from it."""

    name: ClassVar[str] = "conversation_changed"
    conversation_id: str
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class InboxCounts(Event):
    """The sizes of one operator's queue / mine / all lists."""

    name: ClassVar[str] = "inbox_counts"
    operator_id: str
    counts: dict[InboxView, int]


@dataclass(frozen=True, slots=True)
class OperatorOffered(Event):
    """A queued conversation is offered to one operator (auto-assign)."""

    name: ClassVar[str] = "operator_offered"
    operator_id: str
    conversation_id: str
    expires_at: str
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PresenceChanged(Event):
    """An operator's presence changed."""

    name: ClassVar[str] = "presence_changed"
    operator_id: str
    name_: str
    status: PresenceStatus


@dataclass(frozen=True, slots=True)
class NotePosted(Event):
    """A private note was added; only operators hear it."""

    name: ClassVar[str] = "note_posted"
    note: Note


@dataclass(frozen=True, slots=True)
class ChatMentioned(Event):
    """A note on a chat names colleagues (``@Bob``): each is told in their console."""

    name: ClassVar[str] = "chat_mentioned"
    note: Note
    operator_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LanguageChanged(Event):
    """A conversation's language changed (the visitor chose it, or writes in it); every
    tab switches, with the bot's welcome in the new language."""

    name: ClassVar[str] = "language_changed"
    conversation_id: str
    lang: str
    welcome: dict[str, Any] | None


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
