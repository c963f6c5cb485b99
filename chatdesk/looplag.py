"""How late the event loop runs: the longest stall (GC pause, blocking call) of a process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .looptask import LoopTask

__all__ = ["LoopLagProbe"]


class LoopLagProbe:
    """Wake up every ``interval`` seconds and record how late each wake-up was.

    A late wake-up is a stall: nothing else could run on the loop meanwhile (a full
    garbage collection, a blocking call, a long burst of work). ``/metrics`` shows the
    histogram and the longest stall since start (bench/README.md uses it).

    :param interval: seconds between two wake-ups; a stall shorter than this can go unseen.
    :param observe: called with each wake-up's lateness in seconds.
    """

    def __init__(
        self, interval: float = 0.02, observe: Callable[[float], None] | None = None
    ) -> None:
        self.interval = interval
        self.max_lag = 0.0
        self.samples = 0
        self._observe = observe
        self._task = LoopTask()

    def start(self) -> None:
        """Start probing on the running loop."""
        self._task.start(self._run)

    async def stop(self) -> None:
        """Stop probing."""
        await self._task.stop()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            self.record(max(0.0, loop.time() - due))

    def record(self, lag: float) -> None:
        """Record one wake-up that came ``lag`` seconds late."""
        self.samples += 1
        self.max_lag = max(self.max_lag, lag)
        if self._observe is not None:
            self._observe(lag)
