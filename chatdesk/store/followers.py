"""Store protocol for the operators who follow tickets, and the SQL both backends share."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

__all__ = ["FOLLOW", "FOLLOWERS", "UNFOLLOW", "FollowerStore"]

#: Parameters: ticket id, operator id, time (a second follow changes nothing).
FOLLOW = (
    "INSERT INTO ticket_followers (ticket_id, operator_id, created_at) VALUES ({p}1, {p}2, {p}3)"
    " ON CONFLICT (ticket_id, operator_id) DO NOTHING"
)
#: Parameters: ticket id, operator id.
UNFOLLOW = "DELETE FROM ticket_followers WHERE ticket_id = {p}1 AND operator_id = {p}2"
#: Parameter: ticket id; in the order they followed it.
FOLLOWERS = (
    "SELECT operator_id FROM ticket_followers WHERE ticket_id = {p}1"
    " ORDER BY created_at, operator_id"
)


class FollowerStore(Protocol):
    """Who follows which ticket (operators hear of a followed ticket's news).

    Usage::

        await store.followers.follow(ticket.id, ann.id, now)   # True
        await store.followers.followers(ticket.id)            # [ann.id]
        await store.followers.unfollow(ticket.id, ann.id)     # True
    """

    async def follow(self, ticket_id: str, operator_id: str, now: datetime) -> bool:
        """Make ``operator_id`` follow the ticket; return False if they did already."""
        ...

    async def unfollow(self, ticket_id: str, operator_id: str) -> bool:
        """Stop ``operator_id`` following the ticket; return False if they did not."""
        ...

    async def followers(self, ticket_id: str) -> list[str]:
        """Return the ids of the ticket's followers, in the order they followed it."""
        ...
