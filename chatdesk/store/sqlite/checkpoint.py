"""When to copy SQLite's write-ahead log into the database, decided on the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ...looptask import LoopTask
from ...threadprio import lower_this_thread

__all__ = ["Checkpointer"]

log = logging.getLogger(__name__)

#: How often the checkpointer looks at the store, in seconds.
CHECKPOINT_POLL = 0.25
#: Under load, a checkpoint every this many seconds: the WAL then holds a second of
#: traffic at most (~12 MB at 2,000 messages per second) and its file is rewritten in
#: place. A WAL left to grow for minutes made each checkpoint's fsync flush hundreds of
#: megabytes, during which ext4 held the commits up (bench/README.md, "Hot path").
CHECKPOINT_EVERY = 1.0
#: As a bound on disk use when checkpoints cannot catch up (another process reading
#: for long), a blocking checkpoint that empties the WAL when it reaches this size.
CHECKPOINT_CAP = 1024 * 1024 * 1024


class Checkpointer:
    """Copy the WAL into the database every second under load, in two steps.

    Left to SQLite, the commit that crosses the auto-checkpoint size would do it, with
    its fsyncs, while visitors wait for their acks. Here a second connection copies the
    WAL on a thread of its own, below the loop's priority, while writes go on (the long
    step, with the fsyncs). New frames arrive meanwhile, and a WAL restarts only once
    every frame is copied, so the writer's own thread then copies the few frames left
    (``catch_up``, a millisecond or two) while the loop's writes wait for it. The next
    write starts the WAL over from its beginning: it stays small, and its file is
    rewritten in place rather than grown.

    Whether a checkpoint is due is decided on the event loop; a thread polling on its
    own would take the GIL four times a second at random moments, and on a CPU shared
    with the loop each such moment can hold the loop up for Python's switch interval.

    :param last_commit: when the store last committed (``time.monotonic()``).
    :param catch_up: copy the frames left, on the writer's connection, between writes;
        return whether it succeeded.
    """

    def __init__(
        self,
        path: Path,
        last_commit: Callable[[], float],
        catch_up: Callable[[], Awaitable[bool]],
    ) -> None:
        self._path = path
        self._wal = path.with_name(path.name + "-wal")
        self._last_commit = last_commit
        self._catch_up = catch_up
        self._conn: sqlite3.Connection | None = None
        self._checkpointed_at = time.monotonic()  # when the last checkpoint began
        self._task = LoopTask()
        self._running: asyncio.Future[bool] | None = None  # a checkpoint on its thread
        self._thread: ThreadPoolExecutor | None = None

    def start(self) -> None:
        """Start looking at the store from the running loop."""
        self._task.start(self._run)

    async def stop(self) -> None:
        """Stop, after a checkpoint under way."""
        await self._task.stop()
        if self._running is not None:  # the connection is in use until it ends
            with contextlib.suppress(Exception):
                await self._running
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def due(self) -> str | None:
        """Return the checkpoint mode due now, or None."""
        try:
            if self._wal.stat().st_size >= CHECKPOINT_CAP:
                return "TRUNCATE"
        except OSError:
            return None
        since = self._checkpointed_at
        if self._last_commit() > since and time.monotonic() - since >= CHECKPOINT_EVERY:
            return "PASSIVE"  # never blocks the writer
        return None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_POLL)
            mode = self.due()
            if mode is None:
                continue
            self._checkpointed_at = time.monotonic()
            if self._thread is None:
                self._thread = ThreadPoolExecutor(
                    1, "chatdesk-sqlite-checkpoint", initializer=lower_this_thread
                )
            loop = asyncio.get_running_loop()
            self._running = loop.run_in_executor(self._thread, self._checkpoint, mode)
            # Shielded: if stop() cancels this task, it waits for the checkpoint itself.
            done = await asyncio.shield(self._running)
            self._running = None
            if done and mode == "PASSIVE":
                await self._catch_up()

    def _checkpoint(self, mode: str) -> bool:
        try:
            if self._conn is None:
                conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA busy_timeout=1000")
                self._conn = conn
            self._conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        except sqlite3.Error as exc:  # busy now; the next round catches up
            log.debug("checkpoint skipped: %s", exc)
            return False
        return True
