"""The console's view of the bot's misses: ``kb gaps`` on the running desk, cached a while.

The grouping runs the same code as ``chatdesk kb gaps`` (:func:`find_gaps`) with the running
bot and its sentence encoder, on a worker thread (encoding is CPU-bound). A report is kept
for a short time per period and minimum count, so reloading the page, accepting a group or
downloading its snippet does not group again. Nothing here writes the knowledge.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from ..errors import Forbidden, InvalidPayload, NotFound
from ..models import Miss, Operator, utcnow
from ..store import Store
from .brain import Bot
from .embeddings import Embedder
from .gaps import Gap, find_gaps

__all__ = [
    "CACHE_SECONDS",
    "MAX_MIN_COUNT",
    "PERIODS",
    "GapGroup",
    "GapReport",
    "GapSource",
    "Gaps",
    "undismissed",
]

#: The periods the console offers, in days.
PERIODS = (7, 30, 90)
MAX_MIN_COUNT = 1000
#: How long a report is reused (reloads, accepting a group, downloads).
CACHE_SECONDS = 60.0


class GapSource(Protocol):
    """The running bot and its encoder (the knowledge library, hot-reloaded)."""

    @property
    def current(self) -> Bot | None:
        """The bot now (None before the knowledge is loaded)."""
        ...

    @property
    def directory(self) -> Path:
        """The knowledge directory."""
        ...

    @property
    def embedder(self) -> Embedder | None:
        """The encoder of the bot's builds (None when the bot does not use embeddings)."""
        ...

    @property
    def cache_path(self) -> Path | None:
        """The embedding cache the builds use."""
        ...


@dataclass(frozen=True, slots=True)
class GapGroup:
    """A group of misses as the console shows it."""

    #: Stable while the same misses form the group (a hash of them): the page's links.
    key: str
    gap: Gap
    #: Up to five distinct (text, language) examples, the most typical first.
    examples: tuple[tuple[str, str], ...]
    #: The nearest entry's title in the group's language, and its help-centre page.
    entry_title: str
    entry_link: str
    #: Exactly what ``kb gaps --write`` writes for this group.
    snippet: str


@dataclass(frozen=True, slots=True)
class GapReport:
    """The groups of misses over a period, and when they were grouped."""

    days: int
    min_count: int
    misses: int
    groups: tuple[GapGroup, ...]
    made_at: datetime

    def group(self, key: str) -> GapGroup | None:
        """Return the group with ``key`` (None: no such group now)."""
        return next((g for g in self.groups if g.key == key), None)

    @property
    def snippets(self) -> str:
        """Return every group's snippet, as ``kb gaps --write`` writes the file."""
        return "\n".join(g.snippet for g in self.groups)


class Gaps:
    """Group the desk's recent misses by meaning, with the running bot.

    :param source: the knowledge library (None: the desk has no bot).
    :param clock: the current time (periods end now; the cache ages with it).
    """

    def __init__(
        self,
        source: GapSource | None,
        store: Store,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.source = source
        self.store = store
        self.clock = clock
        self._embedder: Embedder | None = None
        self._cache: dict[tuple[int, int, str], GapReport] = {}
        self._lock = asyncio.Lock()
        #: Counts dismissals: a report grouped across one is not kept (it has their misses).
        self._dismissals = 0

    @staticmethod
    def check(days: int, min_count: int) -> None:
        """Raise :class:`InvalidPayload` unless the period and minimum count are offered."""
        if days not in PERIODS:
            raise InvalidPayload(f"`days` must be one of {', '.join(map(str, PERIODS))}")
        if not 1 <= min_count <= MAX_MIN_COUNT:
            raise InvalidPayload(f"`min_count` must be between 1 and {MAX_MIN_COUNT}")

    async def report(self, days: int, min_count: int) -> GapReport | None:
        """Return the groups of at least ``min_count`` misses of the last ``days`` days,
        largest first (None: the desk has no bot)."""
        self.check(days, min_count)
        bot = self.source.current if self.source is not None else None
        if bot is None:
            return None
        key = (days, min_count, bot.knowledge.version)
        async with self._lock:  # one grouping at a time: the others then read the cache
            now = self.clock()
            cached = self._cache.get(key)
            if cached is not None and now - cached.made_at < timedelta(seconds=CACHE_SECONDS):
                return cached
            dismissals = self._dismissals
            misses = await undismissed(self.store, since=now - timedelta(days=days))
            groups = await asyncio.to_thread(self._group, bot, misses, min_count)
            report = GapReport(days, min_count, len(misses), groups, now)
            fresh = timedelta(seconds=CACHE_SECONDS)
            self._cache = {k: r for k, r in self._cache.items() if now - r.made_at < fresh}
            if dismissals == self._dismissals:
                self._cache[key] = report
            return report

    async def dismiss(self, operator: Operator, days: int, min_count: int, key: str) -> int:
        """Leave the misses of group ``key`` (of that period's report) out from now on;
        return how many. New misses that mean the same form a group again.

        :raises Forbidden: unless ``operator`` is an admin.
        :raises NotFound: if the report has no such group (the misses changed).
        """
        if not operator.is_admin:
            raise Forbidden("only admins dismiss the bot's misses")
        report = await self.report(days, min_count)
        group = report.group(key) if report is not None else None
        if group is None:
            raise NotFound("no such group now: reload the page")
        await self.store.feedback.dismiss_misses(group.gap.misses, operator.id, self.clock())
        self._dismissals += 1
        self._cache.clear()
        return group.gap.count

    def _group(self, bot: Bot, misses: Sequence[Miss], min_count: int) -> tuple[GapGroup, ...]:
        """Group on this worker thread, as ``kb gaps`` does."""
        embedder = self._encoder()
        gaps = find_gaps(bot, misses, embedder=embedder, min_count=min_count)
        entries = bot.knowledge.entries
        groups = []
        for gap in gaps:
            entry = entries.get(gap.entry_id or "")
            source = entry.source.rpartition(":")[0] if entry is not None else ""
            title = link = ""
            if entry is not None:
                lang = entry.answer_lang(gap.lang)
                title = entry.title(lang)
                link = entry.page_path(lang) if entry.public else ""
            groups.append(
                GapGroup(
                    _key(gap.misses),
                    gap,
                    _examples(gap.misses),
                    title,
                    link,
                    gap.snippet(source),
                )
            )
        return tuple(groups)

    def _encoder(self) -> Embedder:
        """The bot's own encoder, or one of ours (a bot without embeddings) on its cache."""
        assert self.source is not None
        embedder = self.source.embedder
        if embedder is None:
            if self._embedder is None:
                self._embedder = Embedder(cache_path=self.source.cache_path)
            embedder = self._embedder
        return embedder


async def undismissed(store: Store, *, since: datetime | None) -> list[Miss]:
    """Return the misses since ``since`` but those an admin dismissed (``kb gaps`` too)."""
    misses = await store.feedback.misses(since=since)
    dismissed = await store.feedback.dismissed_misses(since=since)
    return [m for m in misses if m.key not in dismissed] if dismissed else misses


def _examples(misses: Sequence[Miss]) -> tuple[tuple[str, str], ...]:
    """Up to five distinct texts with their language, in the group's order."""
    seen: dict[str, str] = {}
    for miss in misses:
        seen.setdefault(miss.text.strip(), miss.lang)
    return tuple(seen.items())[:5]


def _key(misses: Sequence[Miss]) -> str:
    """A short name for a group that stays the same while its misses do."""
    digest = hashlib.sha256()
    lines = sorted(f"{m.conversation_id}\t{m.kind}\t{m.ts.isoformat()}\t{m.text}" for m in misses)
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()[:12]
