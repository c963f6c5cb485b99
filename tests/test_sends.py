"""DirectSendManager: python-socketio's emits, each recipient served in turn, no task each."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import socketio
from aiohttp import web

from chatdesk.realtime import sends
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


def room_pairs(manager: DirectSendManager, namespace: str = "/") -> set[tuple[Any, str]]:
    """Every (room, sid) pair python-socketio's own rooms hold."""
    return {(room, sid) for room, sids in manager.rooms.get(namespace, {}).items() for sid in sids}


def indexed_pairs(manager: DirectSendManager, namespace: str = "/") -> set[tuple[Any, str]]:
    """Every (room, sid) pair the per-connection index holds, with the two rooms each
    connected sid is in without being indexed: the namespace's (None) and its own."""
    connected = manager.rooms.get(namespace, {}).get(None, {})
    implied = {(room, sid) for sid in connected for room in (None, sid)}
    return implied | {
        (room, sid) for sid, rooms in manager.rooms_of.get(namespace, {}).items() for room in rooms
    }


class WatchedRooms(dict[Any, Any]):
    """A namespace's rooms that count the walks over all of them."""

    walks = 0

    def copy(self) -> dict[Any, Any]:
        WatchedRooms.walks += 1
        return dict(self)

    def items(self) -> Any:
        WatchedRooms.walks += 1
        return super().items()


async def test_a_connection_leaves_its_rooms_without_walking_everyones(
    sio: socketio.AsyncServer, connect: Connect
) -> None:
    gone: asyncio.Queue[str] = asyncio.Queue()

    @sio.event  # type: ignore[untyped-decorator]
    async def disconnect(sid: str, reason: str) -> None:
        await gone.put(sid)

    one, two = await connect("one"), await connect("two")
    manager: DirectSendManager = sio.manager  # type: ignore[assignment]
    await sio.enter_room(one.sid, "only one")  # type: ignore[attr-defined]
    for n in range(300):  # everyone else's rooms, which one's leaving must not walk
        await sio.enter_room(two.sid, f"other {n}")  # type: ignore[attr-defined]
    assert sorted(sio.rooms(one.sid)) == sorted([one.sid, "room", "only one"])  # type: ignore[attr-defined]
    manager.rooms["/"] = WatchedRooms(manager.rooms["/"])
    WatchedRooms.walks = 0

    await one.client.disconnect()
    assert await asyncio.wait_for(gone.get(), 5) == one.sid  # type: ignore[attr-defined]

    assert WatchedRooms.walks == 0
    assert all(sid != one.sid for _, sid in room_pairs(manager))  # type: ignore[attr-defined]
    assert "only one" not in manager.rooms["/"]  # its last member left: the room is gone
    assert room_pairs(manager) == indexed_pairs(manager)
    assert not manager.pending_disconnect and not manager.pending_connect
    assert one.sid not in manager.rooms_of.get("/", {})  # type: ignore[attr-defined]
    await sio.emit("said", "still here", room="room")
    assert await two.next() == ("said", ("still here",))


async def test_the_index_follows_rooms_entered_left_and_closed(
    sio: socketio.AsyncServer, connect: Connect
) -> None:
    one, two = await connect("one"), await connect("two")
    manager: DirectSendManager = sio.manager  # type: ignore[assignment]
    for tab in (one, two):
        await sio.enter_room(tab.sid, "shared")  # type: ignore[attr-defined]
    await sio.enter_room(one.sid, "mine")  # type: ignore[attr-defined]
    assert room_pairs(manager) == indexed_pairs(manager)
    await sio.leave_room(one.sid, "shared")  # type: ignore[attr-defined]
    await sio.leave_room(one.sid, "never entered")  # type: ignore[attr-defined]
    assert room_pairs(manager) == indexed_pairs(manager)
    await sio.close_room("shared")
    assert room_pairs(manager) == indexed_pairs(manager)
    assert sorted(sio.rooms(one.sid)) == sorted([one.sid, "room", "mine"])  # type: ignore[attr-defined]
    assert sorted(sio.rooms(two.sid)) == sorted([two.sid, "room"])  # type: ignore[attr-defined]
    with pytest.raises(ValueError):  # python-socketio's rule, kept: a sid room is not entered
        await sio.enter_room(one.sid, two.sid)  # type: ignore[attr-defined]
    assert room_pairs(manager) == indexed_pairs(manager)


async def test_a_broadcast_lets_the_loop_run_and_keeps_the_rooms_order(
    sio: socketio.AsyncServer, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    tabs = [await connect(f"tab{n}") for n in range(5)]
    monkeypatch.setattr(sends, "BROADCAST_SLICE", 2)
    sent: list[str] = []
    send = sio._send_eio_packet

    async def noted(eio_sid: str, pkt: Any) -> None:
        sent.append("send")
        await send(eio_sid, pkt)

    monkeypatch.setattr(sio, "_send_eio_packet", noted)

    async def meanwhile() -> None:
        # Runs between the first broadcast's slices: two tabs leave, which moves the
        # others to the front of the room, and a second event goes to the room at once.
        sent.append("other work")
        for tab in tabs[:2]:
            await sio.leave_room(tab.sid, "room")  # type: ignore[attr-defined]
        await sio.emit("status", "two", room="room")

    first = asyncio.create_task(sio.emit("status", "one", room="room"))
    await asyncio.gather(first, asyncio.create_task(meanwhile()))
    assert sent.index("other work") == 2  # after the first slice of two recipients
    # The second emit waited for the broadcast in progress: "one" comes first everywhere.
    for tab in tabs:
        assert await tab.next() == ("status", ("one",))
    for tab in tabs[2:]:
        assert await tab.next() == ("status", ("two",))
    assert all(tab.heard.empty() for tab in tabs)
