"""Store protocol for the read side: what the console's lists and counters show."""

from __future__ import annotations

from typing import Protocol

from ..models import InboxView, Status, Summary

__all__ = ["QUEUE_FILTER", "TICKET_LOAD", "WAITING_UNANSWERED", "InboxQueries"]

#: A chat that waited for the team (nobody could take it) stays in the Queue until an
#: operator answers its ticket, and comes back when the visitor writes again (their message
#: is the conversation's last). Aliases: ``c`` the conversation, ``t`` its latest ticket,
#: ``m`` its last message (the console summaries' joins).
WAITING_UNANSWERED = "c.mode = 'waiting' AND (t.first_response_at IS NULL OR m.author = 'visitor')"
#: The console's Queue: chats queued for an operator, and those waiting for an answer.
QUEUE_FILTER = f"(c.mode = 'queued' OR ({WAITING_UNANSWERED}))"


class InboxQueries(Protocol):
    """Read models for screens; they change nothing."""

    async def summaries(
        self, view: InboxView, *, operator_id: str | None = None, limit: int = 100
    ) -> list[Summary]:
        """List conversations for a console view (``mine`` needs ``operator_id``)."""
        ...

    async def summary(self, conversation_id: str) -> Summary | None:
        """Return one conversation's summary."""
        ...

    async def inbox_counts(self, operator_id: str) -> dict[InboxView, int]:
        """Return the sizes of the console's lists for an operator."""
        ...

    async def live_load(self) -> dict[str, int]:
        """Return each operator's number of live conversations."""
        ...

    async def ticket_counts(self) -> dict[Status, int]:
        """Return how many tickets have each status (every status, zeros included)."""
        ...

    async def ticket_load(self) -> dict[str, int]:
        """Return each operator's number of assigned tickets waiting on the desk (new or
        open; operators with none are left out)."""
        ...


#: The tickets an operator's load counts: those waiting on the desk (not on the
#: requester, a third party or nobody).
TICKET_LOAD = (
    "SELECT operator_id, COUNT(*) FROM tickets"
    " WHERE status IN ('new', 'open') AND operator_id IS NOT NULL GROUP BY operator_id"
)
