"""Background threads below the event loop's CPU priority."""

from __future__ import annotations

import contextlib
import os
import sys
import threading

__all__ = ["BACKGROUND_NICENESS", "lower_this_thread"]

#: How much lower than the event loop's a background thread's priority is (Linux niceness).
BACKGROUND_NICENESS = 10


def lower_this_thread(by: int = BACKGROUND_NICENESS) -> None:
    """Lower the calling thread's CPU priority by ``by`` niceness levels (Linux only).

    For threads that share a CPU with the event loop (the bot's questions, SQLite's
    checkpoints): the loop then gets the CPU whenever it has work, and every connection's
    acks stop waiting for a background computation (bench/README.md, "Hot path").
    """
    # On Linux a thread id given to setpriority() changes that thread only (elsewhere it
    # would be the whole process: leave those alone). Not allowed: it keeps the loop's.
    if sys.platform.startswith("linux"):
        tid = threading.get_native_id()
        with contextlib.suppress(OSError):
            niceness = os.getpriority(os.PRIO_PROCESS, tid) + by
            os.setpriority(os.PRIO_PROCESS, tid, min(19, niceness))
