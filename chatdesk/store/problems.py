"""Store protocol for tickets linked to a problem ticket (many customers' tickets about
one outage), and the SQL both backends share (``{p}``: the dialect's placeholder mark)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

__all__ = [
    "COUNTS",
    "HAS_INCIDENTS",
    "INCIDENTS",
    "IS_INCIDENT",
    "LINK",
    "MOVE",
    "NO_COMPLAINTS",
    "PROBLEMS_OF",
    "UNLINK",
    "ProblemStore",
]

#: Parameters: ticket, problem, time, operator (a linked ticket moves to this problem).
LINK = (
    "INSERT INTO ticket_links (ticket_id, problem_id, created_at, created_by)"
    " VALUES ({p}1, {p}2, {p}3, {p}4) ON CONFLICT (ticket_id) DO UPDATE"
    " SET problem_id = excluded.problem_id, created_at = excluded.created_at,"
    " created_by = excluded.created_by"
)
#: Parameter: ticket; returns the problem it was linked to.
UNLINK = "DELETE FROM ticket_links WHERE ticket_id = {p}1 RETURNING problem_id"
#: Parameter: ticket.
IS_INCIDENT = "SELECT problem_id FROM ticket_links WHERE ticket_id = {p}1"
#: Parameter: ticket.
HAS_INCIDENTS = "SELECT 1 FROM ticket_links WHERE problem_id = {p}1 LIMIT 1"
#: Parameter: problem; in the order they were linked (those linked in the same moment, by
#: a bulk action, by their number).
INCIDENTS = (
    "SELECT l.ticket_id FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id"
    " WHERE l.problem_id = {p}1 ORDER BY l.created_at, t.number"
)
#: Parameters: from, to (a merged problem's tickets follow it).
MOVE = "UPDATE ticket_links SET problem_id = {p}2 WHERE problem_id = {p}1"
#: ``{ids}``: the tickets' placeholders.
PROBLEMS_OF = "SELECT ticket_id, problem_id FROM ticket_links WHERE ticket_id IN ({ids})"
#: ``{ids}``: the problems' placeholders; ``{types}``: a condition on the linked tickets'
#: type (``''``, or complaints left out).
COUNTS = (
    "SELECT l.problem_id, COUNT(*) FROM ticket_links l JOIN tickets t ON t.id = l.ticket_id"
    " WHERE l.problem_id IN ({ids}){types} GROUP BY l.problem_id"
)
#: :data:`COUNTS`' condition leaving complaints out (those who may not see them).
NO_COMPLAINTS = " AND t.type <> 'complaint'"


class ProblemStore(Protocol):
    """Which tickets are linked to which problem ticket. A ticket is linked to one problem
    at most; a problem is never itself linked (no chains).

    Usage::

        await store.problems.link(ticket.id, outage.id, now, by=ann.id)
        await store.problems.incidents(outage.id)        # [ticket.id]
        await store.problems.problem_of(ticket.id)       # outage.id
        await store.problems.unlink(ticket.id)           # outage.id
    """

    async def link(self, ticket_id: str, problem_id: str, now: datetime, *, by: str) -> None:
        """Link the ticket to the problem (moving it from another problem).

        :raises Conflict: ``problem_is_linked`` (the problem is linked to another),
            ``has_linked_tickets`` (tickets are linked to this ticket), ``same_ticket``.
        :raises NotFound: no such ticket or problem.
        """
        ...

    async def unlink(self, ticket_id: str) -> str | None:
        """Unlink the ticket; return the problem it was linked to, or None."""
        ...

    async def problem_of(self, ticket_id: str) -> str | None:
        """Return the id of the problem the ticket is linked to, or None."""
        ...

    async def incidents(self, problem_id: str) -> list[str]:
        """Return the ids of the tickets linked to the problem, in the order linked."""
        ...

    async def problems_of(self, ticket_ids: list[str]) -> dict[str, str]:
        """Return the problem of each of the tickets that is linked to one."""
        ...

    async def incident_counts(
        self, problem_ids: list[str], *, complaints: bool = True
    ) -> dict[str, int]:
        """Return how many tickets are linked to each of the problems that has some
        (complaints left out unless ``complaints``)."""
        ...

    async def move_incidents(self, from_id: str, to_id: str) -> int:
        """Link the tickets linked to ``from_id`` to ``to_id`` (a merged problem's);
        return how many; the ones of ``to_id`` itself are unlinked (no ticket is its own
        problem). If ``to_id`` is linked to a problem, they are all unlinked instead."""
        ...
