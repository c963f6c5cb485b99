"""Socket.IO room and namespace names, in one place."""

from __future__ import annotations

__all__ = ["OPERATOR_NS", "VISITOR_NS", "conversation"]

VISITOR_NS = "/visitor"
OPERATOR_NS = "/operator"


def conversation(conversation_id: str) -> str:
    """Return the room every connection showing ``conversation_id`` joins."""
    return f"conv:{conversation_id}"
