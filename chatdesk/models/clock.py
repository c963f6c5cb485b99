"""Times and identifiers: the one format every store and payload uses."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

__all__ = ["format_ts", "new_id", "new_sortable_id", "parse_ts", "utcnow"]

#: Identifiers drawn from one ``os.urandom`` call: the system call, not the bytes, is what
#: costs (bench/README.md, "Hot path").
_ID_BATCH = 256
_ids: Iterator[str] = iter(())


def _forget_ids() -> None:
    """Drop the identifiers drawn before a fork: parent and child must not share them."""
    global _ids
    _ids = iter(())


os.register_at_fork(after_in_child=_forget_ids)


def utcnow() -> datetime:
    """Return the current time in UTC, to the millisecond (the precision we store)."""
    # From the whole milliseconds: half the CPU of now() and replace(). A double holds
    # seconds since 1970 to ~0.2 µs, and fromtimestamp rounds to the microsecond, so the
    # result is the exact millisecond.
    return datetime.fromtimestamp(time.time_ns() // 1_000_000 / 1000, UTC)


def new_id() -> str:
    """Return a new random identifier (32 hex characters, 128 random bits).

    As unguessable and unique as ``uuid4().hex`` (the same source, ``os.urandom``; no
    version bits), but the random bytes are drawn 256 identifiers at a time.
    """
    global _ids
    while True:
        # A list iterator's next() is atomic under the GIL: threads never get the same one.
        value = next(_ids, None)
        if value is not None:
            return value
        pool = os.urandom(16 * _ID_BATCH).hex()
        # Two threads may both refill: one batch is then dropped, no identifier repeats.
        _ids = iter([pool[i : i + 32] for i in range(0, len(pool), 32)])


def new_sortable_id() -> str:
    """Return a new identifier that sorts by creation time (32 hex characters: the
    milliseconds since 1970 in 48 bits, then 80 random bits), for rows only ever appended.

    An index on random identifiers takes each new one at a random leaf, which a store
    holding months of messages no longer has in its cache; these go to its right edge.
    With 500,000 earlier messages, a stored message cost 15-25% less CPU
    (bench/README.md, "Fifth pass"). Creation times are no secret (the rows carry them).
    """
    return f"{time.time_ns() // 1_000_000:012x}{new_id()[:20]}"


@functools.lru_cache(maxsize=1024)
def format_ts(ts: datetime) -> str:
    """Format a UTC time as ISO 8601 with milliseconds and a ``Z`` suffix.

    Cached: a message's time is written three times (the store, the ack, the event).
    """
    if ts.tzinfo is not UTC:
        ts = ts.astimezone(UTC)
    # isoformat is ~4x cheaper than strftime; "+00:00" becomes "Z".
    return ts.isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_ts(text: str) -> datetime:
    """Parse a time written by :func:`format_ts`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
