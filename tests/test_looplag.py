"""The event-loop stall probe sees a blocked loop (/metrics: tests/test_metrics.py)."""

from __future__ import annotations

import asyncio
import time

from chatdesk.looplag import LoopLagProbe


async def test_a_blocked_loop_is_seen_as_a_stall() -> None:
    woke = asyncio.Event()
    lags: list[float] = []

    def observe(lag: float) -> None:
        lags.append(lag)
        woke.set()

    probe = LoopLagProbe(interval=0.01, observe=observe)
    probe.start()
    try:
        await woke.wait()
        woke.clear()
        time.sleep(0.15)  # noqa: ASYNC251 - the stall under test
        await woke.wait()
    finally:
        await probe.stop()
    assert lags[-1] >= 0.13
    assert probe.max_lag == max(lags)
    assert probe.samples == len(lags)
