"""Ticket lists in SQL shared by the backends: the filters of a query and the orders."""

from __future__ import annotations

from collections.abc import Callable

from ..models import TicketQuery, format_ts
from .rows import TICKET_COLUMNS

__all__ = ["DUE", "FOLLOW_UP", "ORDER", "PER_PAGE_MAX", "TICKET_COLUMNS_T", "ticket_filters"]

#: The next target's due time: the first response's until answered, then the resolution's.
DUE = (
    "CASE WHEN t.first_response_at IS NULL AND t.due_at IS NOT NULL THEN t.due_at"
    " ELSE t.resolution_due END"
)
#: ``ORDER BY`` of each sort (the number breaks ties: a stable order for paging).
ORDER = {
    "due": f"({DUE}) IS NULL, {DUE}, t.number",
    "updated": "t.updated_at DESC, t.number DESC",
    "created": "t.created_at DESC, t.number DESC",
    "number": "t.number",
}
#: A ticket's follower (``= {placeholder}`` follows: the operator's id).
_FOLLOWED = "SELECT 1 FROM ticket_followers f WHERE f.ticket_id = t.id AND f.operator_id"
#: A ticket linked to a problem (``= {placeholder}`` follows: the problem's id).
_LINKED = "SELECT 1 FROM ticket_links l WHERE l.ticket_id = t.id AND l.problem_id"
#: The most tickets one page holds.
PER_PAGE_MAX = 100
#: :data:`~chatdesk.store.rows.TICKET_COLUMNS` of the table aliased ``t``.
TICKET_COLUMNS_T = ", ".join(f"t.{c.strip()}" for c in TICKET_COLUMNS.split(","))
#: Parameters: the closed ticket's id, the requester's id, the client id: the follow-up
#: whose first message that requester sent with that client id (``columns``:
#: :data:`TICKET_COLUMNS_T`).
FOLLOW_UP = (
    "SELECT {columns} FROM tickets t JOIN ticket_messages m"
    " ON m.ticket_id = t.id AND m.author = 'requester' AND m.author_id = {p}2"
    " AND m.client_id = {p}3 WHERE t.follow_up_of = {p}1 LIMIT 1"
)


def ticket_filters(query: TicketQuery, mark: Callable[[object], str]) -> list[str]:
    """Return the conditions (on ``tickets t``) of every filter of ``query`` but ``q``.

    :param mark: takes a parameter's value and returns its placeholder in the dialect
        (``?``, or ``$n`` counting the values given so far).
    """
    where: list[str] = []

    def among(column: str, values: tuple[object, ...], negate: bool = False) -> None:
        if values:
            placeholders = ", ".join(mark(getattr(v, "value", v)) for v in values)
            where.append(f"t.{column} {'NOT IN' if negate else 'IN'} ({placeholders})")

    among("status", query.statuses)
    among("type", query.types)
    among("priority", query.priorities)
    among("type", query.exclude_types, negate=True)
    for column, value in (
        ("department", query.department),
        ("operator_id", query.operator_id),
        ("requester_id", query.requester_id),
        ("organisation_id", query.organisation_id),
        ("number", query.number),
    ):
        if value is not None:
            where.append(f"t.{column} = {mark(value)}")
    if query.unassigned:
        where.append("t.operator_id IS NULL")
    if query.follower is not None:
        placeholder = mark(query.follower)  # the value is a parameter
        where.append(f"EXISTS ({_FOLLOWED} = {placeholder})")
    if query.problem_id is not None:
        where.append(f"EXISTS ({_LINKED} = {mark(query.problem_id)})")
    for column, element in (("cc", query.cc), ("tags", query.tag)):
        if element is not None:
            # An element of the comma-joined list, matched whole ("a_b" never finds "axb").
            literal = element.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = mark("%," + literal + ",%")
            where.append(f"(',' || t.{column} || ',') LIKE {pattern} ESCAPE '\\'")
    if query.due_before is not None:
        where.append(
            f"t.status IN ('new', 'open', 'pending', 'on_hold')"
            f" AND ({DUE}) < {mark(format_ts(query.due_before))}"
        )
    return where
