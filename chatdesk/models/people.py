"""Operators, their presence and roles, the canned responses they share, the ticket lists
they save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import format_ts

__all__ = [
    "CannedResponse",
    "ConsoleSession",
    "Operator",
    "Presence",
    "PresenceStatus",
    "Role",
    "SavedView",
]


class Role(StrEnum):
    """What an operator may do: admins also manage the desk (canned responses...);
    service managers handle complaints (which only they and admins see)."""

    ADMIN = "admin"
    OPERATOR = "operator"
    SERVICE_MANAGER = "service_manager"


class PresenceStatus(StrEnum):
    """An operator's availability; only ``online`` operators are offered conversations."""

    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class Presence:
    """An operator's presence: status, open connections, when the last one closed."""

    status: PresenceStatus
    connections: int = 0
    left_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Operator:
    """A person answering conversations in the console."""

    id: str
    email: str
    name: str
    role: Role
    departments: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int | None = None  # None: the desk's default
    disabled: bool = False
    session_version: int = 1
    created_at: datetime | None = None
    #: Mail about their tickets (answers, assignments, targets at risk), if the desk sends it.
    mail_notifications: bool = True
    #: Lines under their replies in the requesters' mails (name, role, phone...).
    signature: str = ""
    #: Whether they sign in with a one-time code after their password.
    two_factor: bool = False
    #: Out of office until then (their mail goes to ``replacement_id``, rules skip them).
    away_until: datetime | None = None
    #: The colleague who gets their mail while they are away (an operator's id).
    replacement_id: str | None = None
    #: When they last used the console (None: not since the desk began to record it).
    last_seen_at: datetime | None = None
    #: When an invitation to choose their first password was mailed (None: none pending;
    #: a password they set clears it).
    invited_at: datetime | None = None

    def away(self, now: datetime) -> bool:
        """Return whether the operator is out of office at ``now``."""
        return self.away_until is not None and now < self.away_until

    @property
    def is_admin(self) -> bool:
        """Return whether the operator may manage the desk (canned responses...)."""
        return self.role is Role.ADMIN

    @property
    def sees_complaints(self) -> bool:
        """Return whether the operator may see complaints (service managers, admins)."""
        return self.role in (Role.ADMIN, Role.SERVICE_MANAGER)

    def to_payload(self) -> dict[str, Any]:
        """Return the operator as shown to other operators (no secrets)."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role.value,
            "departments": list(self.departments),
            "languages": list(self.languages),
            "capacity": self.capacity,
        }


@dataclass(frozen=True, slots=True)
class CannedResponse:
    """A reply operators insert by typing ``/shortcut``, per language."""

    shortcut: str
    lang: str
    text: str
    #: The status a ticket reply written with it moves the ticket to ("": unchanged).
    status: str = ""
    #: Tags a ticket reply written with it adds to the ticket (a macro: "/facture").
    tags: tuple[str, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        """Return the response as sent to the console."""
        return {"shortcut": self.shortcut, "lang": self.lang, "text": self.text,
                "status": self.status, "tags": list(self.tags)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SavedView:
    """A ticket list an operator named to find again: the list's filters as a query
    string (``view=open&priority=urgent&tag=outage``), theirs or, ``shared``, everyone's."""

    id: str
    owner_id: str
    name: str
    query: str
    created_at: datetime
    shared: bool = False

    def to_payload(self) -> dict[str, Any]:
        """Return the view as the console shows it."""
        return {"id": self.id, "owner_id": self.owner_id, "name": self.name,
                "query": self.query, "shared": self.shared,
                "created_at": format_ts(self.created_at)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """One sign-in of an operator in one browser, until it signs out or is ended: where
    from (the browser and system named in our words, the IP address), when it began and
    when it was last used. ``version``: the operator's session version it was opened
    under (a new password or "sign out everywhere" leaves it behind)."""

    id: str
    operator_id: str
    version: int
    created_at: datetime
    seen_at: datetime
    agent: str = ""
    ip: str = ""
