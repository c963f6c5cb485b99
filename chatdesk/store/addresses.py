"""A requester's other addresses (two records of one person merged) in SQL shared by the
backends (``$n`` placeholders; SQLite's turn them into ``?n``).

The invariant both backends keep: an address is a requester's own (``requesters.email``)
or one requester's other address (``requester_addresses``), never both, never twice."""

from __future__ import annotations

from datetime import datetime

from ..errors import Conflict
from ..models import AuthorKind, TicketEvent, format_ts
from .threadrows import REQUESTER_COLUMNS

__all__ = [
    "ADDRESS_OWNER",
    "DETACH_STATEMENTS",
    "MERGE_STATEMENTS",
    "REQUESTER_ADDRESSES",
    "merge_values",
    "moved_rows",
]

#: ``$1`` address: the requester whose other address it is.
ADDRESS_OWNER = (
    f"SELECT {REQUESTER_COLUMNS} FROM requesters WHERE id ="  # noqa: S608
    " (SELECT requester_id FROM requester_addresses WHERE address = $1)"
)
#: ``$1`` requester; ``{collate}``: PostgreSQL's ``COLLATE "C"`` (SQLite's byte order).
REQUESTER_ADDRESSES = (
    "SELECT address FROM requester_addresses WHERE requester_id = $1 ORDER BY address{collate}"
)

#: Merging ``source`` into ``target`` at ``now``, in this order, in one transaction (each
#: statement with the names of its parameters, ``$1``, ``$2``... in that order). The
#: target keeps its own details and takes the source's where its own are empty, and the
#: source's organisation if it has none; the source's tickets, seats (of the target's
#: organisation), own address and other addresses become the target's; the source goes.
MERGE_STATEMENTS: list[tuple[str, tuple[str, ...]]] = [
    ("UPDATE tickets SET requester_id = $2 WHERE requester_id = $1", ("source", "target")),
    (
        "UPDATE requester_addresses SET requester_id = $2 WHERE requester_id = $1",
        ("source", "target"),
    ),
    (
        "INSERT INTO requester_addresses (address, requester_id, created_at)"
        " SELECT email, $2, $3 FROM requesters WHERE id = $1",
        ("source", "target", "now"),
    ),
    (
        "UPDATE requesters SET"
        " organisation_id = (SELECT organisation_id FROM requesters WHERE id = $1),"
        " org_role = (SELECT org_role FROM requesters WHERE id = $1)"
        " WHERE id = $2 AND organisation_id IS NULL",
        ("source", "target"),
    ),
    (
        "UPDATE requesters SET"
        " name = CASE WHEN name = '' THEN (SELECT name FROM requesters WHERE id = $1)"
        " ELSE name END,"
        " phone = CASE WHEN phone = '' THEN (SELECT phone FROM requesters WHERE id = $1)"
        " ELSE phone END,"
        " lang = CASE WHEN lang = '' THEN (SELECT lang FROM requesters WHERE id = $1)"
        " ELSE lang END,"
        " note = $3 WHERE id = $2",
        ("source", "target", "note"),
    ),
    (
        "INSERT INTO site_seats (organisation_id, site_id, requester_id, created_at)"
        " SELECT organisation_id, site_id, $2, created_at FROM site_seats"
        " WHERE requester_id = $1"
        " AND organisation_id = (SELECT organisation_id FROM requesters WHERE id = $2)"
        " ON CONFLICT DO NOTHING",
        ("source", "target"),
    ),
    # The source's seats of other organisations and its sessions go with it.
    ("DELETE FROM requesters WHERE id = $1", ("source",)),
]

#: Making ``address``, one of ``owner``'s other addresses, a requester of its own again
#: (``new`` id, at ``now``), with the owner's tickets filed from it; in this order, in one
#: transaction, once the address is known to be the owner's.
DETACH_STATEMENTS: list[tuple[str, tuple[str, ...]]] = [
    ("DELETE FROM requester_addresses WHERE address = $1", ("address",)),
    (
        "INSERT INTO requesters (id, email, created_at) VALUES ($1, $2, $3)",
        ("new", "address", "now"),
    ),
    (
        "UPDATE tickets SET requester_id = $1 WHERE requester_id = $2"
        " AND lower(requester_email) = $3",
        ("new", "owner", "address"),
    ),
]


def merge_values(source_id: str, target_id: str, note: str, now: datetime) -> dict[str, object]:
    """Return the merge statements' parameters.

    :raises Conflict: ``same_requester``.
    """
    if source_id == target_id:
        raise Conflict("a requester is not merged into themselves", code="same_requester")
    return {"source": source_id, "target": target_id, "note": note, "now": format_ts(now)}


def moved_rows(
    ticket_ids: list[str], via: str, old: str, new: str, by: str | None, now: datetime
) -> list[TicketEvent]:
    """Return a ``requester`` history row for each ticket whose requester a merge or a
    detach changes (``via``: ``merge`` or ``detach``; requesters named by id only, so
    that an erasure leaves nothing of them here)."""
    actor = AuthorKind.OPERATOR if by else AuthorKind.SYSTEM
    data = {"via": via, "from": old, "to": new}
    return [TicketEvent(t, "requester", actor, by, dict(data), ts=now) for t in ticket_ids]
