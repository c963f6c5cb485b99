"""Column lists and row converters of the webhook tables, shared by the SQL backends."""

from __future__ import annotations

from typing import Any

from ..models import format_ts, parse_ts
from ..models.hooks import HookDelivery, HookFeedItem, HookState

__all__ = [
    "DELIVERY_COLUMNS",
    "HOOK_FEED_COLUMNS",
    "counts",
    "delivery_row",
    "delivery_values",
    "feed_row",
]

HOOK_FEED_COLUMNS = "id, source, ref_id, ticket_id, kind, created_at"
DELIVERY_COLUMNS = (
    "id, endpoint, event, source, ref_id, ticket_id, feed_id, state, attempts,"
    " next_attempt_at, last_error, created_at, sent_at"
)


def feed_row(row: Any) -> HookFeedItem:
    """Build a HookFeedItem from a row of :data:`HOOK_FEED_COLUMNS`."""
    return HookFeedItem(row[0], row[1], row[2], row[3], row[4], parse_ts(row[5]))


def delivery_row(row: Any) -> HookDelivery:
    """Build a HookDelivery from a row of :data:`DELIVERY_COLUMNS`."""
    return HookDelivery(
        id=row[0], endpoint=row[1], event=row[2], source=row[3], ref_id=row[4],
        ticket_id=row[5], feed_id=row[6], state=HookState(row[7]), attempts=row[8],
        next_attempt_at=parse_ts(row[9]) if row[9] else None, last_error=row[10],
        created_at=parse_ts(row[11]), sent_at=parse_ts(row[12]) if row[12] else None,
    )  # fmt: skip


def delivery_values(d: HookDelivery) -> tuple[Any, ...]:
    """Return the values of :data:`DELIVERY_COLUMNS` (due at once unless it says when)."""
    return (
        d.id, d.endpoint, d.event, d.source, d.ref_id, d.ticket_id, d.feed_id, d.state.value,
        d.attempts, format_ts(d.next_attempt_at or d.created_at), d.last_error,
        format_ts(d.created_at), format_ts(d.sent_at) if d.sent_at else None,
    )  # fmt: skip


def counts(rows: Any) -> dict[str, dict[HookState, int]]:
    """Return ``{endpoint: {state: n}}`` from rows of (endpoint, state, count)."""
    found: dict[str, dict[HookState, int]] = {}
    for endpoint, state, n in rows:
        found.setdefault(endpoint, {})[HookState(state)] = int(n)
    return found
