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
from ..directory import SQLITE_FOLD, fold
from .batch import as_store_error, run_jobs, settle
from .checkpoint import Checkpointer

__all__ = ["CACHE_MB", "SqliteWorker"]

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Most jobs committed in one transaction; bounds the latency a big batch adds.
_MAX_BATCH = 256
#: How long a statement on the thread waits for another process's write (a CLI command).
BUSY_TIMEOUT_MS = 5000
#: The same on the loop's thread (run_inline), which serves everyone meanwhile.
INLINE_BUSY_TIMEOUT_MS = 20
#: After the WAL restarts, its file is cut back to this size.
WAL_SIZE_LIMIT = 64 * 1024 * 1024
#: The connection's page cache by default, in MB (SQLite's own 2 MB cost a message 15-20%
#: more CPU on a grown store: bench/README.md, "Seventh pass").
CACHE_MB = 64


def _fold(value: object) -> str | None:
    """The directory's search folding, for SQL (``NULL`` stays ``NULL``)."""
    return None if value is None else fold(str(value))


@dataclass(slots=True)
class _Job:
    fn: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop
    alone: bool = False  # outside any transaction (a checkpoint)


@dataclass(slots=True)
class _Inline:
    fn: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    write: bool


class SqliteWorker:
    """Own one SQLite connection on one thread; run jobs from the event loop.

    The jobs waiting at one moment share a transaction, in which a failing job does not
    undo the others (a savepoint each, when two or more write), and are made durable by
    a single commit (one fsync) before any of them is answered: group commit. This keeps
    ``synchronous=FULL`` affordable under load.

    The hot path's short writes (a visitor's message) and reads may instead run on the
    event loop's own thread (:meth:`run_inline`, :meth:`read_inline`) while the worker
    thread has nothing to do: queued during one turn of the loop, run back to back at its
    end in one transaction (none for reads alone), and one commit for all of them before
    any is answered. With ``synchronous=NORMAL`` that commit writes the WAL without
    waiting for the disk (~50 µs), which costs the loop less than handing the job to a
    thread on the same CPU and waking the loop again (bench/README.md, "Hot path").
    """

    def __init__(
        self,
        path: Path,
        *,
        synchronous: str = "normal",
        cache_mb: int = CACHE_MB,
        setup: Callable[[sqlite3.Connection], object] | None = None,
    ) -> None:
        self._path = path
        self._synchronous = synchronous.upper()
        self._cache_kib = cache_mb * 1024
        self._setup = setup
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._checkpointer = Checkpointer(path, lambda: self._last_commit, self._catch_up)
        # Written by the worker after each commit, read by the checkpointer (a float
        # assignment is atomic under the GIL).
        self._last_commit = time.monotonic()
        self._conn: sqlite3.Connection | None = None
        # Inline jobs (run_inline) need a commit that does not wait for the disk.
        self._inline_ok = self._synchronous == "NORMAL"
        # Loop-side state (only the loop's thread reads or writes these): jobs handed to
        # the thread and not yet answered (the thread owns the connection meanwhile), and
        # the inline jobs queued in this turn of the loop.
        self._on_thread = 0
        self._thread_idle = asyncio.Event()  # set while _on_thread is 0
        self._thread_idle.set()
        self._inline: list[_Inline] | None = None
        self._short_busy = False
        # The loop of serve (one per worker: each CLI command opens its own store).
        self._loop: asyncio.AbstractEventLoop | None = None

    def _setup_busy(self, milliseconds: int) -> None:
        """Set how long a statement waits for another process's write (thread idle)."""
        if self._conn is not None:
            self._conn.execute(f"PRAGMA busy_timeout={milliseconds}")

    async def start(self) -> None:
        """Open the connection on the worker thread and run ``setup`` there."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        ready: asyncio.Future[None] = loop.create_future()
        self._thread = threading.Thread(
            target=self._main, args=(loop, ready), name="chatdesk-sqlite", daemon=True
        )
        self._thread.start()
        await ready
        self._checkpointer.start()

    async def stop(self) -> None:
        """Finish queued jobs, then close the connection and the threads."""
        if self._thread is None:
            return
        self._commit_inline()
        await self._checkpointer.stop()
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)
        self._thread = None

    async def run(self, fn: Callable[[sqlite3.Connection], T], *, alone: bool = False) -> T:
        """Run ``fn(connection)`` on the worker and return its result once committed.

        With ``alone``, ``fn`` runs outside any transaction, between two others.
        """
        if self._thread is None:
            raise StoreError("the SQLite store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._commit_inline()  # the thread owns the connection from now on
        if self._short_busy:  # back to waiting for other processes' writes
            self._short_busy = False
            self._setup_busy(BUSY_TIMEOUT_MS)
        # Counted down when the thread answers, not when the caller resumes: a cancelled
        # caller's job may still be running on the thread.
        self._on_thread += 1
        self._thread_idle.clear()
        self._queue.put(_Job(fn, future, loop, alone))
        return await future

    async def _catch_up(self) -> bool:
        """Copy the WAL's last frames into the database between two writes."""

        def checkpoint(conn: sqlite3.Connection) -> bool:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return not busy

        try:
            return await self.run(checkpoint, alone=True)
        except StoreError:
            return False

    async def run_inline(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` on the loop's thread; return its result once committed.

        For short statements of the hot path only (a few indexed statements): they hold
        up the loop while they run. The jobs of one turn of the loop run together at its
        end, one after the other, then one commit: back to back, SQLite's pages and code
        are still in the CPU's caches, where a job run amid each handler's Python found
        them evicted (3-4x the CPU; bench/README.md, "Fourth pass"). Waits while the thread
        has jobs; goes to the thread when commits wait for the disk
        (``synchronous=FULL``) or another process writes.
        """
        return await self._inline_job(fn, write=True)

    async def read_inline(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read of one statement on the loop's thread, as :meth:`run_inline` does,
        but outside any transaction of its own: with writes of the same turn it runs in
        theirs, alone it runs in SQLite's autocommit (its statement sees one snapshot).

        ``fn`` must not write: nothing would undo it if another job of its batch failed.
        """
        return await self._inline_job(fn, write=False)

    async def _inline_job(self, fn: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        conn = self._conn
        loop = asyncio.get_running_loop()
        if conn is None or not self._inline_ok or loop is not self._loop:
            return await self.run(fn)
        while self._on_thread:
            # Wait for the thread to be done rather than queue behind it: under load,
            # jobs queued there would keep it busy, and every later one would follow.
            await self._thread_idle.wait()
        # From here to the append, nothing awaits: the thread stays idle until the batch
        # runs (run() runs it first, before it hands the thread a job).
        future: asyncio.Future[T] = loop.create_future()
        if self._inline is None:
            self._inline = []
            loop.call_soon(self._commit_inline)
        self._inline.append(_Inline(fn, future, write))
        return await future

    def _commit_inline(self) -> None:
        """Run the loop's queued jobs in one transaction, commit, then answer them (loop's
        thread only)."""
        waiting, self._inline = self._inline, None
        if not waiting:
            return
        conn = self._conn
        if conn is None:
            for job in waiting:
                settle(job.future, None, StoreError("the SQLite store is not open"))
            return
        if not self._short_busy:
            # Another process's write must not stall the loop: give up quickly...
            self._short_busy = True
            self._setup_busy(INLINE_BUSY_TIMEOUT_MS)
        writes = any(job.write for job in waiting)
        try:
            if writes:  # reads alone need no transaction (BEGIN and COMMIT cost ~4 µs)
                conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:  # ...and wait for it on the thread instead
            self._short_busy = False
            self._setup_busy(BUSY_TIMEOUT_MS)
            loop = asyncio.get_running_loop()
            self._on_thread += len(waiting)
            self._thread_idle.clear()
            for job in waiting:
                self._queue.put(_Job(job.fn, job.future, loop))
            return
        try:
            outcomes = run_jobs(conn, [(job.fn, job.write) for job in waiting])
        except sqlite3.Error as exc:
            failure = as_store_error(exc)
            for job in waiting:
                settle(job.future, None, failure)
            return
        if writes:
            self._last_commit = time.monotonic()
        for job, (value, error) in zip(waiting, outcomes, strict=True):
            settle(job.future, value, error)

    def _main(self, loop: asyncio.AbstractEventLoop, ready: asyncio.Future[None]) -> None:
        try:
            conn = self._connect()
            self._conn = conn
        except Exception as exc:  # reported to start(), which re-raises in the loop
            error = exc if isinstance(exc, ChatdeskError) else as_store_error(exc)
            loop.call_soon_threadsafe(settle, ready, None, error)
            return
        loop.call_soon_threadsafe(settle, ready, None, None)
        try:
            held: _Job | None = None  # taken from the queue, to run after the batch
            while True:
                job = held if held is not None else self._queue.get()
                held = None
                if job is None:
                    break
                if job.alone:
                    self._run_alone(conn, job)
                    continue
                batch = [job]
                while len(batch) < _MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # stop after this batch
                        break
                    if more.alone:
                        held = more
                        break
                    batch.append(more)
                self._run_batch(conn, batch)
        finally:
            self._conn = None
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA wal_autocheckpoint=0")  # the Checkpointer does it
        # After a checkpoint lets the WAL restart, cut the file back to this size.
        conn.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA cache_size=-{self._cache_kib}")  # negative: in KiB
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.create_function(SQLITE_FOLD, 1, _fold, deterministic=True)
        if self._setup is not None:
            self._setup(conn)
        return conn

    def _run_alone(self, conn: sqlite3.Connection, job: _Job) -> None:
        try:
            value, error = job.fn(conn), None
        except Exception as exc:
            value, error = None, as_store_error(exc)
        job.loop.call_soon_threadsafe(self._answer, [(job.future, value, error)])

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            outcomes = run_jobs(conn, [(job.fn, True) for job in batch])
            self._last_commit = time.monotonic()
        except sqlite3.Error as exc:
            log.exception("SQLite transaction failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            failure = as_store_error(exc)
            outcomes = [(None, failure)] * len(batch)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any, Any]]] = {}
        for job, (value, error) in zip(batch, outcomes, strict=True):
            by_loop.setdefault(job.loop, []).append((job.future, value, error))
        for loop, settled in by_loop.items():
            # One wake-up of the event loop per batch, not per job.
            loop.call_soon_threadsafe(self._answer, settled)

    def _answer(self, settled: list[tuple[asyncio.Future[Any], Any, Any]]) -> None:
        """Answer a batch's jobs (on their loop's thread); the thread is done with them."""
        self._on_thread -= len(settled)
        if not self._on_thread:
            self._thread_idle.set()
        for future, value, error in settled:
            settle(future, value, error)
