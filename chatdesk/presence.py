"""Presence: operators coming and going, and what their coming and going sets moving."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from .deskconfig import DeskConfig
from .errors import InvalidPayload
from .events import Event, PresenceChanged
from .inbox import Inbox
from .models import Operator, PresenceStatus, utcnow
from .routing import RoutingService
from .store import Store

__all__ = ["PRESENCE", "PresenceService"]

log = logging.getLogger(__name__)

#: The statuses an operator may choose (offline is when their consoles are closed).
PRESENCE = (PresenceStatus.ONLINE, PresenceStatus.AWAY)


class PresenceService:
    """Track who is at their console; requeue the conversations of operators who left,
    and bring waiting visitors into the queue once someone can answer them.

    :param routing: offers queued conversations and tells when the desk's status changed.
    """

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        inbox: Inbox,
        routing: RoutingService,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.inbox = inbox
        self.routing = routing
        self.clock = clock
        #: How many offers this process withdrew because nobody accepted them in time.
        self.expired_offers = 0

    async def status_of(self, operator_id: str) -> PresenceStatus:
        """Return an operator's presence status (offline if never seen)."""
        presence = (await self.store.presence.presence()).get(operator_id)
        return presence.status if presence else PresenceStatus.OFFLINE

    async def overview(self) -> list[tuple[Operator, PresenceStatus, int, int]]:
        """Return every enabled operator with their status, live load and capacity (for
        transfers)."""
        presence = await self.store.presence.presence()
        load = await self.store.queries.live_load()
        return [
            (
                o,
                presence[o.id].status if o.id in presence else PresenceStatus.OFFLINE,
                load.get(o.id, 0),
                o.capacity or self.config.routing.default_capacity,
            )
            for o in await self.store.operators.list_operators()
            if not o.disabled
        ]

    async def operator_connected(self, operator: Operator) -> list[Event]:
        """A console connection opened."""
        presence = await self.store.presence.operator_connected(operator.id)
        events: list[Event] = [PresenceChanged(operator.id, operator.name, presence.status)]
        events += await self.inbox.counts()
        if presence.status is PresenceStatus.ONLINE:
            events += await self.promote_waiting(operator.departments)
        return events + await self.routing.serve_queue() + await self.routing.desk_changed()

    async def operator_disconnected(self, operator: Operator) -> list[Event]:
        """A console connection closed; the operator goes offline after the grace period."""
        await self.store.presence.operator_disconnected(operator.id, self.clock())
        return []

    async def set_status(self, operator: Operator, status: PresenceStatus) -> list[Event]:
        """Set an operator online or away (away: no new conversations are offered)."""
        if status not in PRESENCE:
            raise InvalidPayload(f"status must be one of: {', '.join(PRESENCE)}")
        status = PresenceStatus(status)
        await self.store.presence.set_presence(operator.id, status)
        events: list[Event] = [PresenceChanged(operator.id, operator.name, status)]
        if status is PresenceStatus.ONLINE:
            events += await self.promote_waiting(operator.departments)
        return events + await self.routing.serve_queue() + await self.routing.desk_changed()

    async def promote_waiting(self, departments: Iterable[str] | None = None) -> list[Event]:
        """Move waiting conversations (of ``departments``) into the queue when the desk is
        open and someone of their department is online: their visitors then see their
        place in the queue instead of "we'll reply by …" and the contact form."""
        now = self.clock()
        wanted = None if departments is None else set(departments)
        hours = [self.config.hours, *self.config.department_hours.values()]
        if not any(h.is_open(now) for h in hours):
            return []  # nothing to look at while every department is closed
        events: list[Event] = []
        for waiting in await self.store.routing.waiting_conversations():
            if wanted is not None and waiting.department not in wanted:
                continue
            if not self.config.hours_of(waiting.department).is_open(now):
                continue
            if not await self.routing.online_operators(waiting.department):
                continue
            if await self.store.routing.requeue_conversation(waiting.id, now=now):
                events += await self.inbox.post_system(waiting, "queued")
                events += await self.inbox.changed([waiting.id], departments=[waiting.department])
        return events

    async def tick(self) -> list[Event]:
        """Periodic upkeep: operators past their grace period go offline and their live
        conversations are requeued; ignored offers go to someone else; waiting visitors
        join the queue when someone can answer them (the desk just opened)."""
        now = self.clock()
        events: list[Event] = []
        for operator_id in await self.store.presence.expire_presence(
            now - self.config.routing.offline_grace
        ):
            operator = await self.store.operators.get_operator(operator_id)
            if operator is None:
                continue
            events.append(PresenceChanged(operator.id, operator.name, PresenceStatus.OFFLINE))
            for conversation in await self.store.routing.operator_conversations(operator.id):
                if await self.store.routing.requeue_conversation(
                    conversation.id, now=now, holder=operator.id
                ):
                    events += await self.inbox.post_system(
                        conversation, "operator_left", operator=operator.name
                    )
                    events += await self.inbox.changed(
                        [conversation.id], departments=[conversation.department]
                    )
        expired = await self.store.routing.expire_offers(now - self.config.routing.accept_timeout)
        self.expired_offers += len(expired)
        for conversation_id, operator_id in expired:
            log.info(
                "offer of %s to %s expired",
                conversation_id,
                operator_id,
                extra={"conversation_id": conversation_id, "operator_id": operator_id},
            )
        events += await self.promote_waiting()
        return events + await self.routing.serve_queue() + await self.routing.desk_changed()
