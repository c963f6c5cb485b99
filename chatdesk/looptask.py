"""One background task on the running event loop, started once and cancelled at stop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

__all__ = ["LoopTask"]


class LoopTask:
    """Hold the task of a periodic loop (a probe, a tuner, a checkpointer)."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    def start(self, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``run()`` on the running loop, unless it runs already."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(run())

    async def stop(self) -> None:
        """Cancel the task and wait for it to end."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
