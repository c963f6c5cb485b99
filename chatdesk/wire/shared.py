"""Payloads both namespaces send: messages, tickets, a conversation's state, the desk."""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from .base import Out, Ts

__all__ = [
    "BotWelcome",
    "ChatFileOut",
    "Choice",
    "DeskOut",
    "MessageOut",
    "OperatorRef",
    "PriorityOut",
    "QueuePlace",
    "StateOut",
    "Suggestion",
    "TicketOut",
]

Mode = Literal["bot", "queued", "live", "waiting", "closed"]


class OperatorRef(Out):
    """An operator as a visitor or colleague sees them (``id`` only for operators)."""

    name: str
    id: str | UnsetType = UNSET


class Choice(Out):
    """A knowledge entry the visitor may pick (starter, follow-up)."""

    entry_id: str
    title: str


class Suggestion(Out):
    """A "Did you mean…" option, with the bot's confidence in it."""

    entry_id: str
    title: str
    confidence: float


class ChatFileOut(Out):
    """A file a visitor sent in chat. ``url`` is a path on the desk: for the visitor, a
    signed link (``/widget/files/<id>?sig=…``); for operators, the console's download."""

    id: str
    name: str
    size: int
    content_type: str
    url: str


class MessageOut(Out):
    """A stored message of a conversation, as every client receives it.

    The fields after ``client_id`` are present only on messages of the kind that has them
    (bot answers, system lines, operators' messages, a visitor's choice).
    """

    id: str
    seq: int
    conversation_id: str
    author: Literal["visitor", "bot", "operator", "system"]
    text: str
    ts: Ts
    client_id: str | UnsetType = UNSET
    # A visitor picking a starter, suggestion or follow-up: the entry id.
    choice: str | UnsetType = UNSET
    # Bot messages.
    kind: str | UnsetType = UNSET
    lang: str | UnsetType = UNSET
    html: str | UnsetType = UNSET
    entry_id: str | UnsetType | None = UNSET
    #: An answer written in another language than the conversation's (the entry lacks it):
    #: that language, and a one-line note in the visitor's saying so.
    answer_lang: str | UnsetType = UNSET
    note: str | UnsetType | None = UNSET
    confidence: float | UnsetType | None = UNSET
    suggestions: list[Suggestion] | UnsetType = UNSET
    follow_ups: list[Choice] | UnsetType = UNSET
    #: The entry's longer article on the help centre, a path on the desk
    #: (``/help/<lang>/<entry-id>``): answers of entries that have one.
    article_url: str | UnsetType = UNSET
    offer_person: bool | UnsetType = UNSET
    feedback: bool | UnsetType | None = UNSET
    # System messages (and an operator's own messages: `operator`).
    event: str | UnsetType = UNSET
    ticket: str | UnsetType = UNSET
    department: str | UnsetType = UNSET
    operator: OperatorRef | UnsetType = UNSET
    #: An operator's public reply on the conversation's ticket, said in the chat too: the
    #: ticket message's id (the ticket's thread shows it once).
    ticket_message: str | UnsetType = UNSET
    #: Files: a visitor's sent in chat (the message's text is the file's name), or those of
    #: a ticket reply said in the chat (``ticket_message`` set; the text is the reply's).
    attachments: list[ChatFileOut] | UnsetType = UNSET


class TicketOut(Out):
    """A ticket; the fields after ``answered`` are sent to operators only."""

    number: str
    status: Literal["new", "open", "pending", "on_hold", "resolved", "closed"]
    priority: str
    department: str
    subject: str
    created_at: Ts
    reply_expected_by: Ts | None
    #: A person answered (live, or from the ticket's page): no reply time is promised.
    answered: bool = False
    id: str | UnsetType = UNSET
    reason: str | UnsetType = UNSET
    requester_name: str | UnsetType = UNSET
    requester_email: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    operator_id: str | UnsetType | None = UNSET
    first_response_at: Ts | UnsetType | None = UNSET
    rating: int | UnsetType | None = UNSET
    rating_comment: str | UnsetType = UNSET


class QueuePlace(Out):
    """A queued visitor's place: 1-based position and an estimate (None: unknown)."""

    position: int
    estimated_wait_seconds: int | None


class StateOut(Out):
    """Where a conversation stands for its visitor (docs/protocol.md, ``state``)."""

    mode: Mode
    queue: QueuePlace | None
    operator: OperatorRef | None
    ticket: TicketOut | None
    offline_form: bool
    rating_requested: bool


class PriorityOut(Out):
    """A priority a visitor may choose, with the desk's words for it per language (a
    language the desk gives no words in takes the widget's own)."""

    id: Literal["urgent", "high", "normal", "low"]
    label: dict[str, str]
    definition: dict[str, str]


class DeskOut(Out):
    """The desk as visitors see it (docs/protocol.md, ``desk``)."""

    name: str
    status: Literal["online", "away", "closed"]
    open_now: bool
    next_open: Ts | None
    reply_within_seconds: int
    departments: list[str]
    reply_expected_by: Ts | UnsetType = UNSET
    timezone: str | UnsetType | None = UNSET
    priorities: list[PriorityOut] | UnsetType = UNSET
    #: Who may file (``[helpdesk] access``): ``customers``, requests from registered
    #: addresses only (the offline form says so before the visitor types).
    access: Literal["open", "customers"] | UnsetType = UNSET
    #: ``[privacy] delete_chats_after_days``: a chat without a ticket is deleted this many
    #: days after its last message (None: kept until the visitor forgets it).
    chats_kept_days: int | UnsetType | None = UNSET
    #: Whether the widget may offer "Email me this conversation" (``transcript``): the
    #: desk sends e-mail.
    transcript: bool | UnsetType = UNSET


class BotWelcome(Out):
    """The bot's name, greeting and starter questions, in the conversation's language."""

    name: str
    greeting: str
    starters: list[Choice]
