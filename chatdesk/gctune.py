"""Keep Python's full garbage collections short in a process holding many connections.

A full collection walks every object the collector tracks: with 10,000 visitors connected,
~1.6 million (python-socketio's, python-engineio's and aiohttp's per connection), a second
during which no visitor is served (bench/README.md, "Hot path", "Second pass"). Most of them
live as long as their connection and are never garbage, so :class:`GcTuner` freezes what
survives, in steps: every second ``gc.freeze()``, after which
a full collection, CPython's own or anybody's, only walks what came since the last step.

The price: an object frozen and later part of unreachable cycles is not freed until the
frozen set is thawed and collected, a walk of everything (the long pause again). Closed
connections leave little such garbage (see :mod:`chatdesk.realtime.engine`), so a thaw is
rare: when the garbage estimated from the connections closed since the last thaw reaches
``garbage_share`` of the heap, or once a day. Each thaw counts what it found, which
calibrates the estimate for the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .looptask import LoopTask

__all__ = ["GcStats", "GcTuner", "break_transport_cycles"]

log = logging.getLogger(__name__)

#: Young-generation thresholds: a larger first one makes young collections rarer.
THRESHOLDS = (10_000, 50, 100)
#: A young collection about to walk more objects than this freezes them instead. Above
#: what the chat path keeps young at 1,000 messages a second (~43,000, collected as
#: usual), below what a broadcast to 10,000 visitors leaves (88,000-177,000).
YOUNG_LIMIT = 50_000


def break_transport_cycles() -> bool:
    """Let a closed socket connection be freed by reference counting on Python 3.11.

    asyncio's ``_SelectorSocketTransport`` keeps a bound method of itself
    (``_read_ready_cb``): every connection that ends leaves a cycle of ~8 objects (the
    transport, its dict, its socket and their extra-info tuples) that only a full
    collection of the frozen heap (a thaw, ~0.6 s with 10,000 visitors) frees; 10,000
    visitors leaving made the tuner thaw (bench/README.md, "Seventh pass"). CPython 3.12
    clears it (gh-100348); this clears it on 3.11, once the connection is lost. Return
    whether it did (False on 3.12 and later, or if asyncio is not as expected).
    """
    if sys.version_info >= (3, 12):
        return False
    from asyncio import selector_events

    transport = getattr(selector_events, "_SelectorSocketTransport", None)
    lost = getattr(transport, "_call_connection_lost", None)
    if transport is None or lost is None or not hasattr(transport, "_read_ready"):
        log.warning("asyncio's socket transport changed: closed connections wait for the GC")
        return False
    if getattr(lost, "breaks_cycle", False):
        return True  # already done in this process

    def call_connection_lost(self: Any, exc: BaseException | None) -> None:
        try:
            lost(self, exc)
        finally:
            self._read_ready_cb = None  # the bound method: the cycle

    call_connection_lost.breaks_cycle = True  # type: ignore[attr-defined]
    transport._call_connection_lost = call_connection_lost
    return True


@dataclass(slots=True)
class GcStats:
    """What the tuner did since start-up (shown on ``/metrics``)."""

    steps: int = 0
    #: Young generations frozen before a collection walked them (:data:`YOUNG_LIMIT`).
    early_freezes: int = 0
    thaws: int = 0
    #: How long the last thaw (a full collection of everything) took, in seconds.
    last_thaw_seconds: float = 0.0
    #: Unreachable objects the thaws found, all together.
    thawed_garbage: int = 0


class GcTuner:
    """Freeze survivors in steps; thaw and collect the frozen heap rarely.

    :param closed: a count of the connections closed since the process started (each
        leaves some cyclic garbage; the count paces thaws).
    :param interval: seconds between two steps. A step freezes without collecting first:
        the chat's message path leaves no cyclic garbage (11 unreachable objects after 60,000
        messages from 1,000 visitors, bench/README.md), and walking the young objects first
        would cost ~20 ms a second at 1,000 messages a second (python-engineio keeps ~40
        objects per connection alive from one message to the next).
    :param garbage_share: thaw once the estimated frozen garbage reaches this share of the
        heap the last thaw left (0.5: memory grows by half at most before it is given back).
    :param max_age: thaw at least this often (seconds) whatever the estimate says: garbage
        that no closed connection left behind is found too.
    """

    def __init__(
        self,
        *,
        closed: Callable[[], int],
        interval: float = 1.0,
        garbage_share: float = 0.5,
        max_age: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.closed = closed
        self.interval = interval
        self.garbage_share = garbage_share
        self.max_age = max_age
        self.clock = clock
        self.stats = GcStats()
        #: Garbage objects each closed connection leaves in the frozen heap (measured at
        #: each thaw; until then a guess above bench/README.md's census: 0 with
        #: :func:`break_transport_cycles`, 8 without, whom the first thaw corrects).
        self.garbage_per_close = 2.0
        #: Objects the frozen heap held after the last thaw (or start-up): the live heap.
        #: Counting it walks the heap (~0.1 µs an object), so it is counted only then.
        self.live = 0
        self._closed_at_thaw = 0
        self._thawed_at = 0.0
        self._task = LoopTask()

    def start_up(self) -> None:
        """Collect and freeze what start-up made (it lives as long as the process)."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(*THRESHOLDS)
        self.live = gc.get_freeze_count()
        self._closed_at_thaw = self.closed()
        self._thawed_at = self.clock()

    def _before_young(self, phase: str, info: dict[str, int]) -> None:
        # CPython 3.11 counts allocations minus deallocations of any tracked object, old
        # ones included: in a burst (a broadcast, visitors connecting) the young generation
        # grows far past its threshold before a collection walks it (88,000-177,000
        # objects, 40-105 ms). Freezing them first makes that collection walk nothing:
        # mostly objects alive in the burst, which the next step would freeze anyway (any
        # garbage among them waits for a thaw; none was found after 10,000 came and went).
        if phase == "start" and info["generation"] == 0 and len(gc.get_objects(0)) > YOUNG_LIMIT:
            gc.freeze()
            self.stats.early_freezes += 1

    def garbage_estimate(self) -> float:
        """Return how many unreachable objects the frozen heap probably holds."""
        return (self.closed() - self._closed_at_thaw) * self.garbage_per_close

    def due(self) -> bool:
        """Whether the frozen heap should be thawed and collected now."""
        garbage = self.garbage_estimate()
        if garbage >= self.garbage_share * max(self.live, 1):
            return True
        return self.clock() - self._thawed_at >= self.max_age

    def step(self) -> None:
        """Thaw if it is due, then freeze everything tracked now (no walk: O(1))."""
        if self.due():
            self.thaw()
        gc.freeze()
        self.stats.steps += 1

    def thaw(self) -> int:
        """Unfreeze and collect everything, measure it, freeze the survivors again."""
        closed = self.closed()
        started = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        took = time.perf_counter() - started
        gc.freeze()
        self.live = gc.get_freeze_count()
        since = closed - self._closed_at_thaw
        if since > 0:
            self.garbage_per_close = max(1.0, found / since)
        self._closed_at_thaw = closed
        self._thawed_at = self.clock()
        self.stats.thaws += 1
        self.stats.last_thaw_seconds = took
        self.stats.thawed_garbage += found
        log.info(
            "collected the frozen heap: %d unreachable objects in %.0f ms, %d live "
            "(%d connections closed since the last time)",
            found,
            took * 1000,
            self.live,
            since,
        )
        return found

    def start(self) -> None:
        """Step every ``interval`` seconds on the running loop; freeze a young generation
        grown past :data:`YOUNG_LIMIT` before a collection walks it."""
        if self._before_young not in gc.callbacks:
            gc.callbacks.append(self._before_young)
        self._task.start(self._run)

    async def stop(self) -> None:
        """Stop stepping."""
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._before_young)
        await self._task.stop()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.step()
            except Exception:  # never let tuning stop the process
                log.exception("garbage-collection step failed")
