"""Prometheus metrics of one desk process, in a registry of its own."""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from .models import Author, Status
from .store import Store

if TYPE_CHECKING:
    from .gctune import GcStats

__all__ = ["CONTENT_TYPE", "Metrics"]

#: The text exposition format's content type.
CONTENT_TYPE = CONTENT_TYPE_LATEST
#: Acks and store operations: from 100 µs to 10 s.
_LATENCY_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    10.0,
)


class Metrics:
    """What ``/metrics`` shows, every series labelled with this process's name.

    Hot-path counters are kept cheap: labelled children are looked up once and cached.
    Counts that services keep themselves (job runs, bot decisions, expired offers) and
    the desk's totals (queue, tickets) are read when scraped. Usage::

        metrics = Metrics("web-1")
        store = metrics.timed_store(store)
        metrics.count_message(message.author)
        body = metrics.render()

    :param process: this process's name (``CHATDESK_PROCESS_NAME``).
    """

    def __init__(self, process: str) -> None:
        self.process = process
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.visitors = Gauge(
            "chatdesk_connected_visitors",
            "Visitor connections open on this process.",
            ["process"],
            registry=registry,
        )
        self.operators = Gauge(
            "chatdesk_connected_operators",
            "Operator console connections open on this process.",
            ["process"],
            registry=registry,
        )
        self._messages = Counter(
            "chatdesk_messages",
            "Chat messages stored through this process: in from visitors, out to them.",
            ["process", "direction", "author"],
            registry=registry,
        )
        self._acks = Histogram(
            "chatdesk_ack_seconds",
            "Time from a client's event to its ack.",
            ["process", "namespace", "event"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self._store = Histogram(
            "chatdesk_store_operation_seconds",
            "Time each store operation took.",
            ["process", "operation"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self._queue = Gauge(
            "chatdesk_queue_length",
            "Conversations queued or waiting for a person (the whole desk).",
            ["process"],
            registry=registry,
        )
        self._tickets = Gauge(
            "chatdesk_tickets",
            "Tickets by status (the whole desk).",
            ["process", "status"],
            registry=registry,
        )
        self._loop_lag = Histogram(
            "chatdesk_event_loop_lag_seconds",
            "How late the event loop's periodic probe woke up: a stall (GC pause, blocking "
            "call) delays every client of the process by as much.",
            ["process"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        ).labels(process)
        self._loop_lag_max = Gauge(
            "chatdesk_event_loop_lag_max_seconds",
            "The longest event-loop stall seen since this process started.",
            ["process"],
            registry=registry,
        )
        self._gc_live = Gauge(
            "chatdesk_gc_live_objects",
            "Objects left frozen out of Python's garbage collections by the last thaw "
            "(chatdesk/gctune.py).",
            ["process"],
            registry=registry,
        )
        self._gc_pause = Gauge(
            "chatdesk_gc_last_thaw_seconds",
            "How long the last collection of the whole frozen heap stalled the process.",
            ["process"],
            registry=registry,
        )
        self._tallies = _Tallies(process)
        registry.register(self._tallies)
        self._message_children = {
            author: self._messages.labels(
                process, "in" if author is Author.VISITOR else "out", author.value
            )
            for author in Author
        }
        self._ack_children: dict[tuple[str, str], Any] = {}

    def count_message(self, author: Author) -> None:
        """Count a stored chat message."""
        self._message_children[author].inc()

    def observe_ack(self, namespace: str, event: str, seconds: float) -> None:
        """Record how long an event took to be acked."""
        child = self._ack_children.get((namespace, event))
        if child is None:
            child = self._ack_children[(namespace, event)] = self._acks.labels(
                self.process, namespace, event
            )
        child.observe(seconds)

    def watch_connections(
        self, visitors: Callable[[], float], operators: Callable[[], float]
    ) -> None:
        """Read the numbers of open connections from these functions when scraped."""
        self.visitors.labels(self.process).set_function(visitors)
        self.operators.labels(self.process).set_function(operators)

    def observe_loop_lag(self, seconds: float) -> None:
        """Record how late the event loop's probe woke up."""
        self._loop_lag.observe(seconds)

    def watch_loop_lag(self, longest: Callable[[], float]) -> None:
        """Read the longest event-loop stall so far from ``longest`` when scraped."""
        self._loop_lag_max.labels(self.process).set_function(longest)

    def watch_gc(self, stats: GcStats, live: Callable[[], int]) -> None:
        """Expose the garbage-collection tuner's ``stats`` and the live heap it counted."""
        self._gc_live.labels(self.process).set_function(live)
        self._gc_pause.labels(self.process).set_function(lambda: stats.last_thaw_seconds)
        self.watch_counts(
            "chatdesk_gc_thaws",
            "Collections of the whole frozen heap.",
            "",
            lambda: {"": stats.thaws},
        )
        self.watch_counts(
            "chatdesk_gc_early_freezes",
            "Young generations frozen before a collection walked them (a burst).",
            "",
            lambda: {"": stats.early_freezes},
        )

    def watch_counts(
        self, name: str, help_text: str, label: str, read: Callable[[], Mapping[str, int]]
    ) -> None:
        """Expose what ``read`` returns (counts a service keeps) as the counter ``name``,
        one series per key, labelled ``label``; an empty ``label``: one series, the sum."""
        self._tallies.add(name, help_text, label, read)

    def set_desk_totals(self, queue: int, tickets: Mapping[Status, int]) -> None:
        """Record the desk's totals, read from the store just before a scrape."""
        self._queue.labels(self.process).set(queue)
        for status, count in tickets.items():
            self._tickets.labels(self.process, status.value).set(count)

    def timed_store(self, store: Store) -> Store:
        """Return ``store`` with each operation's latency recorded (same behaviour)."""
        return cast(Store, _TimedStore(store, self._store, self.process))

    def render(self) -> bytes:
        """Return every metric in Prometheus' text format."""
        return generate_latest(self.registry)


class _Tallies(Collector):
    """Counters kept by services as plain ``Counter``/mapping objects, read when scraped."""

    def __init__(self, process: str) -> None:
        self.process = process
        self._sources: list[tuple[str, str, str, Callable[[], Mapping[str, int]]]] = []

    def add(
        self, name: str, help_text: str, label: str, read: Callable[[], Mapping[str, int]]
    ) -> None:
        self._sources.append((name, help_text, label, read))

    def collect(self) -> Iterator[Metric]:
        for name, help_text, label, read in self._sources:
            counts = dict(read())
            if not label:
                family = CounterMetricFamily(name, help_text, labels=["process"])
                family.add_metric([self.process], sum(counts.values()))
            else:
                family = CounterMetricFamily(name, help_text, labels=["process", label])
                for key, value in sorted(counts.items()):
                    family.add_metric([self.process, key], value)
            yield family


class _TimedPart:
    """One aggregate store whose coroutine methods record their latency."""

    def __init__(self, part: object, aggregate: str, histogram: Histogram, process: str) -> None:
        self._part = part
        self._aggregate = aggregate
        self._histogram = histogram
        self._process = process

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._part, name)
        if not inspect.iscoroutinefunction(value):
            return value
        timed = _timed(value, self._histogram.labels(self._process, f"{self._aggregate}.{name}"))
        # Cached on the instance: __getattr__ runs once per method, not per call.
        setattr(self, name, timed)
        return timed


def _timed(method: Callable[..., Awaitable[Any]], child: Any) -> Callable[..., Awaitable[Any]]:
    perf = time.perf_counter

    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = perf()
        try:
            return await method(*args, **kwargs)
        finally:
            child.observe(perf() - started)

    return timed


#: The aggregate stores of :class:`Store` (its properties).
_AGGREGATES = tuple(
    name for name, member in inspect.getmembers(Store) if isinstance(member, property)
)


class _TimedStore:
    """A :class:`Store` whose aggregates are :class:`_TimedPart`."""

    def __init__(self, store: Store, histogram: Histogram, process: str) -> None:
        self._inner = store
        self.name = store.name
        for aggregate in _AGGREGATES:
            part = _TimedPart(getattr(store, aggregate), aggregate, histogram, process)
            setattr(self, aggregate, part)

    async def open(self) -> None:
        await self._inner.open()

    async def close(self) -> None:
        await self._inner.close()

    async def ping(self) -> None:
        await self._inner.ping()
