"""Domain records shared by services and stores (no behaviour beyond their own fields)."""

from __future__ import annotations

from .audit import AuditAction, AuditEntry
from .clock import format_ts, new_id, parse_ts, utcnow
from .conversations import (
    MAX_PAGE,
    PEOPLE_MODES,
    Author,
    BotMiss,
    Conversation,
    LangSource,
    Message,
    MessageDraft,
    Miss,
    Mode,
    Note,
    Visitor,
)
from .help import EntryActivity, SearchMiss, Votes
from .helpdesk import SeatClaim, Sort, TicketFiling, TicketPage, TicketQuery
from .inbox import InboxView, Summary
from .notices import ApiToken, ServiceNotice, Severity
from .people import CannedResponse, Operator, Presence, PresenceStatus, Role
from .reports import DayCounts, Grouping, Outcome, ReportPeriod, TimeSpent
from .requesters import Invitation, Organisation, OrgRole, Requester, SeatRefusal, SiteSeat
from .thread import (
    PLAYED_TYPES,
    PREVIEWED_TYPES,
    Attachment,
    AuthorKind,
    NewAttachment,
    TicketEvent,
    TicketMessage,
)
from .tickets import (
    ACTIVE,
    Channel,
    Claim,
    Status,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketType,
    format_number,
)

__all__ = [
    "ACTIVE",
    "MAX_PAGE",
    "PEOPLE_MODES",
    "PLAYED_TYPES",
    "PREVIEWED_TYPES",
    "ApiToken",
    "Attachment",
    "AuditAction",
    "AuditEntry",
    "Author",
    "AuthorKind",
    "BotMiss",
    "CannedResponse",
    "Channel",
    "Claim",
    "Conversation",
    "DayCounts",
    "EntryActivity",
    "Grouping",
    "InboxView",
    "Invitation",
    "LangSource",
    "Message",
    "MessageDraft",
    "Miss",
    "Mode",
    "NewAttachment",
    "Note",
    "Operator",
    "OrgRole",
    "Organisation",
    "Outcome",
    "Presence",
    "PresenceStatus",
    "ReportPeriod",
    "Requester",
    "Role",
    "SearchMiss",
    "SeatClaim",
    "SeatRefusal",
    "ServiceNotice",
    "Severity",
    "SiteSeat",
    "Sort",
    "Status",
    "Summary",
    "Ticket",
    "TicketChanges",
    "TicketDraft",
    "TicketEvent",
    "TicketFiling",
    "TicketMessage",
    "TicketPage",
    "TicketQuery",
    "TicketType",
    "TimeSpent",
    "Visitor",
    "Votes",
    "format_number",
    "format_ts",
    "new_id",
    "parse_ts",
    "utcnow",
]
