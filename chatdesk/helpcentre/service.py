"""The help centre's service: pages, search by the bot's matcher, what readers do."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from ..bot.articles import MEDIA_DIR
from ..bot.brain import Bot
from ..bot.knowledge import Knowledge
from ..bot.markdown import plain_text
from ..config import LANGUAGES
from ..errors import NotFound, RateLimited
from ..models import utcnow
from ..store import Store
from ..throttle import Throttle
from ..wire.help import MAX_QUERY
from .pages import (
    EntryLink,
    EntryPage,
    TopicView,
    entry_page,
    link,
    media_paths,
    search_example,
    topics,
)
from .report import HelpReport, build_report

__all__ = [
    "ANSWER_LIMIT",
    "DEFLECT_LIMIT",
    "MAX_QUERY",
    "SEARCH_LIMIT",
    "SUGGEST_LIMIT",
    "VOTE_LIMIT",
    "Answer",
    "BotSource",
    "HelpCentre",
    "Hit",
    "SearchResults",
]

log = logging.getLogger(__name__)

#: Per client, in a moving window (`limits` syntax).
SEARCH_LIMIT = "30/minute"
SUGGEST_LIMIT = "60/minute"
DEFLECT_LIMIT = "20/hour"
VOTE_LIMIT = "30/hour"
#: Per operator: the console's answers panel.
ANSWER_LIMIT = "120/minute"
MAX_RESULTS = 10
MAX_ANSWERS = 5
#: The confidence an answer shown to an operator needs, when the bot's
#: ``suggest_threshold`` is higher: a requester's long message spreads the matcher's
#: confidence over its sentences (a plain "where is my invoice" mail scores ~0.2), and an
#: operator judges what they quote, where a reader would be misled.
ANSWER_FLOOR = 0.1
MAX_SUGGESTIONS = 3
# Robots and link previews: their visits are not readers' views.
_CRAWLER = re.compile(r"bot|crawl|spider|slurp|preview|facebookexternalhit|curl|wget", re.I)


class BotSource(Protocol):
    """Where the current bot comes from (the knowledge library, hot-reloaded)."""

    @property
    def current(self) -> Bot | None:
        """The bot now (None before the knowledge is loaded)."""
        ...

    @property
    def directory(self) -> Path:
        """The knowledge directory (its ``media/`` holds the articles' images)."""
        ...


@dataclass(frozen=True, slots=True)
class Hit:
    """An entry a search or suggestion found, with the matcher's confidence (0..1)."""

    link: EntryLink
    confidence: float


@dataclass(frozen=True, slots=True)
class Answer:
    """A public entry an operator may quote in a reply: its link, the matcher's
    confidence, its page's absolute address and its short answer as plain text (links
    written out, absolute), in the entry's language for the reader (``link.lang``)."""

    link: EntryLink
    confidence: float
    url: str
    text: str

    def to_payload(self) -> dict[str, object]:
        """Return the answer as the console receives it (``AnswerOut``)."""
        return {
            "id": self.link.id, "title": self.link.title, "lang": self.link.lang,
            "url": self.url, "text": self.text, "confidence": round(self.confidence, 3),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A search: the cleaned text, and the good results (best first; empty: none)."""

    query: str
    hits: tuple[Hit, ...]


class HelpCentre:
    """The help centre's service (docs/help.md).

    :param source: the current bot (None: a desk without knowledge; the help centre is empty).
    :param throttle: counts searches, suggestions, deflections and votes per client.
    """

    def __init__(
        self,
        source: BotSource | None,
        store: Store,
        *,
        throttle: Throttle | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.source = source
        self.store = store
        self.throttle = throttle or Throttle()
        self.clock = clock
        self._limits = {
            name: self.throttle.limit(text)
            for name, text in (
                ("search", SEARCH_LIMIT),
                ("suggest", SUGGEST_LIMIT),
                ("deflect", DEFLECT_LIMIT),
                ("vote", VOTE_LIMIT),
                ("answer", ANSWER_LIMIT),
            )
        }
        self._media: tuple[str, frozenset[str]] = ("", frozenset())

    @property
    def knowledge(self) -> Knowledge | None:
        """Return the current knowledge (None: none loaded)."""
        bot = self.source.current if self.source is not None else None
        return bot.knowledge if bot is not None else None

    def topics(self, lang: str) -> list[TopicView]:
        """Return the topics and their public entries written in ``lang``."""
        knowledge = self.knowledge
        return topics(knowledge, lang) if knowledge is not None else []

    def search_example(self, lang: str) -> str | None:
        """Return a question of the desk's own to quote as the search's example (None:
        the help centre's generic one)."""
        knowledge = self.knowledge
        return search_example(knowledge, lang) if knowledge is not None else None

    def page(self, entry_id: str, lang: str) -> EntryPage | None:
        """Return a public entry's page in ``lang`` (None: no such page)."""
        knowledge = self.knowledge
        return entry_page(knowledge, entry_id, lang) if knowledge is not None else None

    def page_lang(self, entry_id: str, lang: str) -> str | None:
        """Return the language a reader of ``lang`` gets the public entry in (None: there is
        no such public entry)."""
        knowledge = self.knowledge
        entry = knowledge.entries.get(entry_id) if knowledge is not None else None
        return entry.answer_lang(lang) if entry is not None and entry.public else None

    def languages(self) -> tuple[str, ...]:
        """Return the languages the help centre has pages in, in :data:`LANGUAGES` order
        (empty: no public entry at all)."""
        written = {lang for _, langs in self.sitemap() for lang in langs}
        return tuple(lang for lang in LANGUAGES if lang in written)

    def sitemap(self) -> list[tuple[str, tuple[str, ...]]]:
        """Return ``(entry_id, languages)`` for every public entry, in topic order."""
        knowledge = self.knowledge
        if knowledge is None:
            return []
        return [
            (entry_id, tuple(entry.langs))
            for topic in knowledge.topics
            for entry_id in topic.entry_ids
            if (entry := knowledge.entries.get(entry_id)) is not None and entry.public
        ]

    def media(self, path: str) -> Path | None:
        """Return the file of an image a public article shows (``media/...``), else None."""
        knowledge = self.knowledge
        if knowledge is None or self.source is None:
            return None
        if self._media[0] != knowledge.version:
            self._media = (knowledge.version, media_paths(knowledge))
        if path not in self._media[1]:
            return None
        file = self.source.directory / path
        # Checked again at each request: the file may have been replaced since the load.
        media = (self.source.directory / MEDIA_DIR).resolve()
        return file if file.is_file() and file.resolve().is_relative_to(media) else None

    async def viewed(self, entry_id: str, lang: str, *, user_agent: str = "") -> None:
        """Count a reader's view of an entry's page (robots' visits are not counted)."""
        if not _CRAWLER.search(user_agent):
            await self.store.help.record_view(entry_id, lang, now=self.clock())

    async def search(self, text: str, lang: str, *, client: str) -> SearchResults:
        """Return the public entries answering ``text`` best (at most 10, each at least as
        confident as the bot's ``suggest_threshold``); record a search without any.

        :raises RateLimited: past :data:`SEARCH_LIMIT` for this client.
        """
        query = " ".join(text.split())[:MAX_QUERY]
        if not query:
            return SearchResults("", ())
        await self._count("search", client)
        ranked, threshold = await self._rank(query, lang)
        hits = tuple(h for h in ranked if h.confidence >= threshold)[:MAX_RESULTS]
        if not hits:
            await self._missed(query, lang, ranked, "reader")
        return SearchResults(query, hits)

    async def suggest(self, text: str, lang: str, *, client: str) -> list[Hit]:
        """Return up to three public entries for what a requester is typing (same rule as
        :meth:`search`; nothing recorded: the text is unfinished).

        :raises RateLimited: past :data:`SUGGEST_LIMIT` for this client.
        """
        query = " ".join(text.split())[:MAX_QUERY]
        if not query:
            return []
        await self._count("suggest", client)
        ranked, threshold = await self._rank(query, lang)
        return [h for h in ranked if h.confidence >= threshold][:MAX_SUGGESTIONS]

    async def answers(
        self, text: str, lang: str, *, client: str, base_url: str, searched: bool = False
    ) -> list[Answer]:
        """Return up to five public entries answering ``text`` for an operator's reply to a
        reader of ``lang`` (at least :data:`ANSWER_FLOOR` confident), with links made
        absolute on ``base_url``. ``searched``: the operator typed ``text`` in the panel's
        search; one that finds nothing is kept among the report's searches without a good
        result (``source="operator"``), as readers' are.

        :raises RateLimited: past :data:`ANSWER_LIMIT` for this client (the operator).
        """
        query = " ".join(text.split())[:MAX_QUERY]
        if not query:
            return []
        await self._count("answer", client)
        ranked, threshold = await self._rank(query, lang)
        knowledge = self.knowledge
        base = base_url.rstrip("/")
        found = []
        for hit in ranked[:MAX_ANSWERS]:
            entry = knowledge.entries.get(hit.link.id) if knowledge is not None else None
            if hit.confidence < min(threshold, ANSWER_FLOOR) or entry is None:
                break
            answer = plain_text(entry.block(hit.link.lang).answer.strip(), base)
            found.append(Answer(hit.link, hit.confidence, base + hit.link.path, answer))
        if searched and not found:
            await self._missed(query, lang, ranked, "operator")
        return found

    async def quoted(self, entry_id: str, lang: str, *, client: str) -> None:
        """Count an operator's use of a public entry's answer or link in a reply (the
        report's "quoted by operators").

        :raises NotFound: no such public entry.
        :raises RateLimited: past :data:`ANSWER_LIMIT` for this client (the operator).
        """
        written = self.page_lang(entry_id, lang)
        if written is None:
            raise NotFound("no such article", code="unknown_entry")
        await self._count("answer", client)
        await self.store.help.record_quote(entry_id, written, now=self.clock())

    async def deflected(self, entry_id: str, lang: str, text: str, *, client: str) -> None:
        """Record that ``entry_id`` solved a requester's question before they filed.

        :raises NotFound: no such public entry.
        :raises RateLimited: past :data:`DEFLECT_LIMIT` for this client.
        """
        if self.page_lang(entry_id, lang) is None:
            raise NotFound("no such article", code="unknown_entry")
        await self._count("deflect", client)
        query = " ".join(text.split())[:MAX_QUERY]
        await self.store.help.record_deflection(entry_id, lang, query, now=self.clock())

    async def voted(
        self, entry_id: str, lang: str, voter: str, *, useful: bool, client: str
    ) -> None:
        """Record a reader's "was this helpful?" (their last vote on an entry counts).

        :raises NotFound: no such page.
        :raises RateLimited: past :data:`VOTE_LIMIT` for this client.
        """
        if self.page(entry_id, lang) is None:
            raise NotFound("no such article", code="unknown_entry")
        await self._count("vote", client)
        await self.store.feedback.record_page_vote(
            entry_id, lang, voter, useful=useful, now=self.clock()
        )

    async def report(
        self, lang: str, *, since: datetime | None = None, until: datetime | None = None
    ) -> HelpReport:
        """Return views, votes (bot and pages), deflections per entry and the searches
        without a good result, for ``since <= ts < until`` (titles in ``lang``)."""
        activity = await self.store.help.activity(since=since, until=until)
        votes = await self.store.feedback.votes(since=since, until=until)
        misses = await self.store.help.search_misses(since=since, until=until)
        return build_report(self.knowledge, lang, activity, votes, misses)

    async def _missed(self, query: str, lang: str, ranked: list[Hit], source: str) -> None:
        """Record a search without a good result, with the best entry it had."""
        best = ranked[0] if ranked else None
        await self.store.help.record_search_miss(
            query,
            lang,
            best_entry_id=best.link.id if best else None,
            confidence=round(best.confidence, 4) if best else 0.0,
            now=self.clock(),
            source=source,
        )

    async def _count(self, name: str, client: str) -> None:
        if not await self.throttle.count(self._limits[name], "help", name, client):
            log.info("help centre %s throttled for %s", name, client)
            raise RateLimited(f"too many {name} requests; try again in a minute")

    async def _rank(self, query: str, lang: str) -> tuple[list[Hit], float]:
        """Return every public entry ranked for ``query``, and the confidence a good one
        needs (the bot's ``suggest_threshold``)."""
        bot = self.source.current if self.source is not None else None
        if bot is None:
            return [], 1.0
        knowledge = bot.knowledge
        # On a worker thread: embedding the text takes milliseconds of numpy.
        candidates = await asyncio.to_thread(
            bot.matcher.rank, query, lang, max(2, len(knowledge.entries))
        )
        hits = [
            Hit(link(entry, lang), c.confidence)
            for c in candidates
            if (entry := knowledge.entries.get(c.entry_id)) is not None and entry.public
        ]
        return hits, knowledge.bot.policy.suggest_threshold
