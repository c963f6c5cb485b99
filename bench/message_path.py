"""chatdesk's own work per visitor message, without sockets: CPU per message.

Stores and publishes visitor messages the way ``VisitorNamespace.on_message`` does
(``ConversationService.visitor_said``, ``Publisher.publish``, the ack's payload) on a real
app with its SQLite store in a temp dir, and reports the process's CPU time per message
(all threads: the SQLite worker's included), pinned to one CPU. Nobody is connected, so the
emits find no listener: what is left is the part of the hot path that is chatdesk's alone,
and CPU time is far less disturbed by other processes than latency is. Usage::

    .venv/bin/python bench/message_path.py [--visitors 1] [--rounds 7] [--messages 3000]
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

from aiohttp import web

import chatdesk
from chatdesk.app import PUBLISHER, create_app
from chatdesk.config import Settings
from chatdesk.models import LangSource
from chatdesk.web.appkeys import SERVICES

TEXT = "Hello! My invoice #4711 looks wrong, could someone please check it for me?"


async def measure(visitors: int, rounds: int, messages: int) -> list[float]:
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
        sent = 0

        async def visitor(conversation_id: str, n: int) -> None:
            nonlocal sent
            for _ in range(n):
                sent += 1
                message, events, _ = await conversations.visitor_said(
                    conversation_id, client_id=f"c{sent}", text=TEXT
                )
                await publisher.publish(events)
                message.to_payload()  # the ack

        per_round = max(1, messages // visitors)
        cpu_per_message = []
        for _ in range(rounds):
            started = time.process_time()
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
    parser.add_argument("--cpu", type=int, default=0, help="pin to this CPU (-1: no pinning)")
    args = parser.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    values = asyncio.run(measure(args.visitors, args.rounds, args.messages))
    print(
        f"chatdesk from {Path(chatdesk.__file__).parent}, {args.visitors} visitor(s): CPU per "
        f"message min {min(values):.0f} µs, median {statistics.median(values):.0f} µs "
        f"({args.rounds} rounds of {args.messages})"
    )


if __name__ == "__main__":
    main()
