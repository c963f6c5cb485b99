"""SqliteWorker: jobs on its thread, the hot path's short writes on the loop, one commit."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from chatdesk.config import Settings
from chatdesk.errors import NotFound, StoreError
from chatdesk.store import SqliteStore, create_store
from chatdesk.store.sqlite import checkpoint
from chatdesk.store.sqlite.worker import SqliteWorker


class Traced:
    """A worker on a fresh database with one table, recording every statement it runs."""

    def __init__(self, path: Path, synchronous: str = "normal") -> None:
        self.path = path
        self.statements: list[str] = []
        self.worker = SqliteWorker(path, synchronous=synchronous, setup=self._setup)

    def _setup(self, conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY, thread TEXT)")
        conn.set_trace_callback(self.statements.append)

    def commits(self) -> int:
        return self.statements.count("COMMIT")

    def stored(self) -> list[tuple[int, str]]:
        """Read what is committed, from a connection of its own."""
        with sqlite3.connect(self.path) as other:
            return other.execute("SELECT n, thread FROM t ORDER BY n").fetchall()


def insert(n: int) -> Callable[[sqlite3.Connection], int]:
    def job(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO t VALUES (?, ?)", (n, threading.current_thread().name))
        return n

    return job


@pytest.fixture
async def traced(tmp_path: Path) -> AsyncIterator[Traced]:
    traced = Traced(tmp_path / "w.db")
    await traced.worker.start()
    yield traced
    await traced.worker.stop()


async def test_inline_writes_of_one_turn_share_one_commit(traced: Traced) -> None:
    before = traced.commits()
    results = await asyncio.gather(*(traced.worker.run_inline(insert(n)) for n in range(20)))
    assert results == list(range(20))
    assert traced.commits() == before + 1
    # Answered only once committed: another connection sees every row, written on the loop.
    assert traced.stored() == [(n, threading.current_thread().name) for n in range(20)]


async def test_a_failing_inline_job_undoes_only_itself(traced: Traced) -> None:
    def missing(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (100, 'x')")
        raise NotFound("no such thing")

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO nowhere VALUES (1)")

    outcomes: tuple[object, ...] = await asyncio.gather(
        traced.worker.run_inline(insert(1)),
        traced.worker.run_inline(missing),
        traced.worker.run_inline(broken),
        traced.worker.run_inline(insert(2)),
        return_exceptions=True,
    )
    assert outcomes[0] == 1 and outcomes[3] == 2
    assert isinstance(outcomes[1], NotFound)  # the domain error as it was raised
    assert isinstance(outcomes[2], StoreError)  # anything else: the store failed
    assert [n for n, _ in traced.stored()] == [1, 2]


async def test_a_batch_runs_without_savepoints_until_a_job_fails(traced: Traced) -> None:
    def missing(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (100, 'x')")
        raise NotFound("no such thing")

    traced.statements.clear()
    outcomes: tuple[object, ...] = await asyncio.gather(
        traced.worker.run_inline(insert(1)),
        traced.worker.run_inline(missing),
        traced.worker.run_inline(insert(2)),
        return_exceptions=True,
    )
    assert outcomes[0] == 1 and isinstance(outcomes[1], NotFound) and outcomes[2] == 2
    # First together; at the failure, everything is undone and run again, each writer
    # in a savepoint of its own; then one commit.
    first = traced.statements.index("ROLLBACK")
    assert "SAVEPOINT job" not in traced.statements[:first]
    again = traced.statements[first + 1 :]
    assert again[0] == "BEGIN IMMEDIATE" and again[-1] == "COMMIT"
    assert again.count("SAVEPOINT job") == 3 and again.count("ROLLBACK TO job") == 1
    assert traced.commits() == 1
    assert [n for n, _ in traced.stored()] == [1, 2]


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM t").fetchone()[0])


async def test_a_lone_write_needs_no_savepoint_and_a_failing_one_leaves_nothing(
    traced: Traced,
) -> None:
    def half_done(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (100, 'x')")
        raise NotFound("no such thing")

    traced.statements.clear()
    assert await traced.worker.run_inline(insert(1)) == 1
    assert not [s for s in traced.statements if "SAVEPOINT" in s]
    assert traced.commits() == 1
    # A lone writer that fails is rolled back whole; the read after it still answers,
    # outside the transaction, and sees nothing of it.
    outcomes: tuple[object, ...] = await asyncio.gather(
        traced.worker.read_inline(count),
        traced.worker.run_inline(half_done),
        traced.worker.read_inline(count),
        return_exceptions=True,
    )
    assert outcomes[0] == 1 and outcomes[2] == 1
    assert isinstance(outcomes[1], NotFound)
    assert traced.stored() == [(1, threading.current_thread().name)]


async def test_reads_alone_open_no_transaction_and_reads_with_writes_share_theirs(
    traced: Traced,
) -> None:
    await traced.worker.run_inline(insert(1))
    traced.statements.clear()
    assert await asyncio.gather(*(traced.worker.read_inline(count) for _ in range(3))) == [1] * 3
    assert [s.split()[0] for s in traced.statements] == ["SELECT"] * 3
    # In one turn with writes: in their transaction, after them; no savepoints while no
    # job fails.
    traced.statements.clear()
    seen = await asyncio.gather(
        traced.worker.run_inline(insert(2)),
        traced.worker.read_inline(count),
        traced.worker.run_inline(insert(3)),
        traced.worker.read_inline(count),
    )
    assert seen == [2, 2, 3, 3]
    assert traced.statements.count("BEGIN IMMEDIATE") == 1 and traced.commits() == 1
    assert traced.statements.count("SAVEPOINT job") == 0


async def test_inline_jobs_of_one_turn_run_back_to_back_at_its_end(traced: Traced) -> None:
    ran: list[str] = []

    async def handler(name: str) -> None:
        # Each job is queued amid its handler's own work, and runs only once all of the
        # turn's handlers are done: SQLite's work in one go.
        ran.append(f"{name} queues")
        await traced.worker.run_inline(lambda conn: ran.append(f"{name} runs"))
        ran.append(f"{name} answered")

    await asyncio.gather(handler("a"), handler("b"))
    assert ran == ["a queues", "b queues", "a runs", "b runs", "a answered", "b answered"]


async def test_a_thread_job_sees_the_inline_writes_before_it(traced: Traced) -> None:
    inline = asyncio.ensure_future(traced.worker.run_inline(insert(1)))
    await asyncio.sleep(0)  # the inline job is queued; it runs at the end of the turn
    count = await traced.worker.run(lambda c: c.execute("SELECT count(*) FROM t").fetchone()[0])
    assert count == 1 and await inline == 1


async def test_inline_waits_for_the_thread_while_it_owns_the_connection(traced: Traced) -> None:
    release = threading.Event()

    def slow(conn: sqlite3.Connection) -> int:
        release.wait(10)  # a long query on the thread
        return insert(1)(conn)

    first = asyncio.ensure_future(traced.worker.run(slow))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(traced.worker.run_inline(insert(2)))
    await asyncio.sleep(0)
    assert traced.stored() == []  # nothing ran on the loop meanwhile
    release.set()
    assert (await first, await second) == (1, 2)
    # The loop waited for the thread, then wrote on its own thread again.
    loop_thread = threading.current_thread().name
    assert traced.stored() == [(1, "chatdesk-sqlite"), (2, loop_thread)]


async def test_a_cancelled_callers_job_keeps_the_connection_on_the_thread(
    traced: Traced,
) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(conn: sqlite3.Connection) -> int:
        started.set()
        release.wait(10)
        return insert(1)(conn)

    first = asyncio.ensure_future(traced.worker.run(slow))
    await asyncio.to_thread(started.wait, 10)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    second = asyncio.ensure_future(traced.worker.run_inline(insert(2)))
    await asyncio.sleep(0)
    assert not second.done()  # still behind the job the thread is running
    release.set()
    assert await second == 2
    assert traced.stored() == [(1, "chatdesk-sqlite"), (2, threading.current_thread().name)]


async def test_the_store_keeps_as_many_pages_as_settings_ask(tmp_path: Path) -> None:
    def cache_kib(store: SqliteStore) -> int:
        conn = store._worker._conn
        assert conn is not None
        value: int = conn.execute("PRAGMA cache_size").fetchone()[0]
        return -value  # negative: a size in KiB, not in pages

    for env, expected in (({}, 64 * 1024), ({"CHATDESK_SQLITE_CACHE_MB": "8"}, 8 * 1024)):
        settings = Settings.from_environ({"CHATDESK_DATA_DIR": str(tmp_path), **env}, env_file=None)
        store = create_store(settings)
        assert isinstance(store, SqliteStore)
        await store.open()
        try:
            assert cache_kib(store) == expected
        finally:
            await store.close()


async def test_with_full_durability_inline_jobs_run_on_the_thread(tmp_path: Path) -> None:
    traced = Traced(tmp_path / "full.db", synchronous="full")
    await traced.worker.start()
    try:
        assert await traced.worker.run_inline(insert(1)) == 1
    finally:
        await traced.worker.stop()
    assert traced.stored() == [(1, "chatdesk-sqlite")]


async def test_stop_commits_what_the_loop_wrote(tmp_path: Path) -> None:
    traced = Traced(tmp_path / "stop.db")
    await traced.worker.start()
    pending = asyncio.ensure_future(traced.worker.run_inline(insert(7)))
    await asyncio.sleep(0)
    await traced.worker.stop()
    assert await pending == 7
    assert traced.stored() == [(7, threading.current_thread().name)]


def wal_restarts(path: Path) -> int:
    """Return the WAL header's checkpoint sequence number: one more at each restart."""
    with open(path.with_name(path.name + "-wal"), "rb") as wal:
        return int.from_bytes(wal.read(16)[12:16], "big")


@pytest.fixture
async def checkpointed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Traced]:
    """A worker whose checkpoints come every 20 ms instead of every second."""
    monkeypatch.setattr(checkpoint, "CHECKPOINT_POLL", 0.001)
    monkeypatch.setattr(checkpoint, "CHECKPOINT_EVERY", 0.02)
    traced = Traced(tmp_path / "checkpointed.db")
    await traced.worker.start()
    yield traced
    await traced.worker.stop()  # once more is nothing


async def test_under_steady_writes_the_wal_restarts_and_stays_small(
    checkpointed: Traced,
) -> None:
    traced = checkpointed
    blob = b"x" * 60_000  # ~15 pages a write: the WAL grows ~1 MB every 17 writes

    def write(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t (thread) VALUES (?)", (blob,))

    written = 0
    await traced.worker.run_inline(write)
    first = wal_restarts(traced.path)
    async with asyncio.timeout(20):
        # No pause between writes: the copy on the checkpoint's thread never sees the
        # last frame, and only the writer's own catch-up lets the WAL restart. At least
        # ~12 MB: on a busy machine the 20 ms timer fires late and one cycle may hold
        # ~30 writes (1.8 MB); a WAL that never restarts would hold all of them.
        while wal_restarts(traced.path) < first + 5 or written < 200 * len(blob):
            await traced.worker.run_inline(write)
            written += len(blob)
    size = traced.path.with_name(traced.path.name + "-wal").stat().st_size
    await traced.worker.stop()
    assert size < written / 2
    assert len(traced.stored()) == written // len(blob) + 1


async def test_the_wal_is_checkpointed_when_writes_stop(checkpointed: Traced) -> None:
    traced = checkpointed
    await traced.worker.run_inline(insert(1))
    # The database file alone, without the WAL: what has been checkpointed into it.
    checkpointed = f"file:{traced.path}?immutable=1"
    async with asyncio.timeout(10):
        while True:
            with (
                contextlib.closing(sqlite3.connect(checkpointed, uri=True)) as db,
                # No table t yet; or, as `immutable` reads without a lock, a read that
                # raced the checkpoint's writes saw a half-written page ("malformed"):
                # either way, read again.
                contextlib.suppress(sqlite3.DatabaseError),
            ):
                if db.execute("SELECT count(*) FROM t").fetchone() == (1,):
                    break
            await asyncio.sleep(0.005)  # the file has no event to wait on
    await traced.worker.stop()
    assert traced.stored() == [(1, "MainThread")]
