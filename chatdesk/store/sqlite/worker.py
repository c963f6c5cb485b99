"""A dedicated SQLite thread that runs queued jobs and commits them in groups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ...errors import ChatdeskError, StoreError

__all__ = ["SqliteWorker"]

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Most jobs committed in one transaction; bounds the latency a big batch adds.
_MAX_BATCH = 256
#: How often the checkpointer looks at the WAL, in seconds.
CHECKPOINT_POLL = 0.5
#: A checkpoint's fsyncs (ext4 flushes the WAL's dirty pages with them) stall the commits of
#: that moment by milliseconds, so the checkpointer runs them rarely under load:
#: in a quiet moment (no commit for this long), after which the next write restarts the WAL...
CHECKPOINT_QUIET = 2.0
#: ...or when the WAL grew this much since the last checkpoint (each commit writes whole
#: pages, ~16 kB a message: 16 s at 1,000 messages per second)...
CHECKPOINT_GROWTH = 256 * 1024 * 1024
#: ...and, as a bound on disk use under a load that never pauses, a blocking checkpoint that
#: empties the WAL when it reaches this size.
CHECKPOINT_CAP = 1024 * 1024 * 1024
#: After the WAL restarts, its file is cut back to this size.
WAL_SIZE_LIMIT = 64 * 1024 * 1024


@dataclass(slots=True)
class _Job:
    fn: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


class SqliteWorker:
    """Own one SQLite connection on one thread; run jobs from the event loop.

    Every job runs in its own savepoint inside a shared transaction, so a failing
    job does not undo the others, and all jobs waiting at that moment are made
    durable by a single commit (one fsync) before any of them is answered: group
    commit. This keeps ``synchronous=FULL`` affordable under load.
    """

    def __init__(
        self,
        path: Path,
        *,
        synchronous: str = "normal",
        setup: Callable[[sqlite3.Connection], object] | None = None,
    ) -> None:
        self._path = path
        self._synchronous = synchronous.upper()
        self._setup = setup
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._checkpointer: threading.Thread | None = None
        self._stopping = threading.Event()
        # Written by the worker after each commit, read by the checkpointer (a float
        # assignment is atomic under the GIL).
        self._last_commit = time.monotonic()

    async def start(self) -> None:
        """Open the connection on the worker thread and run ``setup`` there."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        self._thread = threading.Thread(
            target=self._main, args=(loop, ready), name="chatdesk-sqlite", daemon=True
        )
        self._thread.start()
        await ready
        self._stopping.clear()
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, name="chatdesk-sqlite-checkpoint", daemon=True
        )
        self._checkpointer.start()

    async def stop(self) -> None:
        """Finish queued jobs, then close the connection and the threads."""
        if self._thread is None:
            return
        self._stopping.set()
        if self._checkpointer is not None:
            await asyncio.to_thread(self._checkpointer.join)
            self._checkpointer = None
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` on the worker and return its result once committed."""
        if self._thread is None:
            raise StoreError("the SQLite store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Job(fn, future, loop))
        return await future

    def _main(self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        try:
            conn = self._connect()
        except Exception as exc:  # reported to start(), which re-raises in the loop
            error = exc if isinstance(exc, ChatdeskError) else _as_store_error(exc)
            loop.call_soon_threadsafe(_settle, ready, None, error)
            return
        loop.call_soon_threadsafe(_settle, ready, None, None)
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    break
                batch = [job]
                while len(batch) < _MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # stop after this batch
                        break
                    batch.append(more)
                self._run_batch(conn, batch)
        finally:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()

    def _checkpoint_loop(self) -> None:
        """Copy the WAL into the database now and then, from a second connection.

        Left to SQLite, the commit that crosses the auto-checkpoint size (4 MB: a quarter
        of a second of traffic under load) would do it, with its fsyncs, while visitors
        wait for their acks. Under a steady load a WAL cannot restart (new frames arrive
        before a checkpoint completes), so growth, not size, paces the checkpoints.
        """
        try:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=1000")
        except sqlite3.Error:
            log.exception("the SQLite checkpointer could not start; WAL grows until restart")
            return
        wal = self._path.with_name(self._path.name + "-wal")
        checkpointed_at = 0  # the WAL's size at the last checkpoint
        try:
            while not self._stopping.wait(CHECKPOINT_POLL):
                try:
                    size = wal.stat().st_size
                except OSError:
                    continue
                quiet = time.monotonic() - self._last_commit >= CHECKPOINT_QUIET
                if size >= CHECKPOINT_CAP:
                    mode = "TRUNCATE"
                elif size > checkpointed_at and (
                    quiet or size - checkpointed_at >= CHECKPOINT_GROWTH
                ):
                    mode = "PASSIVE"  # never blocks the writer
                else:
                    continue
                try:
                    conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
                except sqlite3.Error as exc:  # busy now; the next round catches up
                    log.debug("checkpoint skipped: %s", exc)
                    continue
                checkpointed_at = size if mode == "PASSIVE" else 0
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer thread does it
        # After a checkpoint lets the WAL restart, cut the file back to this size.
        conn.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        if self._setup is not None:
            self._setup(conn)
        return conn

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        results: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in batch:
                conn.execute("SAVEPOINT job")
                try:
                    value = job.fn(conn)
                except Exception as exc:
                    conn.execute("ROLLBACK TO job")
                    results.append((job, None, exc))
                else:
                    results.append((job, value, None))
                conn.execute("RELEASE job")
            conn.execute("COMMIT")
            self._last_commit = time.monotonic()
        except sqlite3.Error as exc:
            log.exception("SQLite transaction failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            failure = _as_store_error(exc)
            results = [(job, None, failure) for job in batch]
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any, Any]]] = {}
        for job, value, error in results:
            if error is not None and not isinstance(error, ChatdeskError):
                error = _as_store_error(error)
            by_loop.setdefault(job.loop, []).append((job.future, value, error))
        for loop, settled in by_loop.items():
            # One wake-up of the event loop per batch, not per job.
            loop.call_soon_threadsafe(_settle_all, settled)


def _as_store_error(exc: BaseException) -> StoreError:
    log.error("store error", exc_info=exc)
    error = StoreError("the store failed; please retry")
    error.__cause__ = exc
    return error


def _settle_all(settled: list[tuple[asyncio.Future[Any], Any, Any]]) -> None:
    for future, value, error in settled:
        _settle(future, value, error)


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
