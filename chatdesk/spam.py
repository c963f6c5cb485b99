"""Spam: tickets marked as such, and the block list of senders the desk takes nothing
from, each block and unblock written to the audit log (the console and ``chatdesk
blocked``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .audit import AuditTrail
from .errors import Conflict, Forbidden
from .events import Event
from .helpdesk import Edit, Helpdesk
from .helpdesk.lifecycle import each_ticket
from .models import AuditAction, BlockedSender, Operator, Status, Ticket, Visitor

__all__ = ["SPAM_TAG", "Marked", "Spam"]

#: The tag a ticket marked as spam gets (the list of them: ``?tag=spam``).
SPAM_TAG = "spam"


@dataclass(frozen=True, slots=True)
class Marked:
    """A ticket marked as spam: the ticket after, the entry that now blocks its sender
    (None: not asked, no address, or blocked already: ``already``), and the events."""

    ticket: Ticket
    blocked: BlockedSender | None
    already: bool
    events: list[Event]


class Spam:
    """Mark tickets as spam and keep the block list, on the record.

    ``actor`` is an operator, or None for the command line on the desk's machine. Any
    operator who may see a ticket marks it (and may block its sender with it: they judged
    it); admins manage the list itself.
    """

    def __init__(self, helpdesk: Helpdesk, audit: AuditTrail) -> None:
        self.helpdesk = helpdesk
        self.audit = audit

    async def mark(self, operator: Operator, ref: str, *, block: bool) -> Marked:
        """Close the ticket ``ref`` without a word to its requester (a close sends no mail
        and no survey) and tag it :data:`SPAM_TAG`; with ``block``, block its requester's
        address too (never a domain: one spammer's provider is others' too).

        :raises NotFound: no such ticket, or one ``operator`` may not see.
        """
        ticket, events = await self.helpdesk.tickets.change(
            operator, ref, Edit(status=Status.CLOSED.value, add_tags=[SPAM_TAG])
        )
        address = ticket.requester_email
        if not block or not address:
            return Marked(ticket, None, False, events)
        try:
            entry = await self._add(operator, address, f"spam {ticket.label}")
        except Conflict:
            return Marked(ticket, None, True, events)
        return Marked(ticket, entry, False, events)

    async def mark_many(
        self, operator: Operator, refs: Sequence[str], *, block: bool
    ) -> tuple[list[Ticket], dict[str, str], list[Event]]:
        """:meth:`mark` each of ``refs`` (a spam wave); return the tickets marked, the
        refusals by reference, and the events."""

        async def one(ref: str) -> tuple[Ticket, list[Event]]:
            marked = await self.mark(operator, ref, block=block)
            return marked.ticket, marked.events

        return await each_ticket(refs, one)

    async def entries(self, reader: Operator | None) -> list[BlockedSender]:
        """Return the block list, by pattern (admins only)."""
        self._admin(reader)
        return await self.helpdesk.blocks.entries()

    async def visitors(self, reader: Operator | None) -> list[tuple[Visitor, str | None]]:
        """Return the chat visitors blocked for now, with their latest conversation
        (admins only: an oversight of what operators blocked)."""
        self._admin(reader)
        return await self.helpdesk.blocks.visitors()

    async def block(self, actor: Operator | None, text: str, note: str = "") -> BlockedSender:
        """Block an address or a domain (admins only).

        :raises InvalidPayload: ``invalid_pattern``, ``note_too_long``.
        :raises Conflict: ``already_blocked``.
        """
        self._admin(actor)
        return await self._add(actor, text, note)

    async def unblock(self, actor: Operator | None, text: str) -> str:
        """Take an address or a domain off the list (admins only); return the pattern.

        :raises NotFound: ``not_blocked``.
        """
        self._admin(actor)
        pattern = await self.helpdesk.blocks.remove(text)
        await self.audit.record(actor, AuditAction.SENDER_UNBLOCKED, pattern)
        return pattern

    async def _add(self, actor: Operator | None, text: str, note: str) -> BlockedSender:
        entry = await self.helpdesk.blocks.add(
            text, note=note, created_by=actor.id if actor else ""
        )
        await self.audit.record(actor, AuditAction.SENDER_BLOCKED, entry.pattern, entry.note)
        return entry

    @staticmethod
    def _admin(actor: Operator | None) -> None:
        if actor is not None and not actor.is_admin:
            raise Forbidden("only admins manage the block list")
