"""Store protocol for the senders the desk blocks, and the SQL both backends share."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from ..models import BlockedSender, parse_ts

__all__ = [
    "BLOCK",
    "HIT",
    "LIST_BLOCKED",
    "UNBLOCK",
    "BlockStore",
    "blocked_row",
    "matching_sql",
    "sender_keys",
]

#: Parameters: pattern, created_at, note, created_by, hits, last_hit (a second block of
#: the same pattern changes nothing).
BLOCK = (
    "INSERT INTO blocked_senders (pattern, created_at, note, created_by, hits, last_hit)"
    " VALUES ({p}1, {p}2, {p}3, {p}4, {p}5, {p}6) ON CONFLICT (pattern) DO NOTHING"
)
#: Parameter: the pattern.
UNBLOCK = "DELETE FROM blocked_senders WHERE pattern = {p}1"
#: Parameters: the pattern, the time.
HIT = "UPDATE blocked_senders SET hits = hits + 1, last_hit = {p}2 WHERE pattern = {p}1"
LIST_BLOCKED = (
    "SELECT pattern, created_at, note, created_by, hits, last_hit FROM blocked_senders"
    " ORDER BY pattern"
)

_MATCHING = (
    "SELECT pattern, created_at, note, created_by, hits, last_hit FROM blocked_senders"
    " WHERE pattern IN ({marks})"
    " ORDER BY (CASE WHEN pattern LIKE '%@%' THEN 1 ELSE 0 END) DESC, LENGTH(pattern) DESC"
    " LIMIT 1"
)


def sender_keys(address: str) -> list[str]:
    """Return the patterns that block ``address``: itself, then its domain and each
    parent domain of two labels or more (``a@mx.spam.example`` -> ``mx.spam.example``,
    ``spam.example``)."""
    address = address.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return []
    labels = domain.split(".")
    return [address, *(".".join(labels[i:]) for i in range(len(labels) - 1))]


def matching_sql(keys: list[str], p: str) -> str:
    """Return the query for the entry blocking any of ``keys``, the most specific first
    (the address, then the longest domain)."""
    # Only numbered placeholders are formatted in: the keys themselves are parameters.
    return _MATCHING.format(marks=", ".join(f"{p}{i}" for i in range(1, len(keys) + 1)))


def blocked_row(row: Any) -> BlockedSender:
    """Build a BlockedSender from a row (pattern, created_at, note, created_by, hits, last_hit)."""
    return BlockedSender(
        pattern=row[0],
        created_at=parse_ts(row[1]),
        note=row[2],
        created_by=row[3],
        hits=row[4],
        last_hit=parse_ts(row[5]) if row[5] else None,
    )


class BlockStore(Protocol):
    """The addresses and domains the desk takes nothing from.

    Usage::

        await store.blocks.block(BlockedSender("spam.example", now, created_by=ann.id))
        await store.blocks.matching("a@mx.spam.example", now)  # the entry, hit counted
        await store.blocks.unblock("spam.example")             # True
    """

    async def block(self, entry: BlockedSender) -> bool:
        """Add ``entry``; return False if its pattern is blocked already (kept as it is)."""
        ...

    async def unblock(self, pattern: str) -> bool:
        """Remove the entry of ``pattern``; return False if there is none."""
        ...

    async def list_blocked(self) -> list[BlockedSender]:
        """Return every entry, by pattern."""
        ...

    async def matching(self, address: str, now: datetime | None = None) -> BlockedSender | None:
        """Return the entry that blocks ``address`` (its own, else its domain's or a
        parent domain's), None if none does; with ``now``, count it as a hit (the entry
        returned is as it was before)."""
        ...
