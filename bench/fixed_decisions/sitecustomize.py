"""``bench/bot_load.py --fixed-decisions``: the bot answers every question with its first
entry, without computing anything.

On the server's ``PYTHONPATH`` only (``sitecustomize`` is imported at interpreter start), so
that the benchmark can measure what a question costs the event loop alone: receiving and
storing it, handing it to a worker thread, storing and sending the answer. The encoder's
child and the bot's threads then do next to nothing (bench/README.md, "Fifteenth pass").
"""

from __future__ import annotations

import os

if os.environ.get("BENCH_FIXED_DECISIONS") == "1":
    from chatdesk.bot import brain
    from chatdesk.bot.policy import Decision, Kind

    def _decide(self: brain.Bot, text: str, lang: str, *, misses: int = 0) -> Decision:
        entry_id = next(iter(self.knowledge.entries))
        return Decision(Kind.ANSWER, entry_id, 0.9, reason="fixed")

    brain.Bot.decide = _decide  # type: ignore[method-assign]
