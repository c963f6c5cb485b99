"""The flood limit per visitor: shared by their connections, across processes via Redis."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis

from chatdesk.flood import VisitorFlood


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0  # the start of a 10-second window

    def __call__(self) -> float:
        return self.now


async def test_a_visitor_gets_the_amount_per_window_and_the_window_slides() -> None:
    clock = Clock()
    flood = VisitorFlood(5, 10.0, clock=clock)
    try:
        assert [flood.allow("v") for _ in range(6)] == [True] * 5 + [False]
        assert flood.allow("someone else")
        clock.now += 10  # next window: the previous one still weighs in full
        assert not flood.allow("v")
        clock.now += 5  # half of it: 2.5 of 5 counted, room for 2 more
        assert [flood.allow("v") for _ in range(3)] == [True, True, False]
        clock.now += 20  # long quiet: a clean slate
        assert all(flood.allow("v") for _ in range(5))
    finally:
        await flood.close()


async def test_quiet_visitors_are_forgotten() -> None:
    clock = Clock()
    flood = VisitorFlood(5, 10.0, clock=clock)
    flood.allow("v")
    clock.now += 25
    await flood.flush()
    assert flood._counts == {}
    await flood.close()


async def test_processes_share_the_counts_through_redis(redis_url: str) -> None:
    clock = Clock()
    redis: Redis = Redis.from_url(redis_url)
    a = VisitorFlood(5, 10.0, redis=redis, clock=clock)
    b = VisitorFlood(5, 10.0, redis=redis, clock=clock)
    try:
        assert all(a.allow("v") for _ in range(3))  # three tabs on process A
        assert all(b.allow("v") for _ in range(2))  # two on process B
        await a.flush()
        await b.flush()  # B reads back A's three: five in all
        assert not b.allow("v")
        # A learns the total at its next flush: one batch of overshoot at most.
        assert a.allow("v")
        await a.flush()
        assert not a.allow("v")
        assert int(await redis.get(VisitorFlood._key("v", int(clock.now // 10)))) == 6
        assert b.allow("another visitor")
    finally:
        await a.close()
        await b.close()
        await redis.aclose()


class WatchedCounts(dict[str, Any]):
    """A flood's counts that count the walks over all of them."""

    walks = 0

    def items(self) -> Any:
        WatchedCounts.walks += 1
        return super().items()


async def test_a_flush_sends_who_was_counted_without_walking_everyone(redis_url: str) -> None:
    clock = Clock()
    redis: Redis = Redis.from_url(redis_url)
    flood = VisitorFlood(5, 10.0, redis=redis, clock=clock)
    other = VisitorFlood(5, 10.0, redis=redis, clock=clock)  # another process
    try:
        for n in range(100):
            flood.allow(f"quiet {n}")
        await flood.flush()  # the window's first flush forgets the stale ones: one walk
        flood._counts = WatchedCounts(flood._counts)
        WatchedCounts.walks = 0
        for _ in range(3):
            assert flood.allow("v")
        await flood.flush()
        await flood.flush()  # nothing counted since: nothing sent
        assert WatchedCounts.walks == 0
        assert all(other.allow("v") for _ in range(2))
        await other.flush()  # reads back this process's three: five in all
        assert not other.allow("v")
        clock.now += 25  # two windows later: the next flush forgets everyone, once
        await flood.flush()
        assert WatchedCounts.walks == 1 and dict(flood._counts) == {}
    finally:
        await flood.close()
        await other.close()
        await redis.aclose()


async def test_an_unreachable_redis_leaves_the_local_limit(caplog: Any) -> None:
    redis: Redis = Redis.from_url("redis://127.0.0.1:1/0")
    flood = VisitorFlood(2, 10.0, redis=redis, clock=Clock())
    try:
        assert flood.allow("v") and flood.allow("v")
        await flood.flush()
        assert "flood counts not shared" in caplog.text
        assert not flood.allow("v")
    finally:
        await flood.close()
        await redis.aclose()


async def test_tabs_of_one_visitor_share_one_allowance(start_server: Any, new_client: Any) -> None:
    # Each connection may send 3 at once; together, one connection's worth (tabs = 1).
    server = await start_server(visitor_rate=0.001, visitor_burst=3, visitor_tabs=1)
    first = new_client(server)
    await first.connect()
    second = new_client(server)
    await second.connect({"token": first.token})
    await first.say("one")
    await first.say("two")
    await second.say("three")
    refused = await second.call("message", {"client_id": "four", "text": "four"})
    assert refused["error"]["code"] == "rate_limited"  # its own bucket had two left


@pytest.mark.parametrize(
    ("event", "data"),
    [
        ("history", {"since": 0}),
        ("rate", {"score": 5}),
        ("feedback", {"message_id": "m", "useful": True}),
        ("escalate", {}),
        ("lang", {"lang": "fr"}),
        ("forget", {}),
    ],
)
async def test_every_visitor_event_is_throttled(
    start_server: Any, new_client: Any, event: str, data: dict[str, Any]
) -> None:
    # Not only messages: a flood of any acked event is refused once the burst is spent.
    server = await start_server(visitor_rate=0.001, visitor_burst=2)
    visitor = new_client(server)
    await visitor.connect()
    await visitor.call("history", {"since": 0})
    await visitor.call("history", {"since": 0})
    refused = await visitor.call(event, data)
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited", refused
