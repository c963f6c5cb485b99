"""Column lists and row converters of the helpdesk's tables (threads, people, notices)."""

from __future__ import annotations

import json
from typing import Any

from ..models import (
    ApiToken,
    Attachment,
    AuditAction,
    AuditEntry,
    AuthorKind,
    Invitation,
    Organisation,
    OrgRole,
    Requester,
    ServiceNotice,
    Severity,
    TicketEvent,
    TicketMessage,
    format_ts,
    parse_ts,
)

__all__ = [
    "ATTACHMENT_COLUMNS",
    "AUDIT_COLUMNS",
    "BEARER_COLUMNS",
    "END_SESSIONS",
    "EVENT_COLUMNS",
    "INVITATION_COLUMNS",
    "MESSAGE_COLUMNS",
    "NOTICE_COLUMNS",
    "ORGANISATION_COLUMNS",
    "REQUESTER_COLUMNS",
    "SET_NOTE",
    "attachment_row",
    "audit_row",
    "audit_values",
    "event_row",
    "invitation_row",
    "message_row",
    "notice_row",
    "organisation_row",
    "requester_row",
    "token_row",
]

MESSAGE_COLUMNS = "id, ticket_id, author, author_id, author_name, text, internal, ts, client_id"
EVENT_COLUMNS = "id, ticket_id, kind, actor, actor_id, data, ts"
ATTACHMENT_COLUMNS = "id, ticket_id, message_id, filename, content_type, size, sha256, created_at"
REQUESTER_COLUMNS = (
    "id, email, name, phone, lang, organisation_id, org_role, invited, created_at,"
    " session_version, note"
)
#: Sets the team's note on a requester (both backends; ``$1`` the note, ``$2`` the id).
SET_NOTE = "UPDATE requesters SET note = $1 WHERE id = $2"
#: Ends a requester's portal sessions (both backends; ``$1`` the requester's id).
END_SESSIONS = "UPDATE requesters SET session_version = session_version + 1 WHERE id = $1"
ORGANISATION_COLUMNS = (
    "id, name, contract_active, max_members, max_editors_per_site, created_at, note"
)
INVITATION_COLUMNS = "id, email, organisation_id, invited_by, created_at, expires_at, accepted_at"
NOTICE_COLUMNS = "id, title, body, severity, starts_at, ends_at, audience, published_by, created_at"
BEARER_COLUMNS = "id, operator_id, name, token_hash, created_at, last_used_at, revoked_at"
AUDIT_COLUMNS = "id, ts, actor_id, actor, action, target, detail"


def _ts(value: str | None) -> Any:
    return parse_ts(value) if value else None


def message_row(row: Any) -> TicketMessage:
    """Build a TicketMessage from a row of :data:`MESSAGE_COLUMNS`."""
    return TicketMessage(
        id=row[0],
        ticket_id=row[1],
        author=AuthorKind(row[2]),
        author_id=row[3],
        author_name=row[4],
        text=row[5],
        internal=bool(row[6]),
        ts=parse_ts(row[7]),
        client_id=row[8],
    )


def event_row(row: Any) -> TicketEvent:
    """Build a TicketEvent from a row of :data:`EVENT_COLUMNS`."""
    return TicketEvent(
        id=row[0],
        ticket_id=row[1],
        kind=row[2],
        actor=AuthorKind(row[3]),
        actor_id=row[4],
        data=json.loads(row[5]) if row[5] else {},
        ts=parse_ts(row[6]),
    )


def attachment_row(row: Any) -> Attachment:
    """Build an Attachment from a row of :data:`ATTACHMENT_COLUMNS`."""
    return Attachment(
        id=row[0],
        ticket_id=row[1],
        message_id=row[2],
        filename=row[3],
        content_type=row[4],
        size=row[5],
        sha256=row[6],
        created_at=parse_ts(row[7]),
    )


def requester_row(row: Any) -> Requester:
    """Build a Requester from a row of :data:`REQUESTER_COLUMNS`."""
    return Requester(
        id=row[0],
        email=row[1],
        name=row[2],
        phone=row[3],
        lang=row[4],
        organisation_id=row[5],
        org_role=OrgRole(row[6]),
        invited=bool(row[7]),
        created_at=parse_ts(row[8]),
        session_version=row[9],
        note=row[10],
    )


def organisation_row(row: Any) -> Organisation:
    """Build an Organisation from a row of :data:`ORGANISATION_COLUMNS`."""
    return Organisation(
        id=row[0],
        name=row[1],
        contract_active=bool(row[2]),
        max_members=row[3],
        max_editors_per_site=row[4],
        created_at=parse_ts(row[5]),
        note=row[6],
    )


def invitation_row(row: Any) -> Invitation:
    """Build an Invitation from a row of :data:`INVITATION_COLUMNS`."""
    return Invitation(
        id=row[0],
        email=row[1],
        organisation_id=row[2],
        invited_by=row[3],
        created_at=parse_ts(row[4]),
        expires_at=parse_ts(row[5]),
        accepted_at=_ts(row[6]),
    )


def notice_row(row: Any) -> ServiceNotice:
    """Build a ServiceNotice from a row of :data:`NOTICE_COLUMNS`."""
    return ServiceNotice(
        id=row[0],
        title=row[1],
        body=row[2],
        severity=Severity(row[3]),
        starts_at=parse_ts(row[4]),
        ends_at=_ts(row[5]),
        audience=tuple(json.loads(row[6])),
        published_by=row[7],
        created_at=parse_ts(row[8]),
    )


def token_row(row: Any) -> ApiToken:
    """Build an ApiToken from a row of :data:`BEARER_COLUMNS`."""
    return ApiToken(
        id=row[0],
        operator_id=row[1],
        name=row[2],
        token_hash=row[3],
        created_at=parse_ts(row[4]),
        last_used_at=_ts(row[5]),
        revoked_at=_ts(row[6]),
    )


def audit_row(row: Any) -> AuditEntry:
    """Build an AuditEntry from a row of :data:`AUDIT_COLUMNS`."""
    return AuditEntry(
        id=row[0],
        ts=parse_ts(row[1]),
        actor_id=row[2],
        actor=row[3],
        action=AuditAction(row[4]),
        target=row[5],
        detail=row[6],
    )


def audit_values(entry: AuditEntry) -> tuple[Any, ...]:
    """Return an entry's values in the order of :data:`AUDIT_COLUMNS`."""
    e = entry
    return (e.id, format_ts(e.ts), e.actor_id, e.actor, e.action.value, e.target, e.detail)
