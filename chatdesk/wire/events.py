"""Every socket event, by namespace and direction, with its payload type: the contract."""

from __future__ import annotations

from typing import Literal

import msgspec

from . import console as co
from . import mail as ml
from . import operator as op
from . import support as su
from . import tickets as tk
from . import visitor as vi
from .base import ErrorOut, Out
from .shared import DeskOut, MessageOut, StateOut

__all__ = ["ACKS", "INCOMING", "OUTGOING", "EmptyOut", "ErrorAck", "Namespace", "OkAck"]

Namespace = Literal["/visitor", "/operator"]


class EmptyOut(Out):
    """An event without fields (``forgotten``) or an ack of ``{}``."""


class OkAck(Out):
    """An ack that says only that it worked."""

    ok: Literal[True]


class ErrorAck(Out):
    """The ack of any event that failed."""

    ok: Literal[False]
    error: ErrorOut


#: What clients send, per namespace and event.
INCOMING: dict[Namespace, dict[str, type[msgspec.Struct]]] = {
    "/visitor": {
        "message": vi.MessageIn,
        "history": vi.HistoryIn,
        "choose": vi.ChooseIn,
        "feedback": vi.FeedbackIn,
        "escalate": vi.EscalateIn,
        "contact": vi.ContactIn,
        "rate": vi.RateIn,
        "forget": vi.NothingIn,
        "typing": vi.TypingIn,
        "read": vi.ReadIn,
        "lang": vi.LangIn,
        "transcript": vi.TranscriptIn,
    },
    "/operator": {
        "status": op.StatusIn,
        "inbox": op.InboxIn,
        "watch": op.ConversationIn,
        "unwatch": op.ConversationIn,
        "claim": op.ConversationIn,
        "decline": op.ConversationIn,
        "message": op.OperatorMessageIn,
        "note": op.NoteIn,
        "typing": op.OperatorTypingIn,
        "read": op.OperatorReadIn,
        "transfer": op.TransferIn,
        "handback": op.ConversationIn,
        "close": op.ConversationIn,
        "block_visitor": op.BlockVisitorIn,
        "transcript": op.OperatorTranscriptIn,
        "unblock_visitor": op.ConversationIn,
        "reopen": op.ConversationIn,
        "ticket_update": op.TicketUpdateIn,
        "operators": vi.NothingIn,
        "canned": vi.NothingIn,
        "canned_save": op.CannedSaveIn,
        "canned_delete": op.CannedDeleteIn,
        "answers": op.AnswersIn,
        "answer_quoted": op.QuotedIn,
        "tickets": co.TicketsIn,
        "ticket_watch": co.TicketRefIn,
        "ticket_presence": co.TicketPresenceIn,
        "ticket_roll_call": vi.NothingIn,
        "ticket_reply": co.TicketReplyIn,
        "ticket_change": co.TicketChangeIn,
        "ticket_merge": co.TicketMergeIn,
        "ticket_bulk": co.TicketBulkIn,
        "ticket_from_chat": co.TicketFromChatIn,
    },
}

#: What the server emits, per namespace and event.
OUTGOING: dict[Namespace, dict[str, type[msgspec.Struct]]] = {
    "/visitor": {
        "session": vi.SessionOut,
        "message": MessageOut,
        "state": StateOut,
        "desk": DeskOut,
        "escalated": vi.EscalatedOut,
        "typing": vi.TypingOut,
        "read": vi.ReadReceiptOut,
        "lang": vi.LangOut,
        "forgotten": EmptyOut,
        "blocked": vi.BlockedOut,
        "notices": su.NoticesOut,
        "error": ErrorOut,
    },
    "/operator": {
        "hello": op.HelloOut,
        "conversation": op.SummaryOut,
        "counts": op.CountsOut,
        "offer": op.OfferOut,
        "presence": op.PresenceOut,
        "message": MessageOut,
        "note": op.NoteOut,
        "typing": vi.TypingOut,
        "read": op.ReadOut,
        "ticket": tk.TicketSummaryOut,
        "ticket_presence": co.TicketPresenceOut,
        "ticket_viewers": co.TicketPresenceOut,
        "ticket_roll_call": co.RollCallOut,
        "mention": co.MentionOut,
        "chat_mention": co.ChatMentionOut,
        "hold_ended": co.HoldEndedOut,
        "mail_bounced": ml.MailBouncedOut,
        "error": ErrorOut,
    },
}

#: The ack of each incoming event when it worked (a failure acks :class:`ErrorAck`).
ACKS: dict[Namespace, dict[str, type[msgspec.Struct]]] = {
    "/visitor": {
        "message": vi.MessageAck,
        "history": vi.HistoryOut,
        "choose": vi.MessageAck,
        "feedback": OkAck,
        "escalate": vi.StateAck,
        "contact": vi.StateAck,
        "rate": OkAck,
        "forget": OkAck,
        "lang": vi.LangAck,
        "transcript": vi.TranscriptAck,
        "read": OkAck,
    },
    "/operator": {
        "status": op.StatusAck,
        "inbox": op.InboxAck,
        "watch": op.WatchAck,
        "unwatch": OkAck,
        "claim": op.ConversationAck,
        "decline": OkAck,
        "message": vi.MessageAck,
        "note": op.NoteAck,
        "read": OkAck,
        "transfer": OkAck,
        "handback": OkAck,
        "close": OkAck,
        "block_visitor": OkAck,
        "transcript": vi.TranscriptAck,
        "unblock_visitor": OkAck,
        "reopen": op.ConversationAck,
        "ticket_update": op.ConversationAck,
        "operators": op.OperatorsAck,
        "canned": op.CannedList,
        "canned_save": OkAck,
        "canned_delete": OkAck,
        "answers": op.AnswersAck,
        "answer_quoted": OkAck,
        "tickets": co.TicketsAck,
        "ticket_watch": co.TicketPageAck,
        "ticket_presence": co.TicketPresenceAck,
        "ticket_roll_call": OkAck,
        "ticket_reply": co.TicketReplyAck,
        "ticket_change": co.TicketAck,
        "ticket_merge": co.TicketAck,
        "ticket_bulk": co.TicketBulkAck,
        "ticket_from_chat": co.TicketAck,
    },
}
