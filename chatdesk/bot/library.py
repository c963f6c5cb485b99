"""Keep the current bot, rebuilding it when the knowledge files change (hot reload)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from .botfile import BOT_FILE
from .brain import Bot
from .knowledge import KnowledgeError, knowledge_files, load_knowledge

__all__ = ["KnowledgeLibrary"]

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


class KnowledgeLibrary:
    """The current :class:`Bot` for a knowledge directory.

    A background task polls the files' sizes and modification times. After a change
    (and once the files stop changing, so a half-saved file is not read), the knowledge
    is loaded and the bot rebuilt on a worker thread; only a valid result replaces the
    current bot, in one assignment. An invalid change is logged as ``file:line`` lines
    and the last good bot keeps answering.

    :param directory: the knowledge directory.
    :param poll_interval: seconds between two looks at the files.
    """

    def __init__(self, directory: Path, *, poll_interval: float = 0.5) -> None:
        self.directory = directory
        self.poll_interval = poll_interval
        self.current: Bot | None = None
        self.error: KnowledgeError | None = None
        self._fingerprint: Fingerprint = ()
        self._task: asyncio.Task[None] | None = None
        self._waiters: list[asyncio.Future[bool]] = []

    async def start(self) -> None:
        """Load the knowledge (raising :class:`KnowledgeError` if invalid) and start watching."""
        self._fingerprint = self._scan()
        self.current = await asyncio.to_thread(self._build)
        log.info(
            "knowledge %s loaded: %d entries in %.2fs",
            self.current.knowledge.version,
            len(self.current.knowledge.entries),
            self.current.build_seconds,
        )
        self._task = asyncio.create_task(self._watch(), name="knowledge-watch")

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
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
        self.current, self.error = bot, None
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
        return Bot.build(load_knowledge(self.directory))

    def _scan(self) -> Fingerprint:
        try:
            files = knowledge_files(self.directory)
            bot_file = self.directory / BOT_FILE
            if bot_file.exists():
                files.append(bot_file)
            return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        except OSError:
            return ()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            seen = self._scan()
            if seen == self._fingerprint:
                continue
            # Let the writer finish: editors often save in several steps.
            while True:
                await asyncio.sleep(min(0.2, self.poll_interval))
                settled = self._scan()
                if settled == seen:
                    break
                seen = settled
            self._fingerprint = seen
            try:
                await self.reload()
            except Exception:  # a bug in a rebuild must not stop future reloads
                log.exception("knowledge reload failed")
