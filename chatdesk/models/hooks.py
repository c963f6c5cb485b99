"""Webhook records: the feed of ticket and requester changes, and each delivery to an
endpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import format_ts, new_sortable_id
from .requesters import Organisation, Requester

__all__ = ["HookDelivery", "HookFeedItem", "HookState", "OrganisationNews", "RequesterNews"]


class HookState(StrEnum):
    """Where a delivery is."""

    QUEUED = "queued"  # to post (again) from ``next_attempt_at``
    SENT = "sent"  # the endpoint answered 2xx
    FAILED = "failed"  # given up: an admin may queue it again (``chatdesk webhooks retry``)


@dataclass(frozen=True, slots=True)
class HookFeedItem:
    """A ticket change, written by the store's triggers in the change's transaction.

    ``source`` is ``ticket_event`` (a history row: ``kind`` is its kind),
    ``ticket_message`` (``kind`` is ``message`` or ``note``), ``requester`` or
    ``organisation`` (``kind`` is ``created``, ``updated`` or ``deleted``; ``ticket_id`` is
    ``""``); ``ref_id`` is the row's id.
    """

    id: int
    source: str
    ref_id: str
    ticket_id: str
    kind: str
    created_at: datetime

    @property
    def event(self) -> str:
        """Return the webhook event's name (``ticket.status``, ``message.created``)."""
        if self.source == "ticket_message":
            return f"{self.kind}.created"
        if self.source in ("requester", "organisation"):
            return f"{self.source}.{self.kind}"
        return f"ticket.{self.kind}"


@dataclass(frozen=True, slots=True)
class HookDelivery:
    """One event to post to one endpoint; its ``id`` is the receiver's dedupe key."""

    endpoint: str
    event: str
    source: str
    ref_id: str
    ticket_id: str
    feed_id: int
    created_at: datetime
    state: HookState = HookState.QUEUED
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    id: str = field(default_factory=new_sortable_id)

    def to_payload(self) -> dict[str, Any]:
        """Return the delivery's description for admins."""
        return {
            "id": self.id,
            "endpoint": self.endpoint,
            "event": self.event,
            "ticket_id": self.ticket_id,
            "state": self.state.value,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": format_ts(self.created_at),
            "sent_at": format_ts(self.sent_at) if self.sent_at else None,
        }


@dataclass(frozen=True, slots=True)
class RequesterNews:
    """What a ``requester.*`` delivery tells: the requester as they are when it is made
    (None once deleted), with their organisation's name."""

    id: str
    requester: Requester | None
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class OrganisationNews:
    """What an ``organisation.*`` delivery tells: the organisation as it is when it is made
    (None once deleted), with how many members and which e-mail domains it has."""

    id: str
    organisation: Organisation | None
    members: int = 0
    domains: tuple[str, ...] = ()
