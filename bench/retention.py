"""Retention benchmark: how long one batch of the retention job holds SQLite's writer.

A store with ``--kept`` old chats that became tickets (the retention policy keeps them)
followed by as many old chats without a ticket (due for deletion). The job deletes the
latter 200 a transaction; each batch's query must pass the kept ones first. Two arms in
one run, on two copies of the same store: the scan going on from where the previous batch
stopped (what RetentionJob does), and every batch scanning from the start.

Usage (from the repository root)::

    .venv/bin/python bench/retention.py              # 100,000 kept, ~1 minute
    .venv/bin/python bench/retention.py --kept 20000

See bench/README.md ("Retention") for results.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chatdesk.models import format_ts
from chatdesk.store.conversations import active_minute
from chatdesk.store.sqlite import SqliteStore

BATCH = 200
T0 = datetime(2024, 1, 1, tzinfo=UTC)


async def _build(path: Path, kept: int) -> None:
    store = SqliteStore(path)
    await store.open()  # the schema
    await store.close()
    rows = [
        (uuid.uuid4().hex, format_ts(T0 + timedelta(minutes=i)), i + 1) for i in range(2 * kept)
    ]
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO visitors (id, created_at, lang) VALUES (?, ?, 'fr')",
            [(r[0], r[1]) for r in rows],
        )
        conn.executemany(
            "INSERT INTO conversations (id, visitor_id, created_at, lang, updated_at,"
            " active_minute, num, mode) VALUES (?, ?, ?, 'fr', ?, ?, ?, 'bot')",
            [(r[0], r[0], r[1], r[1], active_minute(r[1]), r[2]) for r in rows],
        )
        conn.executemany(
            "INSERT INTO tickets (id, number, conversation_id, subject, department, priority,"
            " status, created_at, updated_at) VALUES (?, ?, ?, 's', 'general', 'normal',"
            " 'closed', ?, ?)",
            [(uuid.uuid4().hex, r[2], r[0], r[1], r[1]) for r in rows[:kept]],
        )


async def _batches(path: Path, *, cursor: bool, count: int) -> list[float]:
    store = SqliteStore(path)
    await store.open()
    cut, after, times = T0 + timedelta(days=3650), "", []
    for _ in range(count):
        start = time.perf_counter()
        _, went_to = await store.retention.delete_chats(cut, limit=BATCH, after=after)
        times.append((time.perf_counter() - start) * 1000)
        after = went_to if cursor else ""
    await store.close()
    return times


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kept", type=int, default=100_000, help="old chats with a ticket")
    parser.add_argument("--batches", type=int, default=10, help="batches timed per arm")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.sqlite3"
        await _build(base, args.kept)
        results = {}
        for name, cursor in (("cursor (as the job)", True), ("from the start", False)):
            copy = Path(tmp) / f"{cursor}.sqlite3"
            shutil.copy(base, copy)
            results[name] = await _batches(copy, cursor=cursor, count=args.batches)
    print(f"{args.kept:,} kept chats before the due ones; ms per batch of {BATCH}:")
    for name, times in results.items():
        shown = ", ".join(f"{t:.0f}" for t in times)
        print(f"  {name:20} first {times[0]:.0f}, then median {statistics.median(times[1:]):.0f}"
              f"  ({shown})")  # fmt: skip
    ours, theirs = (statistics.median(t[1:]) for t in results.values())
    print(f"ratio (cursor / from the start, after the first): {ours / theirs:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
