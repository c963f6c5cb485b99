"""The ``/operator`` namespace's payloads, both ways (docs/protocol.md, "Operators")."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from .base import ID, MAX_INT, MAX_QUERY, ClientId, In, Lang, Out, Priority, TagList, Ts
from .shared import MessageOut, OperatorRef, TicketOut

__all__ = [
    "AnswerOut",
    "AnswersAck",
    "AnswersIn",
    "BlockVisitorIn",
    "CannedDeleteIn",
    "CannedList",
    "CannedOut",
    "CannedSaveIn",
    "ConversationAck",
    "ConversationIn",
    "CountsOut",
    "HelloOut",
    "InboxAck",
    "InboxIn",
    "LastMessage",
    "NoteAck",
    "NoteIn",
    "NoteOut",
    "OfferOut",
    "OperatorMessageIn",
    "OperatorOut",
    "OperatorTranscriptIn",
    "OperatorTypingIn",
    "OperatorsAck",
    "PresenceOut",
    "QuotedIn",
    "Shortcut",
    "StatusAck",
    "StatusIn",
    "SummaryOut",
    "TicketUpdateIn",
    "TransferIn",
    "WatchAck",
]

Text = Annotated[str, msgspec.Meta(max_length=20_000)]
Shortcut = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,29}$")]
Department = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class StatusIn(In):
    """``status``: the operator is online or away."""

    status: Literal["online", "away"]


class InboxIn(In):
    """``inbox``: one of the console's lists."""

    view: Literal["queue", "mine", "all"]


class ConversationIn(In):
    """Events naming one conversation: ``watch``, ``unwatch``, ``claim``, ``decline``,
    ``handback``, ``close``, ``unblock_visitor``, ``reopen``."""

    conversation_id: ID


class OperatorMessageIn(In):
    """``message``: to the visitor of one's own live conversation."""

    conversation_id: ID
    client_id: ClientId
    text: Text


class NoteIn(In):
    """``note``: a private note on any conversation."""

    conversation_id: ID
    text: Text
    client_id: ClientId | None = None


class OperatorReadIn(In):
    """``read``: the operator has seen their conversation up to ``seq`` (its page open
    and visible)."""

    conversation_id: ID
    seq: Annotated[int, msgspec.Meta(ge=0, le=MAX_INT)]


class OperatorTypingIn(In):
    """``typing``: the operator is (not) typing to the visitor."""

    conversation_id: ID
    on: bool


class BlockVisitorIn(In):
    """``block_visitor``: end one's own live conversation and block its visitor (abuse)
    for 1, 7 or 30 days."""

    conversation_id: ID
    days: Literal[1, 7, 30] = 7


class OperatorTranscriptIn(In):
    """``transcript``: mail a conversation (as it is now) to an address: the requester's,
    or someone the desk works with."""

    conversation_id: ID
    email: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]


class TransferIn(In):
    """``transfer``: to an online operator or to a department's queue (exactly one)."""

    conversation_id: ID
    operator_id: ID | None = None
    department: Department | None = None


class TicketUpdateIn(In):
    """``ticket_update``: change the ticket of a conversation."""

    conversation_id: ID
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    priority: Priority | None = None
    department: Department | None = None


#: Where a ticket reply written with a canned response moves the ticket ("": nowhere).
CannedStatus = Literal["", "open", "pending", "on_hold", "resolved", "closed"]


class CannedSaveIn(In):
    """``canned_save``: create or replace a canned response (admins)."""

    shortcut: Shortcut
    lang: Lang
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    #: The status a ticket reply written with it moves the ticket to ("": unchanged).
    status: CannedStatus = ""
    #: Tags a ticket reply written with it adds to the ticket.
    tags: TagList = msgspec.field(default_factory=list)


class CannedDeleteIn(In):
    """``canned_delete``: delete a canned response (admins)."""

    shortcut: Shortcut
    lang: Lang


class OperatorOut(Out):
    """An operator as colleagues see them (``operators`` adds status and load)."""

    id: str
    email: str
    name: str
    role: str
    departments: list[str]
    languages: list[str]
    capacity: int | None
    status: Literal["online", "away", "offline"] | UnsetType = UNSET
    load: int | UnsetType = UNSET


class CountsOut(Out):
    """``counts``: the sizes of this operator's lists."""

    queue: int
    mine: int
    all: int


class LastMessage(Out):
    """A conversation's newest message, shortened for lists."""

    author: str
    text: str
    ts: Ts


class SummaryOut(Out):
    """``conversation``: a conversation as the console lists it."""

    id: str
    mode: str
    department: str
    priority: str
    lang: str
    page: str
    queued_at: Ts | None
    operator: OperatorRef | None
    ticket: TicketOut | None
    last_message: LastMessage | None
    #: The last message is an operator's and the visitor has seen it (a read receipt).
    seen: bool = False


class NoteOut(Out):
    """``note``: a private note (never sent to the visitor)."""

    id: str
    conversation_id: str
    operator: OperatorRef
    text: str
    ts: Ts
    client_id: str | None
    internal: Literal[True]


class HelloOut(Out):
    """``hello``: right after connecting."""

    operator: OperatorOut
    status: Literal["online", "away", "offline"]
    counts: CountsOut
    departments: list[str]


class OfferOut(Out):
    """``offer``: auto-assign offers this operator a conversation until ``expires_at``."""

    conversation: SummaryOut
    expires_at: Ts


class PresenceOut(Out):
    """``presence``: an operator's presence changed."""

    operator_id: str
    name: str
    status: Literal["online", "away", "offline"]


class CannedOut(Out):
    """A canned response (``status``: where a ticket reply with it moves the ticket)."""

    shortcut: str
    lang: str
    text: str
    status: CannedStatus = ""
    #: The tags a ticket reply with it adds.
    tags: list[str] = msgspec.field(default_factory=list)


class StatusAck(Out):
    """The ack of ``status``."""

    ok: Literal[True]
    status: str


class InboxAck(Out):
    """The ack of ``inbox``."""

    ok: Literal[True]
    conversations: list[SummaryOut]
    counts: CountsOut


class ReadMark(Out):
    """How far the visitor has seen their conversation: the ``seq`` of the last message
    shown to them (0: none yet) and when (null: never)."""

    seq: int
    at: str | None


class ReadOut(ReadMark):
    """``read``: the visitor has now seen their conversation up to ``seq``."""

    conversation_id: str


class WatchAck(Out):
    """The ack of ``watch``: the history (last 200 messages), the notes, and how far the
    visitor has seen it."""

    ok: Literal[True]
    conversation: SummaryOut
    messages: list[MessageOut]
    earlier: bool
    notes: list[NoteOut]
    read: ReadMark


class ConversationAck(Out):
    """The ack of ``claim``, ``reopen`` and ``ticket_update``."""

    ok: Literal[True]
    conversation: SummaryOut | None


class NoteAck(Out):
    """The ack of ``note``."""

    ok: Literal[True]
    note: NoteOut


class OperatorsAck(Out):
    """The ack of ``operators``."""

    ok: Literal[True]
    operators: list[OperatorOut]
    departments: list[str]


class CannedList(Out):
    """The ack of ``canned``."""

    ok: Literal[True]
    responses: list[CannedOut]


class AnswersIn(In):
    """``answers``: the help centre's answers to ``q`` for a reader of ``lang``."""

    q: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_QUERY)]
    lang: Lang
    #: The operator typed ``q`` in the panel's search (not the person's words): one that
    #: finds nothing is listed in the help centre's report.
    typed: bool = False


class AnswerOut(Out):
    """A public entry an operator may quote: its short answer as plain text (links
    written out, absolute) and its page's absolute address."""

    id: str
    title: str
    lang: Lang
    url: str
    text: str
    confidence: float


class AnswersAck(Out):
    """The ack of ``answers``: best first, empty when nothing answers well."""

    ok: Literal[True]
    query: str
    answers: list[AnswerOut]


class QuotedIn(In):
    """``answer_quoted``: an operator put entry ``id``'s answer or link (in ``lang``) in
    a reply."""

    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    lang: Lang
