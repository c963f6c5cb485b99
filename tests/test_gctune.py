"""Garbage collection with many connections: frozen steps, rare thaws, quiet socket closes."""

from __future__ import annotations

import asyncio
import gc
import socket
import weakref
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from chatdesk import gctune
from chatdesk.app import SIO
from chatdesk.gctune import GcTuner, break_transport_cycles
from chatdesk.realtime.engine import QuietWebSocket


class Node:
    """An object that can be part of a reference cycle (and be weakly referenced)."""

    def __init__(self) -> None:
        self.other: Any = None


@pytest.fixture
def frozen_heap() -> Iterator[None]:
    """Leave the process's collector as it was: nothing frozen, collection enabled."""
    yield
    gc.unfreeze()
    gc.enable()
    gc.collect()


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


class Closed:
    """A count of closed connections that the test moves by hand."""

    def __init__(self) -> None:
        self.value = 0

    def __call__(self) -> int:
        return self.value


def test_a_step_freezes_what_lives(frozen_heap: None) -> None:
    tuner = GcTuner(closed=Closed())
    tuner.start_up()
    before = gc.get_freeze_count()
    kept = [Node() for _ in range(100)]
    tuner.step()
    assert gc.get_freeze_count() >= before + len(kept)
    assert tuner.stats.steps == 1 and tuner.stats.thaws == 0


def test_frozen_garbage_waits_for_a_thaw_then_is_collected(frozen_heap: None) -> None:
    closed = Closed()
    tuner = GcTuner(closed=closed, garbage_share=0.5)
    tuner.start_up()
    refs = [cycle() for _ in range(1000)]
    tuner.step()  # the cycles are frozen while still in use...
    gc.collect()  # ...so, unreachable now, no collection frees them
    assert all(r() is not None for r in refs)

    closed.value = 10  # a few connections closed: not worth a thaw
    tuner.step()
    assert tuner.stats.thaws == 0 and all(r() is not None for r in refs)

    closed.value = int(tuner.live * 0.5 / tuner.garbage_per_close) + 10
    tuner.step()
    assert tuner.stats.thaws == 1
    assert all(r() is None for r in refs)
    assert tuner.stats.thawed_garbage >= 2000
    # What a closed connection left is learned from what the thaw found.
    learned = max(1.0, tuner.stats.thawed_garbage / closed.value)
    assert tuner.garbage_per_close == pytest.approx(learned)
    assert tuner.garbage_estimate() == 0


def test_a_thaw_at_least_every_max_age(frozen_heap: None) -> None:
    now = [0.0]
    tuner = GcTuner(closed=Closed(), max_age=3600, clock=lambda: now[0])
    tuner.start_up()
    ref = cycle()
    tuner.step()
    now[0] = 3599
    tuner.step()
    assert ref() is not None
    now[0] = 3600
    tuner.step()
    assert ref() is None and tuner.stats.thaws == 1


class Watched(GcTuner):
    """The tuner, announcing its third step."""

    third = asyncio.Event()

    def step(self) -> None:
        super().step()
        if self.stats.steps == 3:
            self.third.set()


async def test_a_young_generation_grown_past_its_limit_is_frozen_not_walked(
    frozen_heap: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gctune, "YOUNG_LIMIT", 1_000)
    tuner = GcTuner(closed=Closed(), interval=3600)
    tuner.start_up()
    tuner.start()
    try:
        few = [Node() for _ in range(100)]
        gc.collect(0)  # a young collection of a few objects: collected as usual
        assert tuner.stats.early_freezes == 0
        before = gc.get_freeze_count()
        many = [Node() for _ in range(5_000)]  # a burst, still alive
        gc.collect(0)
        assert tuner.stats.early_freezes == 1
        assert gc.get_freeze_count() >= before + len(many)
        # Garbage among the young is still found by a young collection below the limit.
        ref = cycle()
        gc.collect(0)
        assert ref() is None and tuner.stats.early_freezes == 1
    finally:
        await tuner.stop()
    assert tuner._before_young not in gc.callbacks
    del few, many


async def test_the_tuner_steps_on_the_loop(frozen_heap: None) -> None:
    tuner = Watched(closed=Closed(), interval=0.001)
    tuner.third = asyncio.Event()
    tuner.start_up()
    tuner.start()
    async with asyncio.timeout(10):
        await tuner.third.wait()
    await tuner.stop()
    assert tuner.stats.steps >= 3


async def until(done: Any, timeout: float = 10) -> None:
    """Wait for ``done()`` (state the server changes as it serves), at most ``timeout``."""
    async with asyncio.timeout(timeout):
        # The server's close of a socket has no event a client can wait on.
        while not done():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def test_a_closed_visitor_socket_leaves_no_cyclic_garbage(
    server: Any, frozen_heap: None
) -> None:
    assert issubclass(server.app[SIO].eio._async["websocket"], QuietWebSocket)
    break_transport_cycles()  # as `chatdesk serve` does (on Python 3.11; 3.12 does it)
    url = str(server.make_url("/socket.io/?EIO=4&transport=websocket"))
    closed_before = QuietWebSocket.closed
    gc.collect()
    gc.disable()  # whatever a close leaves in cycles stays visible below
    async with aiohttp.ClientSession() as session:
        for _ in range(5):
            async with session.ws_connect(url) as ws:
                assert (await ws.receive_str()).startswith("0{")
                await ws.send_str("40/visitor,{}")
                while '"session"' not in (await ws.receive_str()):
                    pass
    await until(lambda: QuietWebSocket.closed >= closed_before + 5)
    await until(lambda: not server.app[SIO].eio.sockets)
    # Freed by reference counting as they closed: none is left for the collector.
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        left = [
            o
            for o in gc.garbage
            if isinstance(o, OSError | socket.socket)
            or getattr(getattr(o, "f_code", None), "co_name", "") == "_websocket_handler"
            or type(o).__name__ == "_SelectorSocketTransport"
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    # Freed by reference counting as they closed: nothing is left for the collector.
    assert left == []


async def test_a_connected_socket_holds_no_middleware_frame_of_ours(server: Any) -> None:
    """Each frame suspended under a WebSocket lives as long as the visit (bench/README.md,
    "Eighth pass"): chatdesk's middlewares pass the socket's request through, not await it,
    and its WebSocket driver replaces python-engineio's step instead of wrapping it."""
    url = str(server.make_url("/socket.io/?EIO=4&transport=websocket"))
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        assert (await ws.receive_str()).startswith("0{")
        await ws.send_str("40/visitor,{}")
        while '"session"' not in (await ws.receive_str()):
            pass
        chains = [_awaiting(task.get_coro()) for task in asyncio.all_tasks()]
        socket_chain = next(c for c in chains if "AsyncSocket._websocket_handler" in c)
    assert "Application._handle" in socket_chain  # aiohttp's own, as in any server
    ours = [name for name in socket_chain if name.startswith("chatdesk.")]
    # The driver's step, in place of python-engineio's own (not around it).
    assert ours == ["chatdesk.realtime.engine.QuietWebSocket.__call__"], ours
    assert "WebSocket.__call__" not in socket_chain


def _awaiting(coro: Any) -> list[str]:
    """Return the qualified names (module-prefixed for chatdesk's) of a coroutine chain."""
    names = []
    while coro is not None and hasattr(coro, "cr_code"):
        module = coro.cr_frame.f_globals.get("__name__", "") if coro.cr_frame else ""
        qualname = coro.cr_code.co_qualname
        names.append(f"{module}.{qualname}" if module.startswith("chatdesk") else qualname)
        coro = coro.cr_await
    return names
