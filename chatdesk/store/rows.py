"""Column lists and row converters shared by every SQL backend (same columns, same types)."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any

from ..models import (
    Author,
    CannedResponse,
    Channel,
    Conversation,
    LangSource,
    Message,
    Mode,
    Note,
    Operator,
    Role,
    Status,
    Ticket,
    TicketType,
    Visitor,
    format_ts,
    parse_ts,
)

__all__ = [
    "BLOCKED_VISITORS",
    "BLOCK_VISITOR",
    "CONVERSATION_COLUMNS",
    "MESSAGES_FROM",
    "MESSAGE_COLUMNS",
    "MESSAGE_READ",
    "NOTE_COLUMNS",
    "OPERATOR_COLUMNS",
    "OPERATOR_READ",
    "TICKET_COLUMNS",
    "VISITOR_COLUMNS",
    "canned_row",
    "column_value",
    "conversation_row",
    "message_row",
    "note_row",
    "operator_row",
    "ticket_row",
    "visitor_row",
]

CONVERSATION_COLUMNS = (
    "id, visitor_id, created_at, lang, page, status, last_seq, mode, bot_misses, "
    "department, priority, queued_at, operator_id, answered_seq, lang_source, "
    "visitor_read_seq, visitor_read_at, operator_read_seq, operator_read_at"
)
#: The columns a message is stored with (``conv``: its conversation's number, ``num``).
MESSAGE_COLUMNS = "id, conv, seq, author, text, ts, client_id, extra"
#: What reads a message (:func:`message_row`): its columns, the conversation's id for its
#: number, from :data:`MESSAGES_FROM` (or any join naming them ``m`` and ``c``).
MESSAGE_READ = "m.id, c.id, m.seq, m.author, m.text, m.ts, m.client_id, m.extra"
MESSAGES_FROM = "messages m JOIN conversations c ON c.num = m.conv"
OPERATOR_COLUMNS = (
    "id, email, name, role, departments, languages, capacity, disabled, session_version,"
    " created_at, mail_notifications, signature"
)
#: What reads an operator: :data:`OPERATOR_COLUMNS`, whether two-step sign-in is on,
#: their out of office, when they last used the console, when they were invited.
OPERATOR_READ = (
    f"{OPERATOR_COLUMNS}, totp_secret <> '', away_until, replacement_id, last_seen_at, invited_at"
)
NOTE_COLUMNS = "id, conversation_id, operator_id, operator_name, text, ts, client_id"
TICKET_COLUMNS = (
    "id, number, conversation_id, subject, department, priority, status, created_at, "
    "updated_at, due_at, reason, requester_name, requester_email, description, operator_id, "
    "first_response_at, resolved_at, rating, rating_comment, type, channel, requester_id, "
    "organisation_id, lang, fields, resolution_due, sla_paused_at, paused_seconds, breached, "
    "sla_warned, sla_alert_at, status_at, auto_close_at, closed_at, merged_into, follow_up_of, "
    "rated_at, cc, tags, hold_until"
)


VISITOR_COLUMNS = "id, created_at, lang, name, email, blocked_until, blocked_by"
#: Blocks a visitor (both backends; ``$1`` until when, ``$2`` by whom, ``$3`` the visitor).
BLOCK_VISITOR = "UPDATE visitors SET blocked_until = $1, blocked_by = $2 WHERE id = $3"
#: The visitors blocked at ``$1``, each with their latest conversation, the first to end first.
BLOCKED_VISITORS = (
    "SELECT v.id, v.created_at, v.lang, v.name, v.email, v.blocked_until, v.blocked_by,"
    " (SELECT c.id FROM conversations c WHERE c.visitor_id = v.id"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT 1)"
    " FROM visitors v WHERE v.blocked_until > $1 ORDER BY v.blocked_until, v.id"
)


def visitor_row(row: Any) -> Visitor:
    """Build a Visitor from a row of :data:`VISITOR_COLUMNS`."""
    return Visitor(
        id=row[0], created_at=parse_ts(row[1]), lang=row[2], name=row[3], email=row[4],
        blocked_until=parse_ts(row[5]) if row[5] else None, blocked_by=row[6],
    )  # fmt: skip


def _ts(value: str | None) -> Any:
    return parse_ts(value) if value else None


def conversation_row(row: Any) -> Conversation:
    """Build a Conversation from a row of :data:`CONVERSATION_COLUMNS`."""
    return Conversation(
        id=row[0],
        visitor_id=row[1],
        created_at=parse_ts(row[2]),
        lang=row[3],
        page=row[4],
        status=row[5],
        last_seq=row[6],
        mode=Mode(row[7]),
        bot_misses=row[8],
        department=row[9],
        priority=row[10],
        queued_at=_ts(row[11]),
        operator_id=row[12],
        answered_seq=row[13],
        lang_source=LangSource(row[14]),
        visitor_read_seq=row[15],
        visitor_read_at=_ts(row[16]),
        operator_read_seq=row[17],
        operator_read_at=_ts(row[18]),
    )


def message_row(row: Any) -> Message:
    """Build a Message from a row of :data:`MESSAGE_READ`."""
    return Message(
        id=row[0],
        conversation_id=row[1],
        seq=row[2],
        author=Author(row[3]),
        text=row[4],
        ts=parse_ts(row[5]),
        client_id=row[6],
        extra=json.loads(row[7]) if row[7] else {},
    )


def operator_row(row: Any) -> Operator:
    """Build an Operator from a row of :data:`OPERATOR_READ`."""
    return Operator(
        id=row[0],
        email=row[1],
        name=row[2],
        role=Role(row[3]),
        departments=tuple(json.loads(row[4])),
        languages=tuple(json.loads(row[5])),
        capacity=row[6],
        disabled=bool(row[7]),
        session_version=row[8],
        created_at=_ts(row[9]),
        mail_notifications=bool(row[10]),
        signature=row[11],
        two_factor=bool(row[12]),
        away_until=_ts(row[13]),
        replacement_id=row[14] or None,
        last_seen_at=_ts(row[15]),
        invited_at=_ts(row[16]),
    )


def canned_row(row: Any) -> CannedResponse:
    """Build a CannedResponse from ``shortcut, lang, text, status, tags``."""
    return CannedResponse(row[0], row[1], row[2], row[3], tuple(t for t in row[4].split(",") if t))


def ticket_row(row: Any) -> Ticket:
    """Build a Ticket from a row of :data:`TICKET_COLUMNS`."""
    return Ticket(
        id=row[0],
        number=row[1],
        conversation_id=row[2],
        subject=row[3],
        department=row[4],
        priority=row[5],
        status=Status(row[6]),
        created_at=parse_ts(row[7]),
        updated_at=parse_ts(row[8]),
        due_at=_ts(row[9]),
        reason=row[10],
        requester_name=row[11],
        requester_email=row[12],
        description=row[13],
        operator_id=row[14],
        first_response_at=_ts(row[15]),
        resolved_at=_ts(row[16]),
        rating=row[17],
        rating_comment=row[18],
        type=TicketType(row[19]),
        channel=Channel(row[20]),
        requester_id=row[21],
        organisation_id=row[22],
        lang=row[23],
        fields=json.loads(row[24]) if row[24] else {},
        resolution_due=_ts(row[25]),
        sla_paused_at=_ts(row[26]),
        paused_seconds=float(row[27] or 0),
        breached=_set(row[28]),
        sla_warned=_set(row[29]),
        sla_alert_at=_ts(row[30]),
        status_at=_ts(row[31]),
        auto_close_at=_ts(row[32]),
        closed_at=_ts(row[33]),
        merged_into=row[34],
        follow_up_of=row[35],
        rated_at=_ts(row[36]),
        cc=_set(row[37]),
        tags=_set(row[38]),
        hold_until=_ts(row[39]),
    )


def _set(text: str | None) -> frozenset[str]:
    return frozenset(text.split(",")) if text else frozenset()


def column_value(value: object) -> object:
    """Return a Python value as its column holds it (times as text, sets comma-joined,
    dicts as JSON, enums by value)."""
    if isinstance(value, datetime):
        return format_ts(value)
    if isinstance(value, frozenset | set):
        return ",".join(sorted(value))
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def note_row(row: Any) -> Note:
    """Build a Note from a row of :data:`NOTE_COLUMNS`."""
    return Note(
        id=row[0],
        conversation_id=row[1],
        operator_id=row[2],
        operator_name=row[3],
        text=row[4],
        ts=parse_ts(row[5]),
        client_id=row[6],
    )
