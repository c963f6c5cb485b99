"""Store protocols for tickets and operators' private notes."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..models import Mode, Note, Ticket, TicketChanges, TicketDraft

__all__ = ["NoteStore", "TicketStore"]


class TicketStore(Protocol):
    """Tickets, numbered atomically."""

    async def open_ticket(
        self, conversation_id: str, draft: TicketDraft, *, mode: Mode, now: datetime
    ) -> Ticket | None:
        """Atomically number a new ticket and hand the conversation over (``mode``).

        Returns None when the conversation is already with people (one ticket at a time).

        :raises NotFound: if the conversation does not exist.
        """
        ...

    async def current_ticket(self, conversation_id: str) -> Ticket | None:
        """Return the conversation's latest ticket."""
        ...

    async def update_ticket(self, ticket_id: str, changes: TicketChanges, now: datetime) -> Ticket:
        """Apply ``changes``; a new department or priority also moves the conversation.

        :raises NotFound: if there is no such ticket.
        """
        ...

    async def rate_ticket(self, ticket_id: str, score: int, comment: str, now: datetime) -> bool:
        """Store the visitor's rating of a resolved ticket, once; return whether stored."""
        ...

    async def note_first_response(self, conversation_id: str, now: datetime) -> None:
        """Record the first operator reply on the current ticket (if not yet recorded)."""
        ...


class NoteStore(Protocol):
    """Private notes on conversations (operators only)."""

    async def add_note(self, note: Note) -> tuple[Note, bool]:
        """Store a private note, de-duplicated on its author's client id; return it and
        whether it was created.

        :raises NotFound: if the conversation does not exist.
        """
        ...

    async def list_notes(self, conversation_id: str) -> list[Note]:
        """Return a conversation's private notes in order."""
        ...
