"""Requesters (people who file tickets), their organisations, invitations and site seats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import format_ts

__all__ = [
    "BlockedSender",
    "Invitation",
    "OrgRole",
    "Organisation",
    "Requester",
    "SeatRefusal",
    "SiteSeat",
]


class OrgRole(StrEnum):
    """A requester's role in their organisation: admins are whom members ask for seats."""

    MEMBER = "member"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Requester:
    """Someone who files tickets, known by a normalised e-mail address (unique)."""

    id: str
    email: str
    created_at: datetime
    name: str = ""
    phone: str = ""
    lang: str = ""
    organisation_id: str | None = None
    org_role: OrgRole = OrgRole.MEMBER
    invited: bool = False
    #: Raised to end every portal session of theirs (sessions carry the number).
    session_version: int = 0
    #: What the team keeps in mind about them (operators only; never shown to them).
    note: str = ""

    @property
    def display(self) -> str:
        """Return ``Name <email>``, or the e-mail alone."""
        return f"{self.name} <{self.email}>" if self.name else self.email

    def to_payload(self) -> dict[str, Any]:
        """Return the requester for operators and in the export of their data (the
        team's ``note`` is not in it, as internal notes are not)."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "phone": self.phone,
            "lang": self.lang,
            "organisation_id": self.organisation_id,
            "org_role": self.org_role.value,
            "invited": self.invited,
            "created_at": format_ts(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class Organisation:
    """A customer account; with ``access = "customers"`` its members may file while its
    contract is active. ``None`` caps mean no cap."""

    id: str
    name: str
    created_at: datetime
    contract_active: bool = True
    max_members: int | None = None
    max_editors_per_site: int | None = None
    #: What the team keeps in mind about the customer (operators only).
    note: str = ""

    def to_payload(self) -> dict[str, Any]:
        """Return the organisation for operators."""
        return {
            "id": self.id,
            "name": self.name,
            "contract_active": self.contract_active,
            "max_members": self.max_members,
            "max_editors_per_site": self.max_editors_per_site,
            "created_at": format_ts(self.created_at),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class SiteSeat:
    """A requester is an editor of one of their organisation's sites."""

    organisation_id: str
    site_id: str
    requester_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SeatRefusal:
    """A site's editor seats are all taken: who holds them."""

    site_id: str
    editors: tuple[Requester, ...]


@dataclass(frozen=True, slots=True)
class Invitation:
    """An operator invited someone to file tickets (into an organisation, or alone)."""

    id: str
    email: str
    organisation_id: str | None
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None

    def to_payload(self) -> dict[str, Any]:
        """Return the invitation for operators."""
        return {
            "id": self.id,
            "email": self.email,
            "organisation_id": self.organisation_id,
            "invited_by": self.invited_by,
            "created_at": format_ts(self.created_at),
            "expires_at": format_ts(self.expires_at),
            "accepted_at": format_ts(self.accepted_at) if self.accepted_at else None,
        }


@dataclass(frozen=True, slots=True)
class BlockedSender:
    """An address (``spam@example.com``) or a domain (``example.com``, its subdomains
    too) the desk takes nothing from: mail dropped, forms and the portal refused.
    ``hits``: how many times it stopped something since it was added, the last at
    ``last_hit``."""

    pattern: str
    created_at: datetime
    note: str = ""
    created_by: str = ""
    hits: int = 0
    last_hit: datetime | None = None

    @property
    def domain(self) -> bool:
        """Whether the entry blocks a whole domain."""
        return "@" not in self.pattern

    def to_payload(self) -> dict[str, Any]:
        """Return the entry for the console."""
        return {
            "pattern": self.pattern,
            "note": self.note,
            "created_by": self.created_by,
            "created_at": format_ts(self.created_at),
            "hits": self.hits,
            "last_hit": format_ts(self.last_hit) if self.last_hit else None,
        }
