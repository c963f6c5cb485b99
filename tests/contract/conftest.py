"""Factories for the contract suite: records built only through the store's own methods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chatdesk.models import (
    Author,
    Claim,
    Conversation,
    MessageDraft,
    Mode,
    Operator,
    Role,
    Ticket,
    TicketDraft,
    new_id,
)
from chatdesk.store import Store

__all__ = ["T0", "Factory", "draft", "later"]

#: Every contract test counts time from here (a Tuesday morning); nothing sleeps.
T0 = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)


def later(**kw: float) -> datetime:
    """Return ``T0`` plus a ``timedelta(**kw)``."""
    return T0 + timedelta(**kw)


def draft(
    text: str,
    author: Author = Author.VISITOR,
    *,
    ts: datetime = T0,
    client_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> MessageDraft:
    """Return a message draft written at ``ts`` (not at the wall clock's now)."""
    return MessageDraft(author, text, client_id=client_id, extra=extra or {}, ts=ts)


class Factory:
    """Builds the records a contract test starts from, through the store under test."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def conversation(
        self, *texts: str, lang: str = "fr", page: str = "/pricing", at: datetime = T0
    ) -> Conversation:
        """Create a visitor whose first conversation holds ``texts`` (visitor messages)."""
        _, conversation = await self.store.conversations.create_visitor(
            lang=lang, page=page, now=at
        )
        for text in texts:
            await self.store.conversations.append_message(conversation.id, draft(text, ts=at))
        return await self.reload(conversation.id)

    async def operator(
        self,
        name: str = "Ann",
        *,
        capacity: int | None = None,
        role: Role = Role.OPERATOR,
        departments: tuple[str, ...] = ("general",),
    ) -> Operator:
        """Add an operator named ``name`` (e-mail ``name@desk.test``, hash ``hash:name``)."""
        operator = Operator(
            id=new_id(),
            email=f"{name.lower()}@desk.test",
            name=name,
            role=role,
            departments=departments,
            languages=("fr", "en"),
            capacity=capacity,
            created_at=T0,
        )
        await self.store.operators.add_operator(operator, f"hash:{name}")
        return operator

    async def escalated(
        self,
        text: str = "Ma facture est fausse",
        *,
        mode: Mode = Mode.QUEUED,
        department: str = "general",
        priority: str = "normal",
        at: datetime = T0,
    ) -> tuple[Conversation, Ticket]:
        """Create a conversation whose visitor asked for a person: a ticket, ``mode``."""
        conversation = await self.conversation(text, at=at)
        ticket = await self.store.tickets.open_ticket(
            conversation.id,
            TicketDraft(
                subject=text,
                department=department,
                priority=priority,
                reason="asked",
                due_at=at + timedelta(hours=24),
            ),
            mode=mode,
            now=at,
        )
        assert ticket is not None
        return await self.reload(conversation.id), ticket

    async def live(
        self, operator: Operator, *, at: datetime = T0, **kw: Any
    ) -> tuple[Conversation, Ticket]:
        """Create an escalated conversation ``operator`` has claimed."""
        conversation, _ = await self.escalated(at=at, **kw)
        claim = await self.store.routing.claim_conversation(
            conversation.id, operator.id, capacity=100, now=at
        )
        assert claim is Claim.CLAIMED
        return await self.reload(conversation.id), await self.ticket(conversation.id)

    async def reload(self, conversation_id: str) -> Conversation:
        """Return the conversation as the store has it now."""
        found = await self.store.conversations.get_conversation(conversation_id)
        assert found is not None
        return found

    async def ticket(self, conversation_id: str) -> Ticket:
        """Return the conversation's latest ticket as the store has it now."""
        found = await self.store.tickets.current_ticket(conversation_id)
        assert found is not None
        return found


@pytest.fixture
def make(store: Store) -> Factory:
    """A :class:`Factory` on the store under test (every backend)."""
    return Factory(store)
