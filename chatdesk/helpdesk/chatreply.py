"""A public reply on a chat's ticket, said in the chat too: an operator's (the visitor reads
it in the widget when they come back, the mail carrying it meanwhile, or at once if still
there) and the requester's own from mail or the portal (the chat's transcript stays whole)."""

from __future__ import annotations

from typing import Any

from ..events import Event, MessagePosted
from ..models import Author, MessageDraft, Operator, Ticket, TicketMessage
from ..store import Store

__all__ = ["MIRROR_KEY", "say_in_chat"]

#: The chat message's ``extra`` key naming the ticket message it repeats (the ticket's
#: thread shows that message once: views.py leaves the repeat out).
MIRROR_KEY = "ticket_message"


async def say_in_chat(
    store: Store, ticket: Ticket, message: TicketMessage, operator: Operator | None
) -> list[Event]:
    """Repeat ``message`` in ``ticket``'s conversation, as ``operator``'s or (None) as the
    visitor's; return its event (none when the ticket has no conversation, the message is
    a note, or the repeat is already there)."""
    if ticket.conversation_id is None or message.internal:
        return []
    extra: dict[str, Any] = {MIRROR_KEY: message.id}
    if operator is not None:
        extra["operator"] = {"id": operator.id, "name": operator.name}
    draft = MessageDraft(
        author=Author.OPERATOR if operator is not None else Author.VISITOR,
        text=message.text,
        # The ticket message's id: a retry finds the repeat instead of adding another.
        client_id=f"ticket:{message.id}",
        ts=message.ts,
        extra=extra,
    )
    said, created = await store.conversations.append_message(ticket.conversation_id, draft)
    return [MessagePosted(said)] if created else []
