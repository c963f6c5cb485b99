"""python-socketio's client manager, sending an event to its recipients without a task each."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from engineio import packet as eio_packet
from socketio import packet

from .roomindex import IndexedRoomsManager

__all__ = ["BROADCAST_SLICE", "DirectSendManager"]

log = logging.getLogger(__name__)

#: Recipients an emit serves before it lets the loop run: their writers then send what
#: it queued, and other visitors are served, before it goes on. Without it, a desk status
#: sent to 10,000 visitors held the loop ~0.5 s in one turn (bench/README.md, "Seventh
#: pass"); a slice is ~10 ms of sends here.
BROADCAST_SLICE = 200


class DirectSendManager(IndexedRoomsManager):
    """``AsyncManager`` whose :meth:`emit` hands the packet to each recipient in turn.

    python-socketio's own starts a task per recipient and waits for them all: for the
    usual event of one recipient (a visitor's message echoed to their room) that is a
    task, its first step in the next turn of the loop and an ``asyncio.wait``, ~40% of
    the cost of publishing a message (bench/README.md, "Sixth pass"). A send only puts
    the packet on the Engine.IO socket's unbounded queue (its writer task sends it), so
    doing them in turn delays no one. A send that fails (the connection just closed) is
    logged and the others still go out, as with the tasks. A broadcast lets the loop run
    after every :data:`BROADCAST_SLICE` recipients; each connection still gets a room's
    events in the order they were emitted (a later emit to the room waits for the
    broadcast in progress there).

    Events with an ack callback keep python-socketio's way (a packet per recipient). The
    rooms are :class:`~chatdesk.realtime.roomindex.IndexedRoomsManager`'s.
    :class:`~chatdesk.realtime.fanout.BoundedRedisManager` inherits this for the events
    it delivers in this process.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: (namespace, room) -> set once the broadcast in progress there is done.
        self._broadcasting: dict[tuple[str, Any], asyncio.Event] = {}

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: str | None = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: str | None = None,
        **kwargs: Any,
    ) -> None:
        if callback is not None:
            await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to
            )
            return
        room = to or room
        key = (namespace, tuple(room) if isinstance(room, list) else room)
        while (earlier := self._broadcasting.get(key)) is not None:
            await earlier.wait()  # the room's events go out in the order they were emitted
        if namespace not in self.rooms:
            return
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        recipients = [
            eio_sid for sid, eio_sid in self.get_participants(namespace, room) if sid not in skip
        ]
        if not recipients:
            return  # nothing to encode
        # python-socketio's rule: a tuple is several arguments.
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        encoded = self.server.packet_class(
            packet.EVENT, namespace=namespace, data=[event, *args]
        ).encode()
        packets = [
            eio_packet.Packet(eio_packet.MESSAGE, p)
            for p in (encoded if isinstance(encoded, list) else [encoded])
        ]
        if len(recipients) <= BROADCAST_SLICE:
            await self._send(event, packets, recipients)
            return
        done = self._broadcasting[key] = asyncio.Event()
        try:
            for start in range(0, len(recipients), BROADCAST_SLICE):
                if start:
                    await asyncio.sleep(0)  # one turn: the writers woken so far send
                await self._send(event, packets, recipients[start : start + BROADCAST_SLICE])
        finally:
            del self._broadcasting[key]
            done.set()

    async def _send(self, event: str, packets: list[Any], recipients: list[str]) -> None:
        for eio_sid in recipients:
            for pkt in packets:
                try:
                    await self.server._send_eio_packet(eio_sid, pkt)
                except Exception:  # one recipient's failure must not stop the others
                    log.warning("could not send %r to %s", event, eio_sid, exc_info=True)
