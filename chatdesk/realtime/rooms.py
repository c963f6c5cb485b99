"""Socket.IO room and namespace names, in one place."""

from __future__ import annotations

__all__ = [
    "DESK",
    "OPERATORS",
    "OPERATOR_NS",
    "SUPERVISORS",
    "TICKET_PREFIX",
    "VISITOR_NS",
    "conversation",
    "operator",
    "ticket",
    "visitor",
]

VISITOR_NS = "/visitor"
OPERATOR_NS = "/operator"
#: Every operator connection joins it (lists, presence).
OPERATORS = "operators"
#: Connections of service managers and admins: the only ones told about complaints.
SUPERVISORS = "supervisors"
#: Visitor connections join it once their ``session`` was sent: desk status changes go there
#: (a namespace-wide emit would reach connections still connecting, before ``session``).
DESK = "desk"


def conversation(conversation_id: str) -> str:
    """Return the room every connection showing ``conversation_id`` joins."""
    return f"conv:{conversation_id}"


def visitor(visitor_id: str) -> str:
    """Return the room every connection of one visitor (all tabs) joins."""
    return f"visitor:{visitor_id}"


def operator(operator_id: str) -> str:
    """Return the room of every console connection of one operator."""
    return f"op:{operator_id}"


def tab(tab_id: str, *, supervisor: bool = False) -> str:
    """Return the room of one console connection, named by its presence tab (answers to its
    ticket roll call go there); ``supervisor``: the one only a connection of a service
    manager or admin joins (for a complaint's answers)."""
    return f"{'stab' if supervisor else 'tab'}:{tab_id}"


#: The prefix of the rooms of :func:`ticket`.
TICKET_PREFIX = "ticket:"


def ticket(ticket_id: str) -> str:
    """Return the room of every console connection showing ``ticket_id``'s page."""
    return f"{TICKET_PREFIX}{ticket_id}"
