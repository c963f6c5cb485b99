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


async def test_the_shutdown_ends_though_a_job_keeps_running_when_cancelled(
    aiohttp_server: Any, settings: Settings, monkeypatch: Any
) -> None:
    # Python 3.11's asyncio.wait_for (the SMTP client's) can swallow a cancellation that
    # comes as its own wait ends: the job then goes on, and a shutdown that waited for it
    # hung (a test's teardown once waited 632 s until interrupted).
    import asyncio

    from chatdesk import app as app_module

    monkeypatch.setattr(app_module, "_LOOPS_STOP", 0.5)
    app = create_app(settings, tick=0.05)
    server = await aiohttp_server(app)
    entered, released, left = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def stubborn() -> list[Event]:
        entered.set()
        while not released.is_set():
            try:
                await released.wait()
            except asyncio.CancelledError:
                continue  # lost, as wait_for may lose it
        left.set()
        return []

    runner: JobRunner = app[SERVICES].jobs
    runner.jobs = (*runner.jobs, Job("stubborn", timedelta(seconds=1), stubborn))
    await asyncio.wait_for(entered.wait(), 10)
    # The server closes (the jobs told to stop, waited for a while only), not forever.
    closing = asyncio.ensure_future(server.close())
    done, _ = await asyncio.wait({closing}, timeout=30)
    released.set()  # the job may end now (no task left pending past the test)
    if closing not in done:  # let the teardown end all the same, then fail
        await left.wait()
        for task in asyncio.all_tasks():
            if task.get_name().startswith("periodic-jobs"):
                task.cancel()
        await closing
    assert closing in done, "the shutdown waits forever for a job that goes on"
