"""The help centre's report for a period: figures per entry, searches that found nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..bot.knowledge import Knowledge
from ..models import EntryActivity, SearchMiss, Votes

__all__ = ["HelpReport", "ReportRow", "build_report"]


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One entry's figures over the period."""

    entry_id: str
    #: Its title in the report's language (its id when the entry is gone from the knowledge).
    title: str
    public: bool
    activity: EntryActivity
    votes: Votes


@dataclass(frozen=True, slots=True)
class HelpReport:
    """Every entry with figures (most viewed first), and the searches without a good result
    (newest first)."""

    rows: tuple[ReportRow, ...]
    search_misses: tuple[SearchMiss, ...]


def build_report(
    knowledge: Knowledge | None,
    lang: str,
    activity: Mapping[str, EntryActivity],
    votes: Mapping[str, Votes],
    misses: Sequence[SearchMiss],
) -> HelpReport:
    """Return the report from the store's counts, titled from ``knowledge``."""
    entries = knowledge.entries if knowledge is not None else {}
    ids = dict.fromkeys([*entries, *activity, *votes])
    rows = []
    for entry_id in ids:
        entry = entries.get(entry_id)
        row = ReportRow(
            entry_id,
            entry.title(lang) if entry is not None else entry_id,
            entry.public if entry is not None else False,
            activity.get(entry_id, EntryActivity()),
            votes.get(entry_id, Votes()),
        )
        rows.append(row)
    rows.sort(
        key=lambda r: (-r.activity.views, -r.activity.deflections, -r.activity.quotes, r.entry_id)
    )
    return HelpReport(tuple(rows), tuple(misses))
