"""Run a Python server script so that SIGUSR1 makes it run one full garbage collection.

bench/realtime.py's idle phase uses it to time a full collection with 10,000 visitors
connected, in the server's own process and on its event loop's thread (Python runs signal
handlers there), both for chatdesk and for the bare server. Usage::

    python bench/gc_signal.py SCRIPT [ARGS...]    # e.g. .venv/bin/chatdesk serve ...

Each collection prints ``BENCH_GC <wall ms> ms <CPU ms> ms-cpu`` to stderr: on a machine
shared with other work the wall time includes waiting for the CPU.
"""

from __future__ import annotations

import gc
import runpy
import signal
import sys
import time
from types import FrameType


def collect(_signum: int, _frame: FrameType | None) -> None:
    started, cpu = time.perf_counter(), time.thread_time()
    gc.collect()
    took = (time.perf_counter() - started) * 1000
    used = (time.thread_time() - cpu) * 1000
    print(f"BENCH_GC {took:.1f} ms {used:.1f} ms-cpu", file=sys.stderr, flush=True)


def main() -> None:
    signal.signal(signal.SIGUSR1, collect)
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
