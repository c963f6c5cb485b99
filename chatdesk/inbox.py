"""What people see of escalated conversations: visitors' state, operators' lists and counts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from .deskconfig import DeskConfig
from .errors import NotFound
from .events import (
    ConversationChanged,
    Event,
    InboxCounts,
    MessagePosted,
    OperatorRead,
    StateChanged,
    VisitorRead,
)
from .models import (
    MAX_PAGE,
    MAX_SEQ,
    Author,
    Conversation,
    InboxView,
    MessageDraft,
    Mode,
    Operator,
    PresenceStatus,
    Summary,
    format_ts,
    utcnow,
)
from .store import Store
from .systemtexts import format_when, system_text

__all__ = ["AVG_HANDLE_SECONDS", "Inbox", "read_payload"]

#: A rough time an operator spends per conversation, for queue wait estimates.
AVG_HANDLE_SECONDS = 300


def read_payload(seq: int, at: datetime | None) -> dict[str, Any]:
    """Return how far the visitor has seen their conversation, as operators get it."""
    return {"seq": seq, "at": format_ts(at) if at is not None else None}


class Inbox:
    """Build the ``state``, summary and count payloads, and post system messages.

    Services call :meth:`changed` after they change conversations; it returns the events
    that keep every visitor and operator screen up to date.
    """

    def __init__(
        self, store: Store, config: DeskConfig, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock

    async def state(self, conversation: Conversation) -> dict[str, Any]:
        """Return the visitor-facing ``state`` of a conversation (docs/protocol.md)."""
        mode = conversation.mode
        state: dict[str, Any] = {
            "mode": mode.value,
            "queue": None,
            "operator": None,
            "ticket": None,
            "offline_form": False,
            "rating_requested": False,
        }
        if mode is Mode.BOT:
            return state
        ticket = await self.store.tickets.current_ticket(conversation.id)
        if ticket is not None:
            state["ticket"] = ticket.to_payload()
        if mode is Mode.QUEUED:
            state["queue"] = await self._queue_place(conversation)
        elif mode is Mode.LIVE and conversation.operator_id:
            operator = await self.store.operators.get_operator(conversation.operator_id)
            state["operator"] = {"name": operator.name if operator else ""}
        elif mode is Mode.WAITING:
            state["offline_form"] = ticket is not None and not ticket.requester_email
        elif mode is Mode.CLOSED:
            state["rating_requested"] = ticket is not None and ticket.rating is None
        return state

    async def summaries(
        self, view: InboxView, operator: Operator | None = None, *, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Return the console list ``view`` as payloads."""
        found = await self.store.queries.summaries(
            view, operator_id=operator.id if operator else None, limit=limit
        )
        names = await self._names()
        return [self._summary(s, names) for s in found]

    async def summary(self, conversation_id: str) -> dict[str, Any] | None:
        """Return one conversation's console summary."""
        found = await self.store.queries.summary(conversation_id)
        return await self._payload(found) if found is not None else None

    async def _payload(self, found: Summary) -> dict[str, Any]:
        # One conversation has at most one operator: look only that one up (this runs
        # for every visitor message of an escalated conversation).
        operator_id = found.conversation.operator_id
        operator = await self.store.operators.get_operator(operator_id) if operator_id else None
        return self._summary(found, {operator.id: operator.name} if operator else {})

    async def counts_for(self, operator_id: str) -> dict[InboxView, int]:
        """Return the sizes of one operator's lists."""
        return await self.store.queries.inbox_counts(operator_id)

    async def state_of(self, conversation_id: str) -> dict[str, Any]:
        """Return the visitor-facing ``state`` of a conversation by id."""
        return await self.state(await self._conversation(conversation_id))

    async def conversation_view(self, conversation_id: str) -> dict[str, Any]:
        """Return what an operator sees of a conversation: its summary, the last
        :data:`MAX_PAGE` messages (bot part included), whether earlier ones exist, and
        the private notes.

        :raises NotFound: if there is no such conversation.
        """
        conversation = await self._conversation(conversation_id)
        summary = await self.summary(conversation_id)
        if summary is None:
            raise NotFound("no such conversation")
        since = max(0, conversation.last_seq - MAX_PAGE)
        messages, _ = await self.store.conversations.list_messages(
            conversation_id, since=since, limit=MAX_PAGE
        )
        notes = await self.store.notes.list_notes(conversation_id)
        return {
            "conversation": summary,
            "messages": [m.to_payload() for m in messages],
            "earlier": since > 0,
            "notes": [n.to_payload() for n in notes],
            "read": read_payload(conversation.visitor_read_seq, conversation.visitor_read_at),
        }

    async def visitor_read(self, conversation_id: str, seq: int) -> list[Event]:
        """Record that the visitor has seen their conversation up to ``seq`` (the widget
        open on a visible page); return the read receipt for the operators watching it,
        or nothing when the mark did not move."""
        at = self.clock()
        marked = await self.store.conversations.mark_read(conversation_id, min(seq, MAX_SEQ), at)
        return [] if marked is None else [VisitorRead(conversation_id, marked, at)]

    async def operator_read(
        self, operator: Operator, conversation_id: str, seq: int
    ) -> list[Event]:
        """Record that ``operator`` has seen the conversation up to ``seq`` (its page open
        and visible); only the operator who has it counts (a colleague looking in, or a
        conversation still in the queue, tells the visitor nothing). Return the receipt
        for the visitor, or nothing.

        :raises NotFound: if there is no such conversation.
        """
        conversation = await self._conversation(conversation_id)
        if conversation.operator_id != operator.id or conversation.mode is not Mode.LIVE:
            return []
        marked = await self.store.conversations.mark_read(
            conversation_id, min(seq, MAX_SEQ), self.clock(), side="operator"
        )
        return [] if marked is None else [OperatorRead(conversation_id, marked)]

    async def blocked_until(self, conversation_id: str) -> datetime | None:
        """Return until when the conversation's visitor is blocked (None: not blocked)."""
        conversation = await self._conversation(conversation_id)
        visitor = await self.store.conversations.get_visitor(conversation.visitor_id)
        if visitor is None or not visitor.blocked_at(self.clock()):
            return None
        return visitor.blocked_until

    async def changed(
        self, conversation_ids: Iterable[str] = (), *, departments: Iterable[str] = ()
    ) -> list[Event]:
        """Return the events refreshing the given conversations, the queues of the given
        departments (every queued visitor's position moves) and every online operator's
        counts."""
        events: list[Event] = []
        seen: set[str] = set()
        for conversation_id in conversation_ids:
            conversation = await self.store.conversations.get_conversation(conversation_id)
            if conversation is None:
                continue
            seen.add(conversation_id)
            events.append(StateChanged(conversation_id, await self.state(conversation)))
            summary = await self.summary(conversation_id)
            if summary is not None:
                events.append(ConversationChanged(conversation_id, summary))
        for department in set(departments):
            for queued in await self.store.routing.queued_conversations(department):
                if queued.id not in seen:
                    events.append(StateChanged(queued.id, await self.state(queued)))
        events.extend(await self.counts())
        return events

    async def touched(self, conversation_id: str) -> tuple[list[Event], Summary | None]:
        """Return the event refreshing one conversation in operators' lists (new message),
        and the summary it was made of (the conversation and its current ticket, as they
        are now), or None if the conversation is gone."""
        found = await self.store.queries.summary(conversation_id)
        if found is None:
            return [], None
        return [ConversationChanged(conversation_id, await self._payload(found))], found

    async def counts(self) -> list[Event]:
        """Return the list sizes of every operator with an open console."""
        presence = await self.store.presence.presence()
        return [
            InboxCounts(operator_id, await self.store.queries.inbox_counts(operator_id))
            for operator_id, p in presence.items()
            if p.connections > 0
        ]

    async def post_system(
        self,
        conversation: Conversation,
        key: str,
        *,
        extra: dict[str, Any] | None = None,
        **values: Any,
    ) -> list[Event]:
        """Store a system message in the conversation's language; return its event."""
        text = system_text(conversation.lang, key, **values)
        draft = MessageDraft(
            author=Author.SYSTEM,
            text=text,
            ts=self.clock(),
            extra={"event": key, **(extra or {})},
        )
        message, created = await self.store.conversations.append_message(conversation.id, draft)
        return [MessagePosted(message)] if created else []

    def when(self, at: datetime, lang: str) -> str:
        """Return a time as the visitor reads it."""
        return format_when(at, lang, self.config.hours.timezone)

    async def _queue_place(self, conversation: Conversation) -> dict[str, Any]:
        queue = await self.store.routing.queued_conversations(conversation.department)
        position = next((i for i, c in enumerate(queue, 1) if c.id == conversation.id), 1)
        presence = await self.store.presence.presence()
        online = [
            o
            for o in await self.store.operators.list_operators()
            if conversation.department in o.departments
            and not o.disabled
            and presence.get(o.id) is not None
            and presence[o.id].status is PresenceStatus.ONLINE
        ]
        estimate = position * AVG_HANDLE_SECONDS // max(1, len(online)) if online else None
        return {"position": position, "estimated_wait_seconds": estimate}

    async def _conversation(self, conversation_id: str) -> Conversation:
        conversation = await self.store.conversations.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        return conversation

    async def _names(self) -> dict[str, str]:
        return {o.id: o.name for o in await self.store.operators.list_operators()}

    @staticmethod
    def _summary(found: Summary, names: dict[str, str]) -> dict[str, Any]:
        conversation, ticket, last = found.conversation, found.ticket, found.last_message
        return {
            "id": conversation.id,
            "mode": conversation.mode.value,
            "department": conversation.department,
            "priority": conversation.priority,
            "lang": conversation.lang,
            "page": conversation.page,
            "queued_at": format_ts(conversation.queued_at) if conversation.queued_at else None,
            "operator": (
                {"id": conversation.operator_id, "name": names.get(conversation.operator_id, "")}
                if conversation.operator_id
                else None
            ),
            "ticket": ticket.to_payload(private=True) if ticket else None,
            "last_message": (
                {"author": last.author.value, "text": last.text[:140], "ts": format_ts(last.ts)}
                if last
                else None
            ),
            "seen": last is not None
            and last.author is Author.OPERATOR
            and conversation.visitor_read_seq >= conversation.last_seq,
        }
