"""python-socketio's client manager, knowing each connection's rooms without a scan."""

from __future__ import annotations

from typing import Any

import socketio

__all__ = ["IndexedRoomsManager"]


class IndexedRoomsManager(socketio.AsyncManager):  # type: ignore[misc]
    """``AsyncManager`` that keeps, beside its rooms, the rooms of each connection.

    python-socketio finds the rooms a connection leaves when it goes by walking every room
    of the namespace (and a copy of them): each visitor has rooms of their own (their
    connection's, their conversation's), so with 10,000 visitors connected a disconnection
    cost ~10 ms of the loop, and 10,000 of them at once (a network blip, a load balancer's
    restart) 105 s (bench/README.md, "Seventh pass"). Here the rooms a connection entered
    are kept in a tuple per connection, updated where python-socketio enters and leaves
    rooms (``basic_enter_room``, ``basic_leave_room``, which every other path goes
    through, the Redis manager's included), so leaving them all costs what they are.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: namespace -> sid -> the rooms that connection entered besides the two every
        #: connection is in (the namespace's, None, and its own, named by its sid): a
        #: tuple, the smallest container (it is rebuilt when the connection enters or
        #: leaves a room, which is rare; 10,000 visitors are held in 40 kB each).
        self.rooms_of: dict[str, dict[str, tuple[Any, ...]]] = {}

    def basic_enter_room(
        self, sid: str, namespace: str, room: Any, eio_sid: str | None = None
    ) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # raises first
        if room is None or room == sid:
            return
        connections = self.rooms_of.setdefault(namespace, {})
        rooms = connections.get(sid, ())
        if room not in rooms:
            connections[sid] = (*rooms, room)

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)
        connections = self.rooms_of.get(namespace, {})
        rooms = connections.get(sid)
        if rooms is None or room not in rooms:
            return
        left = tuple(r for r in rooms if r != room)
        if left:
            connections[sid] = left
            return
        del connections[sid]
        if not connections:
            del self.rooms_of[namespace]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """Leave the connection's rooms, then forget its callbacks and pending states, as
        python-socketio's own does after its scan."""
        if namespace not in self.rooms:
            return
        for room in (*self.rooms_of.get(namespace, {}).get(sid, ()), sid, None):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            sids = pending.get(namespace)
            if sids is not None and sid in sids:
                sids.remove(sid)
                if not sids:
                    del pending[namespace]

    def get_rooms(self, sid: str, namespace: str) -> list[Any]:
        """The rooms the connection is in, but the namespace's own (as python-socketio)."""
        rooms = self.rooms.get(namespace, {})
        candidates = (sid, *self.rooms_of.get(namespace, {}).get(sid, ()))
        return [room for room in candidates if sid in rooms.get(room, ())]
