"""A chat's ticket and its conversation in step: a public reply on the ticket is said in the
chat too (an operator's: the visitor reads it in the widget when they come back, the mail
carrying it meanwhile, or at once if still there; the requester's own from mail or the
portal: the chat's transcript stays whole), and the visitor writing in the chat answers a
pending or resolved ticket as a mail would (:func:`answered_in_chat`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from ..attachments import chat_file
from ..deskconfig import DeskConfig
from ..errors import NotFound
from ..events import Event, MessagePosted, TicketStatusChanged
from ..models import (
    Author,
    MessageDraft,
    Operator,
    Status,
    Ticket,
    TicketChanges,
    TicketMessage,
)
from ..sla import sla_columns
from ..store import Store
from .common import history
from .edits import after as changed
from .edits import status_values

__all__ = ["MIRROR_KEY", "answered_in_chat", "say_in_chat"]

#: The chat message's ``extra`` key naming the ticket message it repeats (the ticket's
#: thread shows that message once: views.py leaves the repeat out).
MIRROR_KEY = "ticket_message"


async def say_in_chat(
    store: Store, ticket: Ticket, message: TicketMessage, operator: Operator | None
) -> list[Event]:
    """Repeat ``message`` in ``ticket``'s conversation, with its files, as ``operator``'s
    or (None) as the visitor's; return its event (none when the ticket has no conversation,
    the message is a note, or the repeat is already there)."""
    if ticket.conversation_id is None or message.internal:
        return []
    extra: dict[str, Any] = {MIRROR_KEY: message.id}
    # The reply's files come along: the visitor downloads them from the chat by a signed
    # link, as the files they send there (chatfiles.py).
    files = [
        chat_file(a)
        for a in await store.helpdesk.list_attachments(ticket.id)
        if a.message_id == message.id
    ]
    if files:
        extra["attachments"] = files
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
    try:
        said, created = await store.conversations.append_message(ticket.conversation_id, draft)
    except NotFound:
        return []  # the visitor was forgotten meanwhile: the reply stands on the ticket
    return [MessagePosted(said)] if created else []


async def answered_in_chat(
    store: Store, config: DeskConfig, ticket: Ticket, now: datetime
) -> list[Event]:
    """The visitor wrote in the chat of ``ticket`` (on a new or open one: answering an
    operator's message). A pending or resolved ticket opens again, as on the requester's
    answer by mail (its auto-close stops, its target runs again; the history row, by the
    requester, says ``via: chat``); a new or open one gets a history row ``chat``. Either
    row tells the assignee by mail. Return the events (none for a closed ticket, or one
    that moved meanwhile)."""
    requester = (
        await store.requesters.get_requester(ticket.requester_id) if ticket.requester_id else None
    )
    if ticket.status in (Status.NEW, Status.OPEN):
        row = history(ticket.id, "chat", requester, now)
        await store.helpdesk.change_ticket(ticket.id, TicketChanges(), [row], expect=None, now=now)
        return []
    if ticket.status not in (Status.PENDING, Status.RESOLVED):
        return []
    values, rows = status_values(config, ticket, Status.OPEN, requester, now)
    rows = [replace(row, data={**row.data, "via": "chat"}) for row in rows]
    values.update(sla_columns(config, ticket, changed(ticket, values), now))
    after = await store.helpdesk.change_ticket(
        ticket.id, TicketChanges.of(**values), rows, expect=ticket.status, now=now
    )
    if after is None:
        return []
    return [TicketStatusChanged(after, ticket.status, requester.id if requester else None, None)]
