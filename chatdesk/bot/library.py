"""Keep the current bot, rebuilding it when the knowledge files change (hot reload)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from watchfiles import Change, awatch

from .brain import Bot
from .embeddings import Embedder, Encoder
from .knowledge import TESTS_FILE, KnowledgeError, load_knowledge
from .markdown import render_answer

__all__ = ["KnowledgeLibrary"]

log = logging.getLogger(__name__)


class KnowledgeLibrary:
    """The current :class:`Bot` for a knowledge directory.

    A background task waits for file events (watchfiles: inotify and its equivalents).
    Once the files stop changing for ``settle`` seconds (editors often save in several
    steps; a half-saved file must not be read), the knowledge is loaded and the bot rebuilt
    on a worker thread, the previous bot answering meanwhile; only a valid result replaces
    it, in one assignment. An invalid change is logged as ``file:line`` lines and the last
    good bot keeps answering. Sentence embeddings of unchanged questions come from the
    cache, so a rebuild embeds only what changed.

    :param directory: the knowledge directory.
    :param cache_path: the embedding cache (None: embeddings are recomputed every build).
    :param settle: seconds without a file event before rebuilding.
    :param encoder: the sentence encoder of semantic builds and questions (default: the
        process's shared in-thread one; the server may pass a ``ProcessEncoder``).
    """

    def __init__(
        self,
        directory: Path,
        *,
        cache_path: Path | None = None,
        settle: float = 0.2,
        encoder: Encoder | None = None,
    ) -> None:
        self.directory = directory
        self.encoder = encoder
        self._root = directory.resolve()
        self.cache_path = cache_path
        self.settle = settle
        self.current: Bot | None = None
        self.error: KnowledgeError | None = None
        self._embedder: Embedder | None = None
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._waiters: list[asyncio.Future[bool]] = []

    async def start(self) -> None:
        """Load the knowledge (raising :class:`KnowledgeError` if invalid) and start watching."""
        self.current = await asyncio.to_thread(self._build)
        log.info(
            "knowledge %s loaded: %d entries in %.2fs",
            self.current.knowledge.version,
            len(self.current.knowledge.entries),
            self.current.build_seconds,
        )
        self._stop.clear()
        self._task = asyncio.create_task(self._watch(), name="knowledge-watch")

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._stop.set()
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def reload(self) -> bool:
        """Rebuild from the files now; return whether the new knowledge was swapped in."""
        try:
            bot = await asyncio.to_thread(self._build)
        except KnowledgeError as exc:
            self.error = exc
            log.error(
                "knowledge change refused, keeping version %s:\n%s",
                self.current.knowledge.version if self.current else "none",
                exc.message,
            )
            self._notify(False)
            return False
        swapped = bot is not self.current
        self.current, self.error = bot, None
        if swapped:
            log.info(
                "knowledge %s swapped in: %d entries in %.2fs",
                bot.knowledge.version,
                len(bot.knowledge.entries),
                bot.build_seconds,
            )
            for warning in bot.knowledge.warnings:
                log.warning("%s", warning)
        self._notify(True)
        return True

    @property
    def embedder(self) -> Embedder | None:
        """Return the embedder of the builds so far (None before a semantic build)."""
        return self._embedder

    def next_reload(self) -> asyncio.Future[bool]:
        """Return a future resolved with the outcome of the next reload attempt."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        return future

    def _notify(self, swapped: bool) -> None:
        waiters, self._waiters = self._waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(swapped)

    def _build(self) -> Bot:
        knowledge = load_knowledge(self.directory)
        current = self.current
        if current is not None and current.knowledge.version == knowledge.version:
            return current  # saved without a change (or touched): nothing to rebuild
        if self._embedder is None and knowledge.bot.matcher.semantic:
            self._embedder = Embedder(self.encoder, cache_path=self.cache_path)
        bot = Bot.build(knowledge, embedder=self._embedder)
        for entry in knowledge.entries.values():
            for block in entry.langs.values():
                render_answer(block.answer)  # here, off the loop (cached for the responder)
        return bot

    def _relevant(self, change: Change, path: str) -> bool:
        """Return whether a file event concerns the knowledge: entry files and articles
        (not tests.yaml, editors' swap files or sub-directories such as media/)."""
        file = Path(path)
        return (
            file.parent == self._root
            and file.suffix in (".yaml", ".yml", ".md")
            and file.name != TESTS_FILE
            and not file.name.startswith(".")
        )

    async def _watch(self) -> None:
        settle_ms = max(1, int(self.settle * 1000))
        async for _changes in awatch(
            self._root,
            watch_filter=self._relevant,
            step=settle_ms,
            debounce=max(1600, settle_ms * 4),
            stop_event=self._stop,
            recursive=False,
        ):
            try:
                await self.reload()
            except Exception:  # a bug in a rebuild must not stop future reloads
                log.exception("knowledge reload failed")
