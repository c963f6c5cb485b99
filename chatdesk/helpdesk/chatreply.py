"""An operator's public reply on a chat's ticket, said in the chat too: the visitor reads it
in the widget when they come back (the mail carries it meanwhile), a visitor still there
reads it at once."""

from __future__ import annotations

from ..events import Event, MessagePosted
from ..models import Author, MessageDraft, Operator, Ticket, TicketMessage
from ..store import Store

__all__ = ["MIRROR_KEY", "say_in_chat"]

#: The chat message's ``extra`` key naming the ticket message it repeats (the ticket's
#: thread shows that message once: views.py leaves the repeat out).
MIRROR_KEY = "ticket_message"


async def say_in_chat(
    store: Store, ticket: Ticket, message: TicketMessage, operator: Operator
) -> list[Event]:
    """Repeat ``message`` in ``ticket``'s conversation as ``operator``'s; return its event
    (none when the ticket has no conversation, or the repeat is already there)."""
    if ticket.conversation_id is None or message.internal:
        return []
    draft = MessageDraft(
        author=Author.OPERATOR,
        text=message.text,
        # The ticket message's id: a retry finds the repeat instead of adding another.
        client_id=f"ticket:{message.id}",
        ts=message.ts,
        extra={
            "operator": {"id": operator.id, "name": operator.name},
            MIRROR_KEY: message.id,
        },
    )
    said, created = await store.conversations.append_message(ticket.conversation_id, draft)
    return [MessagePosted(said)] if created else []
