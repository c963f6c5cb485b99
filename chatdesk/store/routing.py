"""Store protocol for routing: the queue, claims, transfers, offers and their refusals."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..models import Claim, Conversation, Mode, Ticket

__all__ = ["RoutingStore"]


class RoutingStore(Protocol):
    """Who has which escalated conversation. Every method is one compare-and-set, so
    operators on different processes racing for a conversation get one winner."""

    async def claim_conversation(
        self, conversation_id: str, operator_id: str, *, capacity: int, now: datetime
    ) -> Claim:
        """Give a queued or waiting conversation to an operator with free capacity (their
        live conversations < ``capacity``); its ticket becomes open. Forgets refusals."""
        ...

    async def transfer_conversation(
        self,
        conversation_id: str,
        from_operator: str,
        to_operator: str,
        *,
        capacity: int,
        now: datetime,
    ) -> Claim:
        """Move a live conversation from ``from_operator`` to ``to_operator`` (if the
        latter has capacity)."""
        ...

    async def requeue_conversation(
        self,
        conversation_id: str,
        *,
        now: datetime,
        holder: str | None = None,
        department: str | None = None,
    ) -> bool:
        """Put an escalated conversation back in the queue (only if ``holder``, when given,
        still has it), optionally in another department; its ticket becomes new."""
        ...

    async def finish_conversation(
        self, conversation_id: str, *, mode: Mode, now: datetime, holder: str | None = None
    ) -> Ticket | None:
        """End the people's part: ``mode`` closed or bot, ticket resolved; return it
        (None if it was not escalated, or ``holder`` no longer has it)."""
        ...

    async def reopen_conversation(
        self, conversation_id: str, operator_id: str, *, capacity: int, now: datetime
    ) -> Claim:
        """Give a conversation whose ticket was resolved (closed or handed back to the bot)
        back to an operator with free capacity, live; the ticket opens again. GONE if its
        ticket is not resolved."""
        ...

    async def offer_conversation(
        self, conversation_id: str, operator_id: str, now: datetime
    ) -> bool:
        """Reserve a queued, unoffered conversation for one operator (auto-assign)."""
        ...

    async def decline_offer(self, conversation_id: str, operator_id: str) -> bool:
        """Withdraw the offer of a conversation to ``operator_id`` and remember the refusal;
        return False if it was not offered to them."""
        ...

    async def expire_offers(self, offered_before: datetime) -> list[tuple[str, str]]:
        """Withdraw offers made before ``offered_before`` (each counted as a refusal);
        return the (conversation, operator) pairs."""
        ...

    async def declined_by(self, conversation_id: str) -> frozenset[str]:
        """Return the operators who refused (or let expire) the conversation's offers since
        it last entered the queue."""
        ...

    async def queued_conversations(
        self, department: str | None = None, *, unoffered: bool = False
    ) -> list[Conversation]:
        """Return queued conversations (of a department; only unoffered ones) by priority,
        then waiting time."""
        ...

    async def waiting_conversations(self, department: str | None = None) -> list[Conversation]:
        """Return conversations waiting for a person (escalated while nobody could take
        them), of a department, oldest first."""
        ...

    async def operator_conversations(self, operator_id: str) -> list[Conversation]:
        """Return an operator's live conversations."""
        ...
