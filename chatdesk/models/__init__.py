"""Domain records shared by services and stores (no behaviour beyond their own fields)."""

from __future__ import annotations

from .clock import format_ts, new_id, parse_ts, utcnow
from .conversations import (
    MAX_PAGE,
    Author,
    Conversation,
    LangSource,
    Message,
    MessageDraft,
    Mode,
    Note,
    Visitor,
)
from .inbox import InboxView, Summary
from .people import CannedResponse, Operator, Presence, PresenceStatus, Role
from .tickets import Claim, Status, Ticket, TicketChanges, TicketDraft, format_number

__all__ = [
    "MAX_PAGE",
    "Author",
    "CannedResponse",
    "Claim",
    "Conversation",
    "InboxView",
    "LangSource",
    "Message",
    "MessageDraft",
    "Mode",
    "Note",
    "Operator",
    "Presence",
    "PresenceStatus",
    "Role",
    "Status",
    "Summary",
    "Ticket",
    "TicketChanges",
    "TicketDraft",
    "Visitor",
    "format_number",
    "format_ts",
    "new_id",
    "parse_ts",
    "utcnow",
]
