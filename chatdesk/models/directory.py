"""The requesters' directory: who the desk has heard from, searched and listed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .requesters import Requester
from .tickets import TicketType

__all__ = ["DirectorySort", "RequesterPage", "RequesterQuery", "RequesterSummary"]

#: How the directory is ordered: last ticket change first (people who never filed one
#: last), by name (people without one last, by address), newest first.
DirectorySort = Literal["activity", "name", "newest"]


@dataclass(frozen=True, slots=True)
class RequesterQuery:
    """A page of the directory: ``q``'s every word somewhere in the address, name, phone
    or organisation's name (ignoring case and the accents of Western European letters);
    tickets of ``exclude_types`` are not counted (complaints, for most operators)."""

    q: str = ""
    organisation_id: str | None = None
    exclude_types: tuple[TicketType, ...] = ()
    sort: DirectorySort = "activity"
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class RequesterSummary:
    """One line of the directory: the requester, their organisation's name (empty if
    none), how many of their tickets there are, how many are still worked on (new,
    open, pending, on hold), and when one last changed."""

    requester: Requester
    organisation: str
    tickets: int
    active: int
    last_activity: datetime | None


@dataclass(frozen=True, slots=True)
class RequesterPage:
    """One page of the directory and how many requesters match in all."""

    requesters: list[RequesterSummary]
    total: int
