"""DirectSendManager: python-socketio's emits, each recipient served in turn, no task each."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import socketio
from aiohttp import web

from chatdesk.realtime.sends import DirectSendManager

Connect = Callable[[str], Awaitable["Tab"]]


class Tab:
    """A real Socket.IO client that keeps what it hears."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard: asyncio.Queue[tuple[str, tuple[Any, ...]]] = asyncio.Queue()

        @self.client.on("*")  # type: ignore[untyped-decorator]
        async def any_event(event: str, *args: Any) -> str:
            await self.heard.put((event, args))
            return f"{self.name} got it"

    async def next(self) -> tuple[str, tuple[Any, ...]]:
        return await asyncio.wait_for(self.heard.get(), 5)


@pytest.fixture
async def sio() -> socketio.AsyncServer:
    return socketio.AsyncServer(async_mode="aiohttp", client_manager=DirectSendManager())


@pytest.fixture
async def connect(aiohttp_server: Any, sio: socketio.AsyncServer) -> AsyncIterator[Connect]:
    sids: dict[str, str] = {}

    @sio.event  # type: ignore[untyped-decorator]
    async def connect(sid: str, environ: dict[str, Any], auth: dict[str, str]) -> None:
        sids[auth["name"]] = sid
        await sio.enter_room(sid, "room")

    app = web.Application()
    sio.attach(app)
    server = await aiohttp_server(app)
    tabs: list[Tab] = []

    async def make(name: str) -> Tab:
        tab = Tab(name)
        await tab.client.connect(
            str(server.make_url("/")), auth={"name": name}, transports=["websocket"]
        )
        tab.sid = sids[name]  # type: ignore[attr-defined]
        tabs.append(tab)
        return tab

    yield make
    for tab in tabs:
        await tab.client.disconnect()


async def test_a_room_hears_an_event_once_each_but_the_skipped(
    sio: socketio.AsyncServer, connect: Connect
) -> None:
    one, two, three = [await connect(name) for name in ("one", "two", "three")]
    await sio.emit("said", {"text": "hi"}, room="room", skip_sid=two.sid)  # type: ignore[attr-defined]
    assert await one.next() == ("said", ({"text": "hi"},))
    assert await three.next() == ("said", ({"text": "hi"},))
    # A tuple is several arguments and None none, as python-socketio has it; a list of
    # sids to skip works too. What two hears first is the next event: it missed the first.
    await sio.emit("pair", ("a", 2), room="room", skip_sid=[one.sid, three.sid])  # type: ignore[attr-defined]
    assert await two.next() == ("pair", ("a", 2))
    await sio.emit("ping", None, to=two.sid)  # type: ignore[attr-defined]
    assert await two.next() == ("ping", ())
    assert one.heard.empty() and three.heard.empty()


async def test_a_failing_send_does_not_stop_the_others(
    sio: socketio.AsyncServer, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = await connect("one"), await connect("two")
    broken = sio.manager.eio_sid_from_sid(one.sid, "/")  # type: ignore[attr-defined]
    send = sio._send_eio_packet

    async def flaky(eio_sid: str, pkt: Any) -> None:
        if eio_sid == broken:
            raise ConnectionResetError("gone")
        await send(eio_sid, pkt)

    monkeypatch.setattr(sio, "_send_eio_packet", flaky)
    await sio.emit("said", "hi", room="room")
    assert await two.next() == ("said", ("hi",))
    assert one.heard.empty()


async def test_an_event_with_a_callback_goes_python_socketios_way(
    sio: socketio.AsyncServer, connect: Connect
) -> None:
    one = await connect("one")
    answered: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()
    await sio.emit(
        "ask",
        "well?",
        to=one.sid,  # type: ignore[attr-defined]
        callback=lambda *args: answered.set_result(args),
    )
    assert await one.next() == ("ask", ("well?",))
    assert await asyncio.wait_for(answered, 5) == ("one got it",)
