"""The help centre: the knowledge's public entries as pages, search, deflection, reports."""

from __future__ import annotations

from .pages import EntryLink, EntryPage, TopicView
from .report import HelpReport, ReportRow
from .service import MAX_QUERY, Answer, BotSource, HelpCentre, Hit, SearchResults

__all__ = [
    "MAX_QUERY",
    "Answer",
    "BotSource",
    "EntryLink",
    "EntryPage",
    "HelpCentre",
    "HelpReport",
    "Hit",
    "ReportRow",
    "SearchResults",
    "TopicView",
]
