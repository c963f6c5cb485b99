"""Turning a chat conversation into a ticket (its own, or a new one) with type and fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..deskconfig import DeskConfig
from ..errors import NotFound
from ..events import Event
from ..fields import validate_fields
from ..models import Channel, Operator, Status, Ticket, TicketFiling, TicketType, utcnow
from ..store import Store
from .chatreply import answered_in_chat
from .common import clean_subject
from .edits import Edit
from .lifecycle import TicketLifecycle

__all__ = ["ChatTickets"]


class ChatTickets:
    """An operator makes a chat a proper ticket: its current one gets a type, priority,
    department and fields; or a new ticket is filed on the conversation."""

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        lifecycle: TicketLifecycle,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.lifecycle = lifecycle
        self.clock = clock

    async def from_conversation(
        self,
        operator: Operator,
        conversation_id: str,
        edit: Edit,
        *,
        new: bool = False,
    ) -> tuple[Ticket, list[Event]]:
        """Return the conversation's ticket after ``edit``, or a new ticket (``new``, or
        when it has none or only a closed one)."""
        conversation = await self.store.conversations.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        current = await self.store.tickets.current_ticket(conversation_id)
        if current is not None and not new and current.status is not Status.CLOSED:
            return await self.lifecycle.change(operator, current.id, edit)
        requester = None
        if current is not None and current.requester_id:
            requester = await self.store.requesters.get_requester(current.requester_id)
        type_ = TicketType(edit.type or "question")
        priority = edit.priority or "normal"
        lang = conversation.lang
        filing = TicketFiling(
            subject=clean_subject(edit.subject or (current.subject if current else "Chat")),
            description="",
            type=type_,
            channel=Channel.CHAT,
            department=edit.department or conversation.department or self.config.default_department,
            priority=priority,
            lang=lang,
            requester=requester,
            created_at=self.clock(),
            fields=validate_fields(
                self.config.helpdesk.fields, edit.fields or {}, type_=type_.value,
                priority=priority, lang=lang,
            ),
            organisation_id=requester.organisation_id if requester else None,
            conversation_id=conversation_id,
            operator_id=edit.assignee,
        )  # fmt: skip
        return await self.lifecycle.filing.file_draft(filing, operator=operator, concerned=set())

    async def visitor_wrote(self, ticket: Ticket) -> list[Event]:
        """The visitor answered in the chat of ``ticket``: a pending or resolved ticket opens
        again, an open one notes it (:func:`~chatdesk.helpdesk.chatreply.answered_in_chat`)."""
        return await answered_in_chat(self.store, self.config, ticket, self.clock())
