"""Store protocol for the help centre: views, searches without a good result, deflections."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from ..models import EntryActivity, SearchMiss

__all__ = ["HelpStore", "entry_activity"]


class HelpStore(Protocol):
    """What readers do in the help centre (its votes are in the feedback store).

    Periods are ``since <= ts < until``; None leaves that side open. Usage::

        await store.help.record_view("password-reset", "fr", now=utcnow())
        counts = await store.help.activity(since=first_of_month, until=utcnow())
    """

    async def record_view(self, entry_id: str, lang: str, *, now: datetime) -> None:
        """Count one view of an entry's page (views are kept per hour, not one by one)."""
        ...

    async def record_search_miss(
        self,
        query: str,
        lang: str,
        *,
        best_entry_id: str | None,
        confidence: float,
        now: datetime,
        source: str = "reader",
    ) -> None:
        """Remember a search that found no good result, with the best entry it had."""
        ...

    async def record_deflection(
        self, entry_id: str, lang: str, query: str, *, now: datetime
    ) -> None:
        """Remember that a requester's question was solved by ``entry_id`` before filing."""
        ...

    async def record_quote(self, entry_id: str, lang: str, *, now: datetime) -> None:
        """Count one use of an entry's answer or link in an operator's reply (per hour)."""
        ...

    async def activity(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, EntryActivity]:
        """Return ``{entry_id: EntryActivity}`` for entries viewed, deflecting or quoted in
        the period (views and quotes: every hour the period touches)."""
        ...

    async def search_misses(
        self, *, since: datetime | None = None, until: datetime | None = None, limit: int = 100
    ) -> list[SearchMiss]:
        """Return the searches without a good result in the period, newest first."""
        ...


def entry_activity(*counts: Iterable[tuple[object, object]]) -> dict[str, EntryActivity]:
    """Return the activity per entry from the backends' ``(entry_id, n)`` rows of views,
    deflections and quotes, in that order."""
    counted: dict[str, list[int]] = {}
    for column, rows in enumerate(counts):
        for entry_id, n in rows:
            counted.setdefault(str(entry_id), [0, 0, 0])[column] = int(str(n))
    return {entry_id: EntryActivity(*n) for entry_id, n in counted.items()}
