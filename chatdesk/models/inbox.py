"""What the console lists: the views, and a conversation with its ticket and last message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .conversations import Conversation, Message
from .tickets import Ticket

__all__ = ["InboxView", "Summary"]


class InboxView(StrEnum):
    """The console's conversation lists."""

    QUEUE = "queue"  # queued and waiting, by priority then waiting time
    MINE = "mine"  # the operator's live conversations
    ALL = "all"  # every conversation with activity, most recent first


@dataclass(frozen=True, slots=True)
class Summary:
    """A conversation as listed in the console: with its ticket and last message."""

    conversation: Conversation
    ticket: Ticket | None
    last_message: Message | None
