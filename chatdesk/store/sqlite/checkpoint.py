"""When to copy SQLite's write-ahead log into the database, decided on the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ...looptask import LoopTask
from ...threadprio import lower_this_thread

__all__ = ["Checkpointer"]

log = logging.getLogger(__name__)

#: How often the checkpointer looks at the WAL, in seconds.
CHECKPOINT_POLL = 0.5
#: A checkpoint's fsyncs (ext4 flushes the WAL's dirty pages with them) stall the commits of
#: that moment by milliseconds, so checkpoints run rarely under load:
#: in a quiet moment (no commit for this long), after which the next write restarts the WAL...
CHECKPOINT_QUIET = 2.0
#: ...or when the WAL grew this much since the last checkpoint (each commit writes whole
#: pages, ~16 kB a message: 16 s at 1,000 messages per second)...
CHECKPOINT_GROWTH = 256 * 1024 * 1024
#: ...and, as a bound on disk use under a load that never pauses, a blocking checkpoint that
#: empties the WAL when it reaches this size.
CHECKPOINT_CAP = 1024 * 1024 * 1024


class Checkpointer:
    """Copy the WAL into the database now and then, from a second connection.

    Left to SQLite, the commit that crosses the auto-checkpoint size (4 MB: a quarter
    of a second of traffic under load) would do it, with its fsyncs, while visitors
    wait for their acks. Under a steady load a WAL cannot restart (new frames arrive
    before a checkpoint completes), so growth, not size, paces the checkpoints.

    The WAL's size is looked at from the event loop (a ``stat``); a thread runs only the
    checkpoint itself. A thread polling on its own would take the GIL twice a second at
    random moments, and on a CPU shared with the loop each such moment can hold the loop
    up for Python's switch interval, 5 ms (bench/README.md, "Hot path").

    :param last_commit: when the store last committed (``time.monotonic()``).
    """

    def __init__(self, path: Path, last_commit: Callable[[], float]) -> None:
        self._path = path
        self._wal = path.with_name(path.name + "-wal")
        self._last_commit = last_commit
        self._conn: sqlite3.Connection | None = None
        self._checkpointed_at = 0  # the WAL's size at the last checkpoint
        self._task = LoopTask()
        self._running: asyncio.Future[bool] | None = None  # a checkpoint on its thread
        # Its own thread, below the loop's priority: a checkpoint of a big WAL takes CPU for
        # a second, which on the loop's CPU would hold every ack up (bench/README.md).
        self._thread: ThreadPoolExecutor | None = None

    def start(self) -> None:
        """Start looking at the WAL from the running loop."""
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
            size = self._wal.stat().st_size
        except OSError:
            return None
        if size >= CHECKPOINT_CAP:
            return "TRUNCATE"
        quiet = time.monotonic() - self._last_commit() >= CHECKPOINT_QUIET
        if size > self._checkpointed_at and (
            quiet or size - self._checkpointed_at >= CHECKPOINT_GROWTH
        ):
            return "PASSIVE"  # never blocks the writer
        return None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_POLL)
            mode = self.due()
            if mode is None:
                continue
            size = self._wal.stat().st_size if mode == "PASSIVE" else 0
            if self._thread is None:
                self._thread = ThreadPoolExecutor(
                    1, "chatdesk-sqlite-checkpoint", initializer=lower_this_thread
                )
            loop = asyncio.get_running_loop()
            self._running = loop.run_in_executor(self._thread, self._checkpoint, mode)
            # Shielded: if stop() cancels this task, it waits for the checkpoint itself.
            if await asyncio.shield(self._running):
                self._checkpointed_at = size
            self._running = None

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
