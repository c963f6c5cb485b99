"""Directory benchmark: how long a page of the requesters' directory holds SQLite's writer.

A store with ``--requesters`` requesters and ``--tickets`` tickets (random owners, statuses
and times). Each page the console asks for (every order, searches, an organisation) runs
``--repeat`` times on SQLite's one connection; the baseline is the ticket list's first page
(``search_tickets``, due order) on the same store in the same run, the page operators open
most. Ratios only: absolute figures depend on the machine.

Usage (from the repository root)::

    .venv/bin/python bench/directory.py                  # 20,000 and 60,000, ~20 s
    .venv/bin/python bench/directory.py --requesters 100000 --tickets 300000

See bench/README.md ("The requesters' directory") for results.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from chatdesk.models import RequesterQuery, TicketQuery, TicketType, format_ts
from chatdesk.store.sqlite import SqliteStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NAMES = ("Léa Dubois", "Tom Peeters", "Élodie Martin", "Jan Jansen", "Anne Smith", "Noé Lefèvre")
STATUSES = ("new", "open", "pending", "resolved", "closed", "closed")


def _build(path: Path, requesters: int, tickets: int) -> str:
    """Fill the store; return an organisation's id (with 1 requester in 50)."""
    rng = random.Random(1)
    org = uuid.uuid4().hex
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO organisations (id, name, name_key, created_at) VALUES (?, ?, ?, ?)",
            (org, "Acme Énergie", "acme énergie", format_ts(T0)),
        )
        people = [
            (uuid.uuid4().hex, f"user{i}@example{i % 50}.be", f"{rng.choice(NAMES)} {i}",
             org if i % 50 == 0 else None, format_ts(T0 + timedelta(minutes=i)))
            for i in range(requesters)
        ]  # fmt: skip
        conn.executemany(
            "INSERT INTO requesters (id, email, name, lang, organisation_id, created_at)"
            " VALUES (?, ?, ?, 'fr', ?, ?)",
            people,
        )
        # One requester in twenty has another address merged in (work and home): a
        # search looks there too.
        conn.executemany(
            "INSERT INTO requester_addresses (address, requester_id, created_at)"
            " VALUES (?, ?, ?)",
            [(f"home{i}@example.net", p[0], format_ts(T0)) for i, p in enumerate(people)
             if i % 20 == 0],
        )  # fmt: skip
        rows = []
        for n in range(tickets):
            at = format_ts(T0 + timedelta(minutes=rng.randint(0, 500_000)))
            rows.append((uuid.uuid4().hex, n + 1, rng.choice(STATUSES), at, at,
                         rng.choice(people)[0], rng.choice(("question", "incident"))))  # fmt: skip
        conn.executemany(
            "INSERT INTO tickets (id, number, subject, department, priority, status,"
            " created_at, updated_at, requester_id, type)"
            " VALUES (?, ?, 'Subject', 'general', 'normal', ?, ?, ?, ?, ?)",
            rows,
        )
    return org


async def _time(repeat: int, call: Callable[[], Awaitable[object]]) -> float:
    """The median of ``repeat`` calls, in milliseconds."""
    await call()  # the page cache warm, as on a desk in use
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requesters", type=int, default=20_000)
    parser.add_argument("--tickets", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chatdesk.sqlite3"
        store = SqliteStore(path)
        await store.open()  # the schema
        await store.close()
        org = _build(path, args.requesters, args.tickets)
        await store.open()
        try:
            base = await _time(
                args.repeat, lambda: store.ticket_queries.search_tickets(TicketQuery())
            )
            print(f"{args.requesters:,} requesters, {args.tickets:,} tickets, SQLite")
            print(f"baseline: the ticket list's first page {base:.1f} ms\n")
            print(f"{'directory page':<44} {'ms':>7} {'ratio':>6}")
            hidden = (TicketType.COMPLAINT,)
            for label, query in (
                ("latest activity (an operator's)", RequesterQuery(exclude_types=hidden)),
                ("by name", RequesterQuery(sort="name")),
                ("newest", RequesterQuery(sort="newest")),
                ("page 100, latest activity", RequesterQuery(page=100)),
                ("search 'lea' (one in six)", RequesterQuery(q="lea")),
                ("search 'élodie 123' (a few)", RequesterQuery(q="élodie 123")),
                ("search 'nobody' (none)", RequesterQuery(q="nobody")),
                ("search 'home77@' (another address)", RequesterQuery(q="home77@")),
                ("an organisation's members", RequesterQuery(organisation_id=org)),
            ):
                ms = await _time(args.repeat, lambda q=query: store.requesters.list_requesters(q))
                print(f"{label:<44} {ms:>7.1f} {ms / base:>6.2f}")
        finally:
            await store.close()


if __name__ == "__main__":
    asyncio.run(main())
