"""The ``/visitor`` namespace's payloads, both ways (docs/protocol.md)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .base import ID, MAX_INT, ClientId, In, Out, Priority
from .shared import BotWelcome, DeskOut, MessageOut, StateOut
from .support import NoticeOut

__all__ = [
    "AckOut",
    "BlockedOut",
    "ChooseIn",
    "ConnectAuth",
    "ContactIn",
    "EscalateIn",
    "EscalatedOut",
    "FeedbackIn",
    "HistoryIn",
    "HistoryOut",
    "LangAck",
    "LangIn",
    "LangOut",
    "MessageAck",
    "MessageIn",
    "NothingIn",
    "RateIn",
    "SessionOut",
    "StateAck",
    "TranscriptAck",
    "TranscriptIn",
    "TypingIn",
    "TypingOut",
]

Seq = Annotated[int, msgspec.Meta(ge=0, le=MAX_INT)]
#: A language tag as browsers write it (``fr``, ``nl-BE``); mapped to fr, nl or en.
LangTag = Annotated[str, msgspec.Meta(max_length=35)]


class ConnectAuth(msgspec.Struct, kw_only=True):
    """The ``auth`` object of a visitor's connection. Unknown keys are ignored (forward
    compatibility: refusing a connection over them would strand old widgets)."""

    token: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    since: Seq | None = None
    lang: LangTag | None = None
    #: Where ``lang`` comes from: the site's ``data-lang``, the visitor's own choice, or
    #: the browser's languages (then what the visitor writes may switch it).
    lang_source: Literal["site", "visitor", "browser"] | None = None
    page: Annotated[str, msgspec.Meta(max_length=2048)] | None = None


class MessageIn(In):
    """``message``: what the visitor wrote (trimmed and checked by the service)."""

    client_id: ClientId
    text: str


class HistoryIn(In):
    """``history``: a page of messages after ``since``."""

    since: Seq
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_INT)] | None = None


class ChooseIn(In):
    """``choose``: the visitor picks a starter, suggestion or follow-up."""

    entry_id: ID
    client_id: ClientId | None = None


class FeedbackIn(In):
    """``feedback``: the visitor rates a bot answer."""

    message_id: ID
    useful: bool


class EscalateIn(In):
    """``escalate``: the visitor asks for a person."""

    department: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    priority: Priority | None = None


class ContactIn(In):
    """``contact``: the offline form."""

    email: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]
    name: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    subject: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    department: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    priority: Priority | None = None


class RateIn(In):
    """``rate``: 1-5 stars after an operator closed the conversation."""

    score: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class TranscriptIn(In):
    """``transcript``: mail the conversation to this address ("Email me this
    conversation")."""

    email: Annotated[str, msgspec.Meta(min_length=1, max_length=254)]


class TypingIn(In):
    """``typing``: the visitor is (not) typing."""

    on: bool


class ReadIn(In):
    """``read``: the visitor has seen their conversation up to ``seq`` (the widget open
    on a visible page)."""

    seq: Seq


class LangIn(In):
    """``lang``: the visitor chose the conversation's language."""

    lang: LangTag


class NothingIn(In):
    """An event that takes no fields (``forget``): ``{}`` or nothing."""


class SessionOut(Out):
    """``session``: sent once after every successful connect, before anything else."""

    token: str
    visitor_id: str
    conversation_id: str
    seq: int
    lang: str
    mode: str
    bot: BotWelcome | None
    state: StateOut
    desk: DeskOut
    #: Service notices showing now to everyone (a banner the visitor may dismiss).
    notices: list[NoticeOut]
    #: How far the operator who has the conversation has seen it (a ``seq``; 0: not yet).
    read_seq: int = 0


class ReadReceiptOut(Out):
    """``read``: the operator who has the conversation has seen it up to ``seq``."""

    seq: int


class EscalatedOut(Out):
    """``escalated``: the conversation went to people."""

    conversation_id: str
    reason: str
    department: str
    priority: str


class TypingOut(Out):
    """``typing``: the other side is (not) typing."""

    conversation_id: str
    author: Literal["visitor", "bot", "operator", "system"]
    on: bool


class LangOut(Out):
    """``lang``: the conversation's language changed; switch the interface to it."""

    lang: str
    bot: BotWelcome | None


class AckOut(Out):
    """An ack with nothing more than success."""

    ok: Literal[True]


class MessageAck(Out):
    """The ack of ``message`` and ``choose``: the stored message."""

    ok: Literal[True]
    message: MessageOut


class HistoryOut(Out):
    """The ack of ``history``."""

    ok: Literal[True]
    messages: list[MessageOut]
    more: bool


class StateAck(Out):
    """The ack of ``escalate`` and ``contact``: the conversation's new state."""

    ok: Literal[True]
    state: StateOut


class TranscriptAck(Out):
    """The ack of ``transcript``: the address it goes to, as the desk wrote it."""

    ok: Literal[True]
    email: str


class LangAck(Out):
    """The ack of ``lang``."""

    ok: Literal[True]
    lang: str
    bot: BotWelcome | None
    state: StateOut


class BlockedOut(Out):
    """``blocked``: an operator blocked this visitor until ``until`` (the widget closes;
    connecting again is refused with ``blocked`` until then)."""

    until: str
