"""Store protocol for tickets imported from another helpdesk, and the SQL both backends share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..models import Ticket, TicketChanges, TicketFiling, TicketMessage

__all__ = ["CLAIM_REF", "FORGET_FEEDS", "IMPORTED", "TicketImportStore"]

#: Parameters: ref, ticket id, imported_at. No row back: the reference was imported already.
CLAIM_REF = (
    "INSERT INTO ticket_imports (ref, ticket_id, imported_at) VALUES ({p}1, {p}2, {p}3)"
    " ON CONFLICT (ref) DO NOTHING RETURNING ref"
)
#: Parameter: the ticket's id. What its rows fed the mail and the webhooks: an import tells
#: nobody (the requester heard of it at the time, from the other desk).
FORGET_FEEDS = (
    "DELETE FROM mail_feed WHERE ticket_id = {p}1",
    "DELETE FROM hook_feed WHERE ticket_id = {p}1",
)
#: Parameter: the references to look for (a list).
IMPORTED = "SELECT ref, ticket_id FROM ticket_imports WHERE ref IN ({refs})"


class TicketImportStore(Protocol):
    """Tickets brought from another helpdesk, each under the reference it had there."""

    async def import_ticket(
        self,
        ref: str,
        filing: TicketFiling,
        messages: Sequence[TicketMessage],
        final: TicketChanges,
        *,
        now: datetime,
    ) -> Ticket | None:
        """Store a whole ticket in one transaction: ``filing`` (its number is the desk's
        next; its first message, history rows), its later ``messages`` (with their own
        times), then ``final`` (closing times, rating...) as of its last activity, and
        ``ref`` (the other desk's reference, at ``now``). What the rows feed the mail and
        the webhooks is taken back in the same transaction.

        :returns: the ticket, or None (nothing stored) when ``ref`` was imported already.
        """
        ...

    async def imported_tickets(self, refs: Sequence[str]) -> dict[str, str]:
        """Return the ticket ids of those of ``refs`` imported already, by reference."""
        ...
