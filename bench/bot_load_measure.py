"""bench/bot_load.py's measures: quantiles, the server's CPU by kind of thread, and this
process's own loop lag."""

from __future__ import annotations

import asyncio
import math
import os
import time
from pathlib import Path

from realtime_servers import Server

__all__ = ["cpu", "quantile", "tick"]


def quantile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu(server: Server) -> tuple[float, float, float]:
    """CPU seconds so far of the server's event loop, its other threads, and its child
    processes (the encoder's)."""
    loop, threads = server.thread_cpu_seconds()
    children = 0.0
    for task in os.scandir(f"/proc/{server.pid}/task"):
        try:
            pids = Path(task.path, "children").read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            children += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return loop, threads, children


async def tick(lags: list[float]) -> None:
    """Record how late this process's loop wakes for a 1 ms timer, until cancelled."""
    clock = time.monotonic
    while True:
        before = clock()
        await asyncio.sleep(0.001)
        lags.append(clock() - before - 0.001)
