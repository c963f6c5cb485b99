"""Turn domain events into Socket.IO emits: the only place that decides who hears what."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import socketio

from ..events import ConversationEscalated, Event, MessagePosted, TypingChanged
from ..models import Author
from . import rooms

__all__ = ["Publisher"]

log = logging.getLogger(__name__)


class Publisher:
    """Emit domain events to the rooms that should hear them.

    With a Redis client manager the emits reach every process, so a service's events
    may be published from any process.
    """

    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def publish(self, events: Iterable[Event]) -> None:
        """Emit each event in order."""
        for event in events:
            if isinstance(event, MessagePosted):
                await self._message(event)
            elif isinstance(event, TypingChanged):
                await self._typing(event)
            elif isinstance(event, ConversationEscalated):
                await self._escalated(event)
            else:
                log.debug("event %s has no transport", event.name)

    async def _message(self, event: MessagePosted) -> None:
        message = event.message
        room = rooms.conversation(message.conversation_id)
        payload = message.to_payload()
        await self.sio.emit("message", payload, to=room, namespace=rooms.VISITOR_NS)
        await self.sio.emit("message", payload, to=room, namespace=rooms.OPERATOR_NS)

    async def _typing(self, event: TypingChanged) -> None:
        room = rooms.conversation(event.conversation_id)
        payload = {
            "conversation_id": event.conversation_id,
            "author": event.author.value,
            "on": event.on,
        }
        # Typing goes to the other side only: a visitor's to operators, the rest to visitors.
        namespace = rooms.OPERATOR_NS if event.author is Author.VISITOR else rooms.VISITOR_NS
        await self.sio.emit("typing", payload, to=room, namespace=namespace)

    async def _escalated(self, event: ConversationEscalated) -> None:
        payload = {
            "conversation_id": event.conversation_id,
            "reason": event.reason,
            "department": event.department,
            "priority": event.priority,
        }
        room = rooms.conversation(event.conversation_id)
        await self.sio.emit("escalated", payload, to=room, namespace=rooms.VISITOR_NS)
