"""Routing: the queue, claims, transfers, presence and auto-assign, from the operators' side."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from .audit import AuditTrail
from .conversation import clean_text
from .deskconfig import DeskConfig
from .errors import Conflict, Forbidden, InvalidPayload, NotFound
from .events import (
    ChatMentioned,
    DeskChanged,
    Event,
    MessagePosted,
    NotePosted,
    OperatorOffered,
    TypingChanged,
    VisitorBlocked,
)
from .helpdesk.mentions import named_colleagues
from .inbox import Inbox
from .models import (
    AuditAction,
    Author,
    Claim,
    Conversation,
    Message,
    MessageDraft,
    Mode,
    Note,
    Operator,
    PresenceStatus,
    format_ts,
    new_id,
    utcnow,
)
from .store import Store

__all__ = ["BLOCK_DAYS", "RoutingService"]

log = logging.getLogger(__name__)

#: For how many days an operator may block a chat visitor.
BLOCK_DAYS = (1, 7, 30)
_CLAIM_ERRORS = {
    Claim.TAKEN: ("another operator already took this conversation", "already_claimed"),
    Claim.FULL: ("you are at capacity; close a conversation first", "capacity_full"),
    Claim.GONE: ("this conversation is no longer waiting for a person", "not_waiting"),
}


class RoutingService:
    """Give escalated conversations to operators, and keep the queue moving.

    :param inbox: builds what screens show and posts system messages.
    :param desk_status: returns the visitor-facing desk status (for ``desk`` events).
    """

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        inbox: Inbox,
        *,
        clock: Callable[[], datetime] = utcnow,
        max_message_length: int = 4000,
        audit: AuditTrail | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.inbox = inbox
        self.clock = clock
        #: Where blocks and their lifting are recorded (None: nowhere, in some tests).
        self.audit = audit
        self.max_message_length = max_message_length
        #: Returns the visitor-facing desk status; set by the app (it lives in DeskService).
        self.desk_status: Callable[[], Awaitable[dict[str, Any]]] | None = None
        self._last_desk: dict[str, Any] | None = None

    # -- availability (the desk's status and escalation routing ask this) ---------

    async def available(self, department: str | None = None) -> bool:
        """Return whether an operator (of ``department``) is online, busy or not.

        A visitor escalating while every operator is busy joins the queue and is served
        as capacity frees; only when nobody is online do they get the offline form.
        """
        return bool(await self.online_operators(department))

    # -- taking and handling conversations ---------------------------------------

    async def claim(self, operator: Operator, conversation_id: str) -> list[Event]:
        """Take a queued or waiting conversation, atomically (one winner in a race)."""
        before = await self._conversation(conversation_id)
        outcome = await self.store.routing.claim_conversation(
            conversation_id, operator.id, capacity=self._capacity(operator), now=self.clock()
        )
        if outcome is not Claim.CLAIMED:
            message, code = _CLAIM_ERRORS[outcome]
            raise Conflict(message, code=code)
        if before.mode is Mode.LIVE:
            return []  # it was already theirs
        events = await self.inbox.post_system(
            before,
            "operator_joined",
            extra={"operator": {"name": operator.name}},
            operator=operator.name,
        )
        events += await self.inbox.changed([conversation_id], departments=[before.department])
        return events + await self.desk_changed()

    async def decline(self, operator: Operator, conversation_id: str) -> list[Event]:
        """Refuse an offered conversation; it is offered to someone else."""
        if not await self.store.routing.decline_offer(conversation_id, operator.id):
            raise Conflict("this conversation is not offered to you", code="not_offered")
        return await self.serve_queue()

    async def operator_said(
        self, operator: Operator, conversation_id: str, *, text: str, client_id: str
    ) -> tuple[Message, list[Event]]:
        """Send an operator's message to the visitor (only in their own live conversation)."""
        conversation = await self._own(operator, conversation_id)
        draft = MessageDraft(
            author=Author.OPERATOR,
            text=clean_text(text, self.max_message_length),
            client_id=client_id,
            ts=self.clock(),
            extra={"operator": {"id": operator.id, "name": operator.name}},
        )
        message, created = await self.store.conversations.append_message(conversation.id, draft)
        if not created:
            return message, []
        await self.store.tickets.note_first_response(conversation.id, self.clock())
        summary = await self.inbox.changed([conversation.id])
        return message, [MessagePosted(message), *summary]

    async def add_note(
        self, operator: Operator, conversation_id: str, *, text: str, client_id: str | None
    ) -> tuple[Note, list[Event]]:
        """Add a private note; any operator may annotate any conversation."""
        await self._conversation(conversation_id)
        note = Note(
            id=new_id(),
            conversation_id=conversation_id,
            operator_id=operator.id,
            operator_name=operator.name,
            text=clean_text(text, self.max_message_length),
            ts=self.clock(),
            client_id=client_id,
        )
        stored, created = await self.store.notes.add_note(note)
        if not created:
            return stored, []
        events: list[Event] = [NotePosted(stored)]
        # Any operator may read any chat: whoever the note names is told (live only).
        named = await named_colleagues(self.store, operator, stored.text, lambda _: True)
        if named:
            events.append(ChatMentioned(stored, tuple(named)))
        return stored, events

    def operator_typing(self, conversation_id: str, on: bool) -> list[Event]:
        """Tell the visitor the operator is (not) typing."""
        return [TypingChanged(conversation_id, Author.OPERATOR, on)]

    async def transfer(
        self,
        operator: Operator,
        conversation_id: str,
        *,
        to_operator: str | None = None,
        to_department: str | None = None,
    ) -> list[Event]:
        """Hand a live conversation to another online operator or back to a department's
        queue."""
        conversation = await self._own(operator, conversation_id)
        if (to_operator is None) == (to_department is None):
            raise InvalidPayload("transfer to an operator or to a department")
        if to_operator is not None:
            target = await self.store.operators.get_operator(to_operator)
            presence = (await self.store.presence.presence()).get(to_operator)
            if (
                target is None
                or target.disabled
                or presence is None
                or presence.status is PresenceStatus.OFFLINE
            ):
                raise Conflict("that operator is not available", code="operator_unavailable")
            outcome = await self.store.routing.transfer_conversation(
                conversation_id,
                operator.id,
                target.id,
                capacity=self._capacity(target),
                now=self.clock(),
            )
            if outcome is not Claim.CLAIMED:
                message, code = _CLAIM_ERRORS[outcome]
                raise Conflict(message, code=code)
            events = await self.inbox.post_system(
                conversation,
                "transferred_operator",
                extra={"operator": {"name": target.name}},
                operator=target.name,
            )
            return events + await self.inbox.changed([conversation_id])
        if to_department not in self.config.departments:
            raise InvalidPayload(f"unknown department {to_department!r}")
        assert to_department is not None
        if not await self.store.routing.requeue_conversation(
            conversation_id, now=self.clock(), holder=operator.id, department=to_department
        ):
            raise Conflict("this conversation is no longer yours", code="not_yours")
        events = await self.inbox.post_system(
            conversation,
            "transferred_department",
            extra={"department": to_department},
            department=to_department,
        )
        events += await self.inbox.changed(
            [conversation_id], departments=[conversation.department, to_department]
        )
        return events + await self.serve_queue() + await self.desk_changed()

    async def hand_back(self, operator: Operator, conversation_id: str) -> list[Event]:
        """Give the conversation back to the bot (the ticket is resolved, no rating asked)."""
        return await self._finish(operator, conversation_id, Mode.BOT, "handed_back")

    async def close(self, operator: Operator, conversation_id: str) -> list[Event]:
        """Close the conversation: the ticket is resolved and the visitor asked to rate it."""
        return await self._finish(operator, conversation_id, Mode.CLOSED, "closed")

    async def block(self, operator: Operator, conversation_id: str, days: int) -> list[Event]:
        """End the operator's live conversation and block its visitor for ``days`` (abuse):
        their widgets close and are refused until then; the ticket is resolved without a
        rating asked. :raises InvalidPayload: ``days`` not one of :data:`BLOCK_DAYS`."""
        if days not in BLOCK_DAYS:
            raise InvalidPayload(f"block for {', '.join(map(str, BLOCK_DAYS))} days", code="days")
        conversation = await self._own(operator, conversation_id)
        until = self.clock() + timedelta(days=days)
        # Stored first: the block holds even if what follows fails.
        await self.store.conversations.block_visitor(conversation.visitor_id, until, by=operator.id)
        log.info("operator %s blocked the visitor of %s for %d day(s)", operator.id,
                 conversation_id, days)  # fmt: skip
        if self.audit is not None:
            await self.audit.record(
                operator, AuditAction.VISITOR_BLOCKED, f"visitor {conversation.visitor_id}",
                f"{days} day(s); conversation {conversation_id}",
            )  # fmt: skip
        when = self.inbox.when(until, conversation.lang)
        events = await self._finish(operator, conversation_id, Mode.CLOSED, "blocked", until=when)
        return [*events, VisitorBlocked(conversation.visitor_id, conversation_id, until)]

    async def unblock(self, operator: Operator, conversation_id: str) -> list[Event]:
        """Lift the block on the conversation's visitor (any operator: a block given by
        mistake); their next page connects again. :raises Conflict: ``not_blocked``."""
        conversation = await self._conversation(conversation_id)
        if await self.inbox.blocked_until(conversation_id) is None:
            raise Conflict("this visitor is not blocked", code="not_blocked")
        await self.store.conversations.block_visitor(conversation.visitor_id, None)
        log.info("operator %s lifted the block on the visitor of %s", operator.id, conversation_id)
        if self.audit is not None:
            await self.audit.record(
                operator, AuditAction.VISITOR_UNBLOCKED, f"visitor {conversation.visitor_id}",
                f"conversation {conversation_id}",
            )  # fmt: skip
        return await self.inbox.post_system(conversation, "unblocked", operator=operator.name)

    async def reopen(self, operator: Operator, conversation_id: str) -> list[Event]:
        """Take back a conversation whose ticket was resolved (closed, or handed back to the
        bot): it is live with this operator again and its ticket open."""
        before = await self._conversation(conversation_id)
        if await self.inbox.blocked_until(conversation_id) is not None:
            raise Conflict("this visitor is blocked: they cannot read you", code="visitor_blocked")
        outcome = await self.store.routing.reopen_conversation(
            conversation_id, operator.id, capacity=self._capacity(operator), now=self.clock()
        )
        if outcome is Claim.GONE:
            raise Conflict("this conversation has no resolved ticket", code="cannot_reopen")
        if outcome is not Claim.CLAIMED:
            message, code = _CLAIM_ERRORS[outcome]
            raise Conflict(message, code=code)
        events = await self.inbox.post_system(
            before, "reopened", extra={"operator": {"name": operator.name}}, operator=operator.name
        )
        events += await self.inbox.changed([conversation_id])
        return events + await self.desk_changed()

    async def serve_queue(self) -> list[Event]:
        """With auto-assign on, offer queued conversations to the least-loaded available
        operator of their department (each conversation to one operator at a time)."""
        if not self.config.routing.auto_assign:
            return []
        events: list[Event] = []
        expires = format_ts(self.clock() + self.config.routing.accept_timeout)
        for conversation in await self.store.routing.queued_conversations(unoffered=True):
            skipped = await self.store.routing.declined_by(conversation.id)
            candidates = [
                o
                for o in await self._free_operators(conversation.department)
                if o.id not in skipped
            ]
            if not candidates:
                continue
            target = candidates[0]
            if await self.store.routing.offer_conversation(
                conversation.id, target.id, self.clock()
            ):
                summary = await self.inbox.summary(conversation.id)
                events.append(OperatorOffered(target.id, conversation.id, expires, summary or {}))
        return events

    async def online_operators(self, department: str | None) -> list[Operator]:
        """Return operators online (not away, with a console open) in ``department``."""
        presence = await self.store.presence.presence()
        return [
            o
            for o in await self.store.operators.list_operators()
            if not o.disabled
            and (department is None or department in o.departments)
            and (p := presence.get(o.id)) is not None
            and p.status is PresenceStatus.ONLINE
            and p.connections > 0
        ]

    async def _free_operators(self, department: str | None) -> list[Operator]:
        """Return online operators with free capacity, least loaded first."""
        load = await self.store.queries.live_load()
        free = [
            o
            for o in await self.online_operators(department)
            if load.get(o.id, 0) < self._capacity(o)
        ]
        return sorted(free, key=lambda o: (load.get(o.id, 0) / self._capacity(o), o.name))

    async def _finish(
        self, operator: Operator, conversation_id: str, mode: Mode, key: str, **values: Any
    ) -> list[Event]:
        conversation = await self._own(operator, conversation_id)
        if (
            await self.store.routing.finish_conversation(
                conversation_id, mode=mode, now=self.clock(), holder=operator.id
            )
            is None
        ):
            raise Conflict("this conversation is no longer yours", code="not_yours")
        events = await self.inbox.post_system(conversation, key, operator=operator.name, **values)
        events += await self.inbox.changed([conversation_id])
        return events + await self.serve_queue() + await self.desk_changed()

    async def desk_changed(self) -> list[Event]:
        """Return a ``DeskChanged`` event if the desk's status changed since last asked."""
        if self.desk_status is None:
            return []
        status = await self.desk_status()
        # The promised time moves with the clock; only a change of status is news.
        key = {k: v for k, v in status.items() if k != "reply_expected_by"}
        if key == self._last_desk:
            return []
        self._last_desk = key
        return [DeskChanged(status)]

    async def _own(self, operator: Operator, conversation_id: str) -> Conversation:
        conversation = await self._conversation(conversation_id)
        if conversation.mode is not Mode.LIVE or conversation.operator_id != operator.id:
            raise Forbidden("this conversation is not yours: claim it first")
        return conversation

    async def _conversation(self, conversation_id: str) -> Conversation:
        conversation = await self.store.conversations.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        return conversation

    def _capacity(self, operator: Operator) -> int:
        return operator.capacity or self.config.routing.default_capacity
