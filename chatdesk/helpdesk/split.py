"""Splitting a ticket: a requester's message that asks something else becomes a ticket of
its own (Zammad's split), copied with its files; each ticket's history names the other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..errors import Conflict, NotFound
from ..events import Event, TicketUpdated
from ..models import AuthorKind, Channel, Operator, Ticket, TicketChanges, TicketMessage, utcnow
from ..store import Store
from .common import history, load_ticket
from .filing import FilingService, NewTicket, Upload

__all__ = ["TicketSplit", "splittable"]


def splittable(messages: list[TicketMessage]) -> list[TicketMessage]:
    """Return the messages a ticket may be split on: its requesters' public ones (a
    colleague's or someone in Cc's too), not operators' nor notes."""
    return [m for m in messages if m.author is AuthorKind.REQUESTER and not m.internal]


class TicketSplit:
    """Split a message out of a ticket into a new one.

    The new ticket has the message's author as requester, the message (and its files) as
    what they ask, and the ticket's type, department, priority, language, fields and Cc;
    the operator gives its subject. The message stays where it was. The requester gets
    the usual acknowledgement with the new number.
    """

    def __init__(
        self, store: Store, filing: FilingService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.filing = filing
        self.clock = clock

    async def split(
        self, operator: Operator, ref: str, message_id: str, subject: str
    ) -> tuple[Ticket, list[Event]]:
        """File the new ticket; return it and the events (its own, and the original's
        ``TicketUpdated`` for its history).

        :raises NotFound: no such ticket (or one ``operator`` may not see), or no such
            message of a requester on it (``unknown_message``).
        :raises Conflict: ``requester_gone``: its author was erased.
        :raises InvalidPayload: a subject that is empty or too long, as when filing.
        """
        ticket = await load_ticket(self.store, ref, operator)
        messages = await self.store.helpdesk.list_ticket_messages(ticket.id, internal=False)
        message = next((m for m in splittable(messages) if m.id == message_id), None)
        if message is None:
            raise NotFound("no such message of the requester here", code="unknown_message")
        author = await self.store.requesters.get_requester(message.author_id or "")
        if author is None:
            raise Conflict("the message's author was erased", code="requester_gone")
        channel = Channel.FORM if ticket.channel is Channel.CHAT else ticket.channel
        new, events = await self.filing.file(
            NewTicket(
                author.email, subject, message.text, name=author.name, lang=ticket.lang,
                type=ticket.type.value, department=ticket.department,
                priority=ticket.priority, fields=ticket.fields, channel=channel.value,
                attachments=await self._files(ticket.id, message.id), cc=sorted(ticket.cc),
            ),
            operator=operator,
        )  # fmt: skip
        now = self.clock()
        await self.store.helpdesk.change_ticket(
            new.id, TicketChanges(),
            [history(new.id, "split_from", operator, now, source=ticket.label, message=message.id)],
            expect=None, now=now,
        )  # fmt: skip
        after = await self.store.helpdesk.change_ticket(
            ticket.id, TicketChanges(),
            [history(ticket.id, "split_to", operator, now, into=new.label, message=message.id)],
            expect=None, now=now,
        )  # fmt: skip
        return new, [*events, TicketUpdated(after or ticket, ("thread",))]

    async def _files(self, ticket_id: str, message_id: str) -> list[Upload]:
        files: list[Upload] = []
        for attachment in await self.store.helpdesk.list_attachments(ticket_id):
            if attachment.message_id != message_id:
                continue
            found = await self.store.helpdesk.attachment_data(attachment.id)
            if found is not None:
                files.append(Upload(attachment.filename, found[1]))
        return files
