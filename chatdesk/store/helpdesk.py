"""Store protocols for tickets as a channel: filing, threads, changes, merges, lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..models import (
    Attachment,
    Message,
    MessageDraft,
    NewAttachment,
    SeatRefusal,
    Status,
    Ticket,
    TicketChanges,
    TicketEvent,
    TicketFiling,
    TicketMessage,
    TicketPage,
    TicketQuery,
)

__all__ = ["HelpdeskStore", "TicketQueries"]


class HelpdeskStore(Protocol):
    """Tickets with their own thread, history and files (the chat side is
    :class:`~chatdesk.store.TicketStore`). Every method is one transaction; the
    full-text index changes in the same transaction as what it indexes.

    Usage::

        filed = await store.helpdesk.file_ticket(filing)
        if isinstance(filed, SeatRefusal): ...
        posted = await store.helpdesk.post_ticket_message(
            message, [], TicketChanges(), [], expect=filed.status, now=now
        )
    """

    async def file_ticket(self, filing: TicketFiling) -> Ticket | SeatRefusal:
        """Number and store the ticket, its first message, attachments, the requester's
        site seat and its history rows, all or nothing.

        Returns a :class:`SeatRefusal` (nothing stored) when the seat is not free: the
        site already has ``max_editors`` editors and the requester is not one of them.

        :raises NotFound: if ``follow_up_of`` or ``conversation_id`` names nothing.
        :raises Conflict: ``mail_filed`` (nothing stored) when ``inbound_key`` is an e-mail
            already recorded as received: the key is recorded in the same transaction.
        """
        ...

    async def get_ticket(self, ticket_id: str) -> Ticket | None:
        """Return a ticket by id."""
        ...

    async def find_ticket(self, number: int) -> Ticket | None:
        """Return a ticket by number."""
        ...

    async def change_ticket(
        self,
        ticket_id: str,
        changes: TicketChanges,
        events: Sequence[TicketEvent],
        *,
        expect: Status | None,
        now: datetime,
    ) -> Ticket | None:
        """Apply ``changes`` and add ``events`` if the ticket's status is still ``expect``
        (None: whatever it is); return the ticket after, or None (nothing changed) when
        its status moved meanwhile.

        :raises NotFound: if there is no such ticket.
        """
        ...

    async def post_ticket_message(
        self,
        message: TicketMessage,
        attachments: Sequence[NewAttachment],
        changes: TicketChanges,
        events: Sequence[TicketEvent],
        *,
        expect: Status | None,
        now: datetime,
        max_ticket_bytes: int | None = None,
    ) -> tuple[TicketMessage, bool] | None:
        """Add a message (with its files) and apply ``changes``/``events`` with it.

        A message whose author already posted its ``client_id`` on this ticket is not
        stored again: the original comes back with False (whatever the status). Else
        None (nothing stored) when the status is no longer ``expect``.

        :raises TooLarge: when the ticket's files would pass ``max_ticket_bytes``.
        :raises NotFound: if there is no such ticket.
        """
        ...

    async def list_ticket_messages(
        self, ticket_id: str, *, internal: bool = True
    ) -> list[TicketMessage]:
        """Return the ticket's messages in order (without operators' notes unless
        ``internal``)."""
        ...

    async def list_ticket_events(self, ticket_id: str) -> list[TicketEvent]:
        """Return the ticket's history in order."""
        ...

    async def list_attachments(self, ticket_id: str) -> list[Attachment]:
        """Return the descriptions of the ticket's files in order."""
        ...

    async def attachment_data(self, attachment_id: str) -> tuple[Attachment, bytes] | None:
        """Return a file's description and bytes."""
        ...

    async def add_chat_attachment(
        self,
        ticket_id: str,
        conversation_id: str,
        attachment: NewAttachment,
        draft: MessageDraft,
        *,
        now: datetime,
        max_ticket_bytes: int | None = None,
    ) -> tuple[Message, bool]:
        """Store a file a visitor sent in chat on their ticket, and append its chat message
        (``draft``: the file's name, ``extra.attachments``) in the same transaction; return
        (message, created). The draft's client id sent again returns the first message and
        stores no second file.

        :raises TooLarge: when the ticket's files would pass ``max_ticket_bytes``.
        :raises NotFound: no such ticket or conversation.
        """
        ...

    async def merge_tickets(
        self,
        source_id: str,
        target_id: str,
        changes: TicketChanges,
        events: Sequence[TicketEvent],
        *,
        now: datetime,
    ) -> Ticket | None:
        """Move the source's messages and files to the target, apply ``changes`` to the
        source (closed, ``merged_into``) and add ``events``; return the source after, or
        None when it is closed already or is the target.

        :raises NotFound: if either ticket does not exist.
        """
        ...

    async def sla_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        """Return tickets whose ``sla_alert_at`` has come, earliest first."""
        ...

    async def auto_close_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        """Return pending or resolved tickets whose ``auto_close_at`` has come."""
        ...

    async def hold_due(self, now: datetime, *, limit: int = 200) -> list[Ticket]:
        """Return tickets on hold whose ``hold_until`` has come, earliest first."""
        ...


class TicketQueries(Protocol):
    """Ticket lists for screens and the API (read only)."""

    async def search_tickets(self, query: TicketQuery) -> TicketPage:
        """Return one page of the tickets matching ``query`` and their total.

        ``q`` is the backend's own full-text search (SQLite FTS5, PostgreSQL tsvector)
        over subject, description, messages and field values: every word must match,
        as a prefix, ignoring case and accents.
        """
        ...

    async def find_follow_up(
        self, ticket_id: str, requester_id: str, client_id: str
    ) -> Ticket | None:
        """Return the follow-up of the closed ticket ``ticket_id`` that the requester's
        message with ``client_id`` filed (a retried reply finds it), or None."""
        ...
