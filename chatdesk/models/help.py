"""What the help centre counts: views, votes, searches without a good result, deflections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["EntryActivity", "SearchMiss", "Votes"]


@dataclass(frozen=True, slots=True)
class EntryActivity:
    """An entry's help-centre activity over a period."""

    #: Page views (counted per hour: a period includes every hour it touches).
    views: int = 0
    #: Requesters who chose "this solved it" on the support form instead of filing.
    deflections: int = 0
    #: Times operators put its answer or its link in a reply (the console's answers panel).
    quotes: int = 0


@dataclass(frozen=True, slots=True)
class Votes:
    """Helpful / not helpful for one entry: the bot's answers and the help-centre page."""

    bot_useful: int = 0
    bot_not_useful: int = 0
    page_useful: int = 0
    page_not_useful: int = 0


@dataclass(frozen=True, slots=True)
class SearchMiss:
    """A help-centre search that found no good result (the knowledge may lack it)."""

    query: str
    lang: str
    #: The best public entry, however weak (None: the knowledge had nothing to offer).
    best_entry_id: str | None
    confidence: float
    ts: datetime
    #: Who searched: ``reader`` (the help centre, the support form) or ``operator`` (the
    #: console's answers panel).
    source: str = "reader"
