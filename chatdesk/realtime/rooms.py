"""Socket.IO room and namespace names, in one place."""

from __future__ import annotations

__all__ = ["OPERATOR_NS", "VISITOR_NS", "conversation", "visitor"]

VISITOR_NS = "/visitor"
OPERATOR_NS = "/operator"


def conversation(conversation_id: str) -> str:
    """Return the room every connection showing ``conversation_id`` joins."""
    return f"conv:{conversation_id}"


def visitor(visitor_id: str) -> str:
    """Return the room every connection of one visitor (all tabs) joins."""
    return f"visitor:{visitor_id}"
