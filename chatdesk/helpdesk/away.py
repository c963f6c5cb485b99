"""Operators out of office (Zammad's out-of-office with a replacement): until a date, the
mail about their tickets goes to a colleague instead, and the desk's rules give them no
new ticket. It ends by itself on that date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..errors import InvalidPayload
from ..models import Operator, utcnow
from ..store import Store

__all__ = ["AWAY_MAX", "OutOfOffice", "stand_in"]

#: The longest absence one setting covers.
AWAY_MAX = timedelta(days=366)


async def stand_in(store: Store, operator: Operator, now: datetime) -> Operator | None:
    """Return who gets ``operator``'s mail at ``now`` in their place: their replacement,
    if they are away and the replacement is active and not away too; else None."""
    if not operator.away(now) or operator.replacement_id is None:
        return None
    other = await store.operators.get_operator(operator.replacement_id)
    if other is None or other.disabled or other.away(now):
        return None
    return other


class OutOfOffice:
    """Set an operator out of office until a date, with a replacement, or back."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def set(
        self, operator: Operator, until: datetime, replacement_id: str | None = None
    ) -> Operator:
        """Make ``operator`` out of office until ``until`` (later than now, within a
        year), their mail going to ``replacement_id``'s (an active colleague) meanwhile;
        return them after.

        :raises InvalidPayload: ``away_until`` (in the past, or too far), ``replacement``
            (themselves, unknown or disabled).
        """
        now = self.clock()
        if until.tzinfo is None or not now < until <= now + AWAY_MAX:
            raise InvalidPayload("out of office: a date to come, within a year", code="away_until")
        if replacement_id:
            other = await self.store.operators.get_operator(replacement_id)
            if replacement_id == operator.id or other is None or other.disabled:
                raise InvalidPayload(
                    "the replacement must be another, active operator", code="replacement"
                )
        return await self.store.operators.set_away(operator.id, until, replacement_id or None)

    async def back(self, operator: Operator) -> Operator:
        """End ``operator``'s out of office now; return them after."""
        return await self.store.operators.set_away(operator.id, None, None)
