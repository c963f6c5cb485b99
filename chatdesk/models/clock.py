"""Times and identifiers: the one format every store and payload uses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

__all__ = ["format_ts", "new_id", "parse_ts", "utcnow"]


def utcnow() -> datetime:
    """Return the current time in UTC, to the millisecond (the precision we store)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_id() -> str:
    """Return a new random identifier (32 hex characters)."""
    return uuid.uuid4().hex


def format_ts(ts: datetime) -> str:
    """Format a UTC time as ISO 8601 with milliseconds and a ``Z`` suffix."""
    if ts.tzinfo is not UTC:
        ts = ts.astimezone(UTC)
    # isoformat is ~4x cheaper than strftime; "+00:00" becomes "Z".
    return ts.isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_ts(text: str) -> datetime:
    """Parse a time written by :func:`format_ts`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
