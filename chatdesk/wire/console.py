"""The console's ticket events on ``/operator``: lists, a ticket's page and every edit."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from .base import ID, CcList, ClientId, HoldUntil, In, Out, Priority, TagList, TimeSpent, Ts
from .shared import MessageOut
from .tickets import SlaOut, TicketStatus, TicketSummaryOut

__all__ = [
    "AttachmentOut",
    "ChatItemOut",
    "ChatMentionOut",
    "CsatOut",
    "MentionOut",
    "OrganisationOut",
    "RequesterOut",
    "RollCallOut",
    "TicketAck",
    "TicketBulkAck",
    "TicketBulkIn",
    "TicketChangeIn",
    "TicketEventOut",
    "TicketFromChatIn",
    "TicketItemOut",
    "TicketMergeIn",
    "TicketPageAck",
    "TicketPresenceAck",
    "TicketPresenceIn",
    "TicketPresenceOut",
    "TicketRefIn",
    "TicketReplyAck",
    "TicketReplyIn",
    "TicketsAck",
    "TicketsIn",
]

#: A ticket named by its id, or its number with or without ``#``.
Ref = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
TicketKind = Literal["question", "incident", "idea", "complaint"]
Department = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
FieldId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Fields = Annotated[
    dict[FieldId, Annotated[str, msgspec.Meta(max_length=5000)]], msgspec.Meta(max_length=50)
]


class TicketsIn(In):
    """``tickets``: a page of a ticket view with filters (every given one must match)."""

    view: Literal["unassigned", "mine", "open", "pending", "breaching", "all", "following"] = "open"
    status: Annotated[list[TicketStatus], msgspec.Meta(max_length=6)] = msgspec.field(
        default_factory=list
    )
    type: Annotated[list[TicketKind], msgspec.Meta(max_length=4)] = msgspec.field(
        default_factory=list
    )
    priority: Annotated[list[Priority], msgspec.Meta(max_length=4)] = msgspec.field(
        default_factory=list
    )
    department: Department | None = None
    assignee: ID | None = None
    #: One requester's tickets (their id).
    requester: ID | None = None
    #: One organisation's tickets (its id).
    org: ID | None = None
    #: The tickets linked to this problem ticket (its id).
    problem: ID | None = None
    #: Tickets with this tag.
    tag: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    q: Annotated[str, msgspec.Meta(max_length=200)] = ""
    sort: Literal["due", "updated", "created"] = "due"
    page: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1


class TicketRefIn(In):
    """``ticket_watch``: one ticket's page."""

    ref: Ref


PresenceState = Literal["viewing", "replying", "left"]


class TicketPresenceIn(In):
    """``ticket_presence``: this console tab is viewing or replying to a ticket, or left it
    (sent again every ~25 s while it stays; viewers forget a tab silent for 60 s)."""

    ref: Ref
    state: PresenceState
    #: An answer to a ticket roll call: only that console (its ``tab``) is told, as
    #: ``ticket_viewers``.
    to: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{12}$")] | None = None


class RollCallOut(Out):
    """``ticket_roll_call``: a ticket list opened (its connection: ``tab``); a console with a
    ticket page open answers with ``ticket_presence`` ``to`` that tab."""

    tab: str


class TicketPresenceAck(Out):
    """The ack of ``ticket_presence``: this tab's id in the events the others get."""

    ok: Literal[True]
    tab: str


class TicketPresenceOut(Out):
    """``ticket_presence`` to the ticket's viewers, and ``ticket_viewers`` to the consoles'
    ticket lists: who views or replies, or left."""

    ticket_id: ID
    operator_id: ID
    name: str
    state: PresenceState
    tab: str


class TicketReplyIn(In):
    """``ticket_reply``: a public reply to the requester, or an internal note."""

    ref: Ref
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
    client_id: ClientId
    internal: bool = False
    #: The status the ticket moves to with the message (absent: unchanged).
    status: Literal["pending", "on_hold", "resolved", "closed"] | None = None
    #: Tags added to the ticket with the message (a canned response's), in one step.
    tags: TagList = msgspec.field(default_factory=list)
    #: With ``status`` "on_hold" (or on a ticket on hold): the date it waits until.
    hold_until: HoldUntil | None = None
    #: Minutes the operator worked on the ticket, recorded with the message (0: none).
    time_spent_minutes: TimeSpent = 0


class TicketChangeIn(In):
    """``ticket_change``: what is given changes (``unassign`` clears the assignee)."""

    ref: Ref
    status: TicketStatus | None = None
    priority: Priority | None = None
    department: Department | None = None
    assignee: ID | None = None
    unassign: bool = False
    type: TicketKind | None = None
    subject: Subject | None = None
    fields: Fields | None = None
    #: The whole new list of people in Cc (``[]`` removes them all).
    cc: CcList | None = None
    #: The whole new list of tags (``[]`` removes them all).
    tags: TagList | None = None
    #: On hold until then (the status is or becomes ``on_hold``); ``""`` removes the date.
    hold_until: HoldUntil | None = None


class TicketMergeIn(In):
    """``ticket_merge``: the ticket ``ref`` goes into ``into`` and closes."""

    ref: Ref
    into: Ref


class TicketBulkIn(In):
    """``ticket_bulk``: assign (``assignee``), close (``close``), move to a status
    (``status``), add a tag (``tag``), link to a problem ticket (``problem``: its number
    or id) or mark as spam (``spam``; with ``block``, their requesters' addresses blocked
    too) up to 100 tickets."""

    refs: Annotated[list[Ref], msgspec.Meta(min_length=1, max_length=100)]
    assignee: ID | None = None
    close: bool = False
    status: Literal["open", "pending", "on_hold", "resolved", "closed"] | None = None
    tag: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] | None = None
    problem: Ref | None = None
    spam: bool = False
    block: bool = False


class TicketFromChatIn(In):
    """``ticket_from_chat``: make a conversation's ticket a proper one (or a new one)."""

    conversation_id: ID
    new: bool = False
    type: TicketKind | None = None
    priority: Priority | None = None
    department: Department | None = None
    subject: Subject | None = None
    fields: Fields | None = None


class TicketItemOut(Out, tag_field="source", tag="ticket"):
    """A message of the ticket's own thread (``internal``: an operators' note)."""

    id: str
    ticket_id: str
    author: Literal["requester", "operator", "system"]
    author_id: str | None
    author_name: str
    text: str
    internal: bool
    ts: Ts
    client_id: str | None


class ChatItemOut(MessageOut, tag_field="source", tag="chat"):
    """A message of a chat ticket's conversation, merged into the thread by time."""


class AttachmentOut(Out):
    """A file of the ticket (``message_id``: the message it came with)."""

    id: str
    ticket_id: str
    message_id: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: Ts
    #: How the console shows it inline: ``image`` (a raster image checked on its bytes: a
    #: thumbnail), ``video`` (MP4 or WebM: a player), or None (a download link).
    preview: Literal["image", "video"] | None = None


class TicketEventOut(Out):
    """A line of the ticket's history: who (``actor``), when, what (``kind``, ``data``)."""

    id: str
    ticket_id: str
    kind: str
    actor: Literal["requester", "operator", "system"]
    actor_id: str | None
    data: dict[str, Any]
    ts: Ts


class CsatOut(Out):
    """The requester's rating (1-5) and comment."""

    score: int | None
    comment: str
    rated_at: Ts | None


class RequesterOut(Out):
    """Who filed the ticket."""

    id: str
    email: str
    name: str
    phone: str
    lang: str
    organisation_id: str | None
    org_role: Literal["member", "admin"]
    invited: bool
    created_at: Ts
    #: The team's note on them (operators only).
    note: str = ""


class OrganisationOut(Out):
    """The requester's organisation (the customer account)."""

    id: str
    name: str
    contract_active: bool
    max_members: int | None
    max_editors_per_site: int | None
    created_at: Ts
    #: The team's note on the customer (operators only).
    note: str = ""


class TicketsAck(Out):
    """The ack of ``tickets``: one page and how many match in all."""

    ok: Literal[True]
    tickets: list[TicketSummaryOut]
    total: int
    page: int
    per_page: int


class TicketPageAck(Out):
    """The ack of ``ticket_watch``: the ticket, its thread and what the page needs."""

    ok: Literal[True]
    ticket: TicketSummaryOut
    description: str
    fields: dict[str, str]
    messages: list[TicketItemOut | ChatItemOut]
    attachments: list[AttachmentOut]
    events: list[TicketEventOut]
    sla: SlaOut
    csat: CsatOut
    moves: list[TicketStatus]
    first_response_at: Ts | None
    requester: RequesterOut | None
    organisation: OrganisationOut | None
    now: Ts
    #: The minutes operators recorded on the ticket (its ``time`` history rows added up).
    time_spent_minutes: int = 0
    #: The ids of the operators who follow the ticket, in the order they followed it.
    followers: list[str] = msgspec.field(default_factory=list)
    #: The problem ticket this one is linked to (many tickets about one outage).
    problem: TicketSummaryOut | None = None
    #: The tickets linked to this one as their problem, in the order linked.
    incidents: list[TicketSummaryOut] = msgspec.field(default_factory=list)


class TicketAck(Out):
    """The ack of ``ticket_change``, ``ticket_merge`` (the target) and
    ``ticket_from_chat``."""

    ok: Literal[True]
    ticket: TicketSummaryOut


class TicketReplyAck(Out):
    """The ack of ``ticket_reply``."""

    ok: Literal[True]
    message: TicketItemOut
    ticket: TicketSummaryOut


class TicketBulkAck(Out):
    """The ack of ``ticket_bulk``: the ids changed, and the refusals by reference."""

    ok: Literal[True]
    changed: list[str]
    refused: dict[str, str]


class MentionOut(Out):
    """``mention``: a colleague's internal note names this operator (to their consoles)."""

    ticket_id: ID
    number: str
    subject: str
    by: str
    #: The note's first 300 characters.
    text: str


class ChatMentionOut(Out):
    """``chat_mention``: a colleague's note on a chat names this operator (to their
    consoles; no mail: a chat is live)."""

    conversation_id: ID
    by: str
    #: The note's first 300 characters.
    text: str


class HoldEndedOut(Out):
    """``hold_ended``: a ticket this operator has was on hold until ``until`` and is
    open again (to the assignee's consoles)."""

    ticket_id: ID
    number: str
    subject: str
    until: Ts
