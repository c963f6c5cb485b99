"""Periodic jobs that run once per turn across every process of the desk (store leases)."""

from __future__ import annotations

import logging
import os
import socket
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .events import Event
from .models import new_id, utcnow
from .store import LeaseStore

__all__ = ["Job", "JobRunner", "process_name"]

log = logging.getLogger(__name__)

#: A job's lease outlives its holder by this many turns: when the process running it
#: dies, another takes over after at most this many turns.
LEASE_TURNS = 3


def process_name() -> str:
    """Return a name for this process, unique in the cluster (host, pid, random)."""
    return f"{socket.gethostname()}:{os.getpid()}:{new_id()[:8]}"


@dataclass(frozen=True, slots=True)
class Job:
    """A periodic job: its name, how often it runs, and what it does."""

    name: str
    every: timedelta
    run: Callable[[], Awaitable[list[Event]]]


class JobRunner:
    """Run jobs whose turn has come, each only in the process holding its lease.

    Every process of the desk runs a JobRunner; a job's lease (in the store) names the
    one that runs it, renewed at every turn, and taken over by another process once it
    has not been renewed for :data:`LEASE_TURNS` turns. So each job runs once per turn
    across the cluster, and survives the death of the process that ran it.

    :param leases: where leases live (shared by every process).
    :param jobs: the jobs.
    :param holder: this process's name (:func:`process_name`).
    :param clock: the current time (tests move it).
    """

    def __init__(
        self,
        leases: LeaseStore,
        jobs: Sequence[Job],
        *,
        holder: str | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.leases = leases
        self.jobs = tuple(jobs)
        self.holder = holder or process_name()
        self.clock = clock
        #: How many times each job ran in this process.
        self.runs: Counter[str] = Counter()
        self._next: dict[str, datetime] = {}
        self._held: set[str] = set()

    async def run_due(self) -> list[Event]:
        """Run every job whose turn has come and whose lease this process holds; return
        their events. A failing job is logged and tried again at its next turn."""
        events: list[Event] = []
        for job in self.jobs:
            now = self.clock()
            if now < self._next.get(job.name, now):
                continue
            self._next[job.name] = now + job.every
            lease = f"job:{job.name}"
            if not await self.leases.acquire_lease(
                lease, self.holder, ttl=job.every * LEASE_TURNS, now=now
            ):
                self._held.discard(job.name)
                continue
            if job.name not in self._held:
                self._held.add(job.name)
                log.info("job %s runs in this process now", job.name, extra={"job": job.name})
            try:
                events += await job.run()
            except Exception:  # a job must run again at its next turn
                log.exception("job %s failed", job.name)
            else:
                self.runs[job.name] += 1
        return events

    async def stop(self) -> None:
        """Give up this process's leases, so another process takes the jobs at once."""
        for job in self.jobs:
            await self.leases.release_lease(f"job:{job.name}", self.holder)
