"""Service notices (maintenance, outages) and the API tokens programs act with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import format_ts

__all__ = ["ApiToken", "ServiceNotice", "Severity"]


class Severity(StrEnum):
    """How serious a service notice is."""

    INFO = "info"
    MAINTENANCE = "maintenance"
    OUTAGE = "outage"


@dataclass(frozen=True, slots=True)
class ServiceNotice:
    """A notice shown from ``starts_at`` to ``ends_at`` (None: until withdrawn) to
    everyone, or to the organisations in ``audience`` (empty: everyone)."""

    id: str
    title: str
    body: str
    severity: Severity
    starts_at: datetime
    ends_at: datetime | None
    audience: tuple[str, ...]
    published_by: str
    created_at: datetime

    def to_payload(self) -> dict[str, Any]:
        """Return the notice (``body`` is Markdown: sanitise it when showing it)."""
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "severity": self.severity.value,
            "starts_at": format_ts(self.starts_at),
            "ends_at": format_ts(self.ends_at) if self.ends_at else None,
            "audience": list(self.audience),
            "published_by": self.published_by,
            "created_at": format_ts(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A bearer token acting as its operator; only the secret's sha256 is stored."""

    id: str
    operator_id: str
    name: str
    token_hash: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def to_payload(self) -> dict[str, Any]:
        """Return the token's description (never the hash)."""
        return {
            "id": self.id,
            "operator_id": self.operator_id,
            "name": self.name,
            "created_at": format_ts(self.created_at),
            "last_used_at": format_ts(self.last_used_at) if self.last_used_at else None,
            "revoked_at": format_ts(self.revoked_at) if self.revoked_at else None,
        }
