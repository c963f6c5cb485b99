"""chatdesk's own work per visitor message, without sockets: CPU per message.

Stores and publishes visitor messages the way ``VisitorNamespace.on_message`` does
(``ConversationService.visitor_said``, ``Publisher.publish``, the ack's payload) on a real
app with its SQLite store in a temp dir, and reports the process's CPU time per message
(all threads: the SQLite worker's included), pinned to one CPU. Nobody is connected, so the
emits find no listener: what is left is the part of the hot path that is chatdesk's alone,
and CPU time is far less disturbed by other processes than latency is. Usage::

    .venv/bin/python bench/message_path.py [--visitors 1] [--rounds 7] [--messages 3000]
    # a store that has grown: 500,000 earlier messages first
    .venv/bin/python bench/message_path.py --visitors 100 --history 500000
    # conversations waiting for a person (the desk's side of each message too)
    .venv/bin/python bench/message_path.py --visitors 100 --escalated
    # 1,000 visitors at ~1 msg/s: two messages (two conversations) per commit
    .venv/bin/python bench/message_path.py --visitors 1000 --together 2
    # another commit: git archive <commit> chatdesk | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python bench/message_path.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

import chatdesk
from chatdesk.app import PUBLISHER, create_app
from chatdesk.config import Settings
from chatdesk.models import LangSource, clock
from chatdesk.models.clock import format_ts, new_id, utcnow
from chatdesk.web.appkeys import SERVICES

TEXT = "Hello! My invoice #4711 looks wrong, could someone please check it for me?"


async def fill(app: web.Application, conversation_ids: list[str], messages: int) -> None:
    """Store ``messages`` earlier messages, spread over the visitors' conversations and
    1,000 others: the store of a desk that has been running for a while."""
    conversations = app[SERVICES].conversations
    others = [
        (
            await conversations.visitor_connected(
                token=None, lang="en", page="", lang_source=LangSource("browser")
            )
        ).conversation.id
        for _ in range(1000)
    ]
    targets = conversation_ids + others
    ts = format_ts(utcnow())
    # The ids the code under test gives messages (sortable since 2026-12-01), older.
    sortable = hasattr(clock, "new_sortable_id")
    now_ms = time.time_ns() // 1_000_000

    def earlier(n: int) -> str:
        return f"{now_ms - n:012x}{new_id()[:20]}" if sortable else new_id()

    rows = [
        (
            earlier(n),
            targets[n % len(targets)],
            -n,
            "visitor",
            TEXT,
            ts,
            new_id(),
            None,
        )
        for n in range(1, messages + 1)
    ]
    # A benchmark's shortcut to the SQLite store under the metrics wrapper.
    worker = app[SERVICES]._store._inner._worker  # type: ignore[attr-defined]

    def fill(conn: Any) -> None:
        # Keyed by the conversation's number since schema version 25, by its id before.
        columns = {row[1] for row in conn.execute("PRAGMA table_info(messages)")}
        key = "(SELECT num FROM conversations WHERE id = ?)" if "conv" in columns else "?"
        conn.executemany(
            f"INSERT INTO messages (id, {'conv' if 'conv' in columns else 'conversation_id'},"
            f" seq, author, text, ts, client_id, extra) VALUES (?, {key}, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    await worker.run(fill)


async def measure(
    visitors: int,
    rounds: int,
    messages: int,
    history: int = 0,
    escalated: bool = False,
    together: int = 0,
) -> list[float]:
    data = Path(tempfile.mkdtemp(prefix="chatdesk-path-"))
    settings = Settings(
        data_dir=data, knowledge_dir=None, config_file=data / "none.toml", log_level="WARNING"
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        conversations, publisher = app[SERVICES].conversations, app[PUBLISHER]
        ids = [
            (
                await conversations.visitor_connected(
                    token=None, lang="en", page="", lang_source=LangSource("browser")
                )
            ).conversation.id
            for _ in range(visitors)
        ]
        if history:
            await fill(app, ids, history)
        if escalated:  # asked for a person; nobody is online, so the ticket waits
            for conversation_id in ids:
                await publisher.publish(
                    await app[SERVICES].escalation.visitor_asked(conversation_id)
                )
        sent = 0

        async def one(conversation_id: str) -> None:
            nonlocal sent
            sent += 1
            message, events, follow_up = await conversations.visitor_said(
                conversation_id, client_id=f"c{sent}", text=TEXT
            )
            await publisher.publish(events)
            message.to_payload()  # the ack
            if follow_up:  # what VisitorNamespace._respond does next (escalated)
                await publisher.publish(await conversations.respond(message))

        async def visitor(conversation_id: str, n: int) -> None:
            for _ in range(n):
                await one(conversation_id)

        async def in_groups(n: int) -> None:
            # ``together`` messages at a time, round-robin over every conversation: what
            # the loop sees of 1,000 visitors at 1 msg/s (a commit holds a message or two,
            # each of another conversation), not 1,000 messages in one commit.
            order = [conversation_id for _ in range(n) for conversation_id in ids]
            for start in range(0, len(order), together):
                await asyncio.gather(*(one(c) for c in order[start : start + together]))

        per_round = max(1, messages // visitors)
        cpu_per_message = []
        for _ in range(rounds):
            started = time.process_time()
            if 0 < together < visitors:
                await in_groups(per_round)
            else:
                await asyncio.gather(*(visitor(i, per_round) for i in ids))
            used = time.process_time() - started
            cpu_per_message.append(used / (per_round * visitors) * 1e6)
        return cpu_per_message
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=1, help="concurrent visitors")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--messages", type=int, default=3000, help="messages per round")
    parser.add_argument(
        "--history", type=int, default=0, help="earlier messages in the store (e.g. 500000)"
    )
    parser.add_argument(
        "--escalated",
        action="store_true",
        help="conversations waiting for a person: the desk's side of each message too",
    )
    parser.add_argument(
        "--together",
        type=int,
        default=0,
        help="messages sent at once, round-robin over the visitors (default: one per visitor)",
    )
    parser.add_argument("--cpu", type=int, default=0, help="pin to this CPU (-1: no pinning)")
    args = parser.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    values = asyncio.run(
        measure(
            args.visitors,
            args.rounds,
            args.messages,
            args.history,
            args.escalated,
            args.together,
        )
    )
    print(
        f"chatdesk from {Path(chatdesk.__file__).parent}, {args.visitors} visitor(s): CPU per "
        f"message min {min(values):.0f} µs, median {statistics.median(values):.0f} µs "
        f"({args.rounds} rounds of {args.messages}, {args.history:,} earlier messages"
        f"{', escalated' if args.escalated else ''}"
        f"{f', {args.together} at a time' if args.together else ''})"
    )


if __name__ == "__main__":
    main()
