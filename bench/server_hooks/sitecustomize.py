"""Experiments of ``bench/bot_load.py`` inside the server it starts.

On the server's ``PYTHONPATH`` only (``sitecustomize`` is imported at interpreter start,
in the server and in the encoder's child, which inherits the environment):

- ``BENCH_FIXED_DECISIONS=1`` (``--fixed-decisions``): the bot answers every question with
  its first entry, without computing anything, so that the benchmark measures what a
  question costs the event loop alone: receiving and storing it, handing it to a worker
  thread, storing and sending the answer. The encoder's child and the bot's threads then do
  next to nothing (bench/README.md, "Fifteenth pass").
- ``BENCH_BOT_CPUS=0,1`` (``--bot-cpus``): the bot's threads (every thread chatdesk lowers
  below the loop) and the encoder's child may run on these CPUs instead of only the
  server's: what a server with a spare CPU for its bot would see (bench/README.md,
  "Sixteenth pass").
"""

from __future__ import annotations

import os
from pathlib import Path

if os.environ.get("BENCH_FIXED_DECISIONS") == "1":
    from chatdesk.bot import brain
    from chatdesk.bot.policy import Decision, Kind

    def _decide(self: brain.Bot, text: str, lang: str, *, misses: int = 0) -> Decision:
        entry_id = next(iter(self.knowledge.entries))
        return Decision(Kind.ANSWER, entry_id, 0.9, reason="fixed")

    brain.Bot.decide = _decide  # type: ignore[method-assign]

if os.environ.get("BENCH_BOT_CPUS"):
    _cpus = {int(cpu) for cpu in os.environ["BENCH_BOT_CPUS"].split(",")}
    if b"chatdesk.bot.encoderproc" in Path("/proc/self/cmdline").read_bytes():
        os.sched_setaffinity(0, _cpus)  # the encoder's child, before it loads anything
    else:
        from chatdesk import threadprio
        from chatdesk.bot import responder

        _lower = threadprio.lower_this_thread

        def _lower_and_spread(by: int = threadprio.BACKGROUND_NICENESS) -> None:
            _lower(by)
            os.sched_setaffinity(0, _cpus)  # 0: the calling thread only, on Linux

        responder.lower_this_thread = _lower_and_spread  # type: ignore[assignment]
