"""The audit log: what admins did to accounts and personal data, by whom, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["AuditAction", "AuditEntry"]


class AuditAction(StrEnum):
    """What an audit entry records (names of acts: S105 takes some for passwords)."""

    OPERATOR_ADDED = "operator_added"
    OPERATOR_EDITED = "operator_edited"
    OPERATOR_DISABLED = "operator_disabled"
    OPERATOR_ENABLED = "operator_enabled"
    PASSWORD_SET = "password_set"  # noqa: S105
    TWO_FACTOR_RESET = "two_factor_reset"
    SESSIONS_ENDED = "sessions_ended"
    OPERATOR_AWAY = "operator_away"
    OPERATOR_BACK = "operator_back"
    API_TOKEN_CREATED = "api_token_created"  # noqa: S105
    API_TOKEN_REVOKED = "api_token_revoked"  # noqa: S105
    REQUESTER_EXPORTED = "requester_exported"
    REQUESTER_FORGOTTEN = "requester_forgotten"
    REQUESTER_SIGNED_OUT = "requester_signed_out"
    REQUESTER_MERGED = "requester_merged"
    ADDRESS_DETACHED = "address_detached"
    DIRECTORY_EXPORTED = "directory_exported"
    SENDER_BLOCKED = "sender_blocked"
    SENDER_UNBLOCKED = "sender_unblocked"
    VISITOR_BLOCKED = "visitor_blocked"
    VISITOR_UNBLOCKED = "visitor_unblocked"
    TICKETS_IMPORTED = "tickets_imported"
    TICKETS_EXPORTED = "tickets_exported"
    ORGANISATIONS_MERGED = "organisations_merged"
    TRANSCRIPT_SENT = "transcript_sent"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One administrative act, kept for accountability (GDPR art. 5(2)): who did it
    (``actor_id`` None: the command line on the desk's machine), what, to whom, when.
    ``actor`` and ``target`` are written as they were at the time (an e-mail address, or
    a requester's id: never a forgotten person's address); ``detail`` is a short note."""

    id: str
    ts: datetime
    actor_id: str | None
    actor: str
    action: AuditAction
    target: str
    detail: str = ""
