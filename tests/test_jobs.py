"""Periodic jobs run once per turn across processes, and move when their process dies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from chatdesk import Settings, create_app
from chatdesk.events import Event
from chatdesk.jobs import LEASE_TURNS, Job, JobRunner
from chatdesk.services import JOB_SECONDS
from chatdesk.store import SqliteStore
from chatdesk.web.appkeys import SERVICES


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_two_app_instances_on_one_store_run_each_job_once_per_turn(
    aiohttp_server: Any, settings: Settings
) -> None:
    clock = Clock()
    apps = [create_app(settings, clock=clock, tick=None) for _ in range(2)]
    for app in apps:
        await aiohttp_server(app)  # opens each app's own store on the same file
    a, b = (app[SERVICES].jobs for app in apps)
    turns = 10
    for turn in range(turns):
        clock.now += timedelta(seconds=JOB_SECONDS)
        # Both processes look at every turn, in either order.
        for runner in (a, b) if turn % 2 else (b, a):
            await runner.run_due()
    assert a.runs["routing"] + b.runs["routing"] == turns
    assert 0 in (a.runs["routing"], b.runs["routing"])  # one holder kept the lease

    # The holder dies (stops looking); the other takes the job over once the lease expired.
    holder, other = (a, b) if a.runs["routing"] else (b, a)
    before = other.runs["routing"]
    for _ in range(LEASE_TURNS + 2):
        clock.now += timedelta(seconds=JOB_SECONDS)
        await other.run_due()
    assert other.runs["routing"] - before >= 2
    assert holder.runs["routing"] == turns


async def test_released_lease_is_taken_at_once_and_failures_do_not_stop_a_job(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "jobs.sqlite3")
    await store.open()
    clock = Clock()
    calls: list[str] = []

    async def flaky() -> list[Event]:
        calls.append("flaky")
        if len(calls) == 1:
            raise RuntimeError("transient")
        return []

    jobs = [Job("flaky", timedelta(seconds=10), flaky)]
    first = JobRunner(store.leases, jobs, holder="first", clock=clock)
    second = JobRunner(store.leases, jobs, holder="second", clock=clock)
    try:
        await first.run_due()  # raises inside, logged; the job is not counted
        assert calls == ["flaky"] and first.runs["flaky"] == 0
        clock.now += timedelta(seconds=10)
        await second.run_due()
        assert second.runs["flaky"] == 0  # the first still holds the lease
        await first.run_due()
        assert first.runs["flaky"] == 1
        await first.stop()  # shutting down: the lease goes at once
        clock.now += timedelta(seconds=10)
        await second.run_due()
        assert second.runs["flaky"] == 1
    finally:
        await store.close()
