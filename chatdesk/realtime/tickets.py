"""The ``/operator`` namespace's ticket events: lists, a ticket's page, replies, edits."""

from __future__ import annotations

import hashlib
from typing import Any

from ..errors import InvalidPayload, RateLimited
from ..helpdesk import Edit, ticket_summary
from ..helpdesk.console import PER_PAGE, request_filter
from ..models import Operator, Status
from ..services import Services
from ..wire import decode
from ..wire.console import (
    TicketBulkIn,
    TicketChangeIn,
    TicketFromChatIn,
    TicketMergeIn,
    TicketPresenceIn,
    TicketRefIn,
    TicketReplyIn,
    TicketsIn,
)
from ..wire.visitor import NothingIn
from . import rooms
from .namespace import BaseNamespace, acked
from .publish import Publisher
from .throttle import TokenBucket

__all__ = ["TicketEvents", "presence_tab"]

#: How many tickets' presence one console connection follows at once (a page shows one).
MAX_FOLLOWED = 10
#: Roll calls one console connection may ask for (each has every ticket page answer):
#: a list asks once when it opens and after each reconnection.
ROLL_CALL_RATE = (1 / 10, 3)


def presence_tab(sid: str) -> str:
    """Return a console connection's id as its ticket presence names it (not the sid)."""
    return hashlib.blake2b(sid.encode(), digest_size=6).hexdigest()


class TicketEvents(BaseNamespace):
    """Handlers of the console's ticket events (docs/protocol.md, "Tickets");
    :class:`~chatdesk.realtime.OperatorNamespace` inherits them. Every change is
    published: each console then gets the ticket's new summary (``ticket``)."""

    services: Services
    publisher: Publisher
    #: Each connection's roll calls (``on_ticket_roll_call``), forgotten when it goes.
    roll_calls: dict[str, TokenBucket]

    async def _operator(self, sid: str) -> Operator:
        raise NotImplementedError  # the namespace's own: session, account, flood bucket

    @acked
    async def on_tickets(self, sid: str, data: Any) -> dict[str, Any]:
        """Return a page of a ticket view with filters."""
        request = decode(TicketsIn, data, "tickets")
        operator = await self._operator(sid)
        page = await self.services.helpdesk.views.list(operator, request_filter(request))
        badges = await self.services.helpdesk.problems.badges(operator, page.tickets)
        return {
            "tickets": [ticket_summary(t) | badges.get(t.id, {}) for t in page.tickets],
            "total": page.total,
            "page": request.page,
            "per_page": PER_PAGE,
        }

    @acked
    async def on_ticket_watch(self, sid: str, data: Any) -> dict[str, Any]:
        """Return a ticket's page: thread, history, files, moves, requester, the desk's
        time (its changes then come as ``ticket`` events, like every list's)."""
        ref = decode(TicketRefIn, data, "ticket_watch").ref
        operator = await self._operator(sid)
        return await self.services.helpdesk.console.page(operator, ref)

    @acked
    async def on_ticket_presence(self, sid: str, data: Any) -> dict[str, Any]:
        """Join (or leave) a ticket's viewers and tell the others: who views or replies."""
        request = decode(TicketPresenceIn, data, "ticket_presence")
        operator = await self._operator(sid)
        tab = presence_tab(sid)
        ticket_id, events = await self.services.helpdesk.console.presence(
            operator, request.ref, request.state, tab, to=request.to
        )
        room = rooms.ticket(ticket_id)
        if request.state == "left":
            await self.leave_room(sid, room)
        else:
            followed = self.followed(sid)
            if room.removeprefix(rooms.TICKET_PREFIX) not in followed:
                if len(followed) >= MAX_FOLLOWED:
                    raise RateLimited(
                        "too many tickets open in this console; close some",
                        code="too_many_tickets",
                    )
                await self.enter_room(sid, room)
        await self.publisher.publish(events)
        return {"tab": tab}

    @acked
    async def on_ticket_roll_call(self, sid: str, data: Any) -> dict[str, Any]:
        """A ticket list opened: have every console's ticket pages say at once who is on
        which ticket (the lists would learn of them at their next beat, 25 s)."""
        decode(NothingIn, data, "ticket_roll_call")
        operator = await self._operator(sid)
        bucket = self.roll_calls.get(sid)
        if bucket is None:
            bucket = self.roll_calls[sid] = TokenBucket(*ROLL_CALL_RATE)
        self.check_bucket(bucket)
        events = self.services.helpdesk.console.roll_call(operator, presence_tab(sid))
        await self.publisher.publish(events)
        return {}

    def followed(self, sid: str) -> list[str]:
        """Return the ids of the tickets whose presence a console connection follows."""
        prefix = rooms.TICKET_PREFIX
        return [r.removeprefix(prefix) for r in self.rooms(sid) if r.startswith(prefix)]

    @acked
    async def on_ticket_reply(self, sid: str, data: Any) -> dict[str, Any]:
        """Reply to the requester, or add an internal note (stored before the ack)."""
        request = decode(TicketReplyIn, data, "ticket_reply")
        operator = await self._operator(sid)
        message, ticket, events = await self.services.helpdesk.tickets.reply(
            request.ref, operator, request.text,
            internal=request.internal, client_id=request.client_id,
            then=Status(request.status) if request.status else None, tags=request.tags,
            hold_until=request.hold_until or None, time_spent=request.time_spent_minutes,
        )  # fmt: skip
        await self.publisher.publish(events)
        return {
            "message": {"source": "ticket", **message.to_payload()},
            "ticket": ticket_summary(ticket),
        }

    @acked
    async def on_ticket_change(self, sid: str, data: Any) -> dict[str, Any]:
        """Change a ticket's fields (the status through the state machine)."""
        r = decode(TicketChangeIn, data, "ticket_change")
        operator = await self._operator(sid)
        edit = Edit(
            status=r.status, priority=r.priority, department=r.department,
            assignee=r.assignee, unassign=r.unassign, type=r.type, subject=r.subject,
            fields=r.fields, cc=r.cc, tags=r.tags, hold_until=r.hold_until,
        )  # fmt: skip
        ticket, events = await self.services.helpdesk.tickets.change(operator, r.ref, edit)
        await self.publisher.publish(events)
        return {"ticket": ticket_summary(ticket)}

    @acked
    async def on_ticket_merge(self, sid: str, data: Any) -> dict[str, Any]:
        """Merge a ticket into another; ack the target."""
        request = decode(TicketMergeIn, data, "ticket_merge")
        operator = await self._operator(sid)
        target, events = await self.services.helpdesk.tickets.merge(
            operator, request.ref, request.into
        )
        await self.publisher.publish(events)
        return {"ticket": ticket_summary(target)}

    @acked
    async def on_ticket_bulk(self, sid: str, data: Any) -> dict[str, Any]:
        """Assign, close, move, tag, link to a problem or mark as spam many tickets at
        once; refusals are listed, not raised."""
        request = decode(TicketBulkIn, data, "ticket_bulk")
        given = (
            request.assignee is not None, request.close, request.status is not None,
            request.tag is not None, request.spam, request.problem is not None,
        )  # fmt: skip
        if sum(given) != 1 or (request.block and not request.spam):
            raise InvalidPayload(
                "give exactly one of `assignee`, `close`, `status`, `tag`, `problem` and"
                " `spam` (`block` goes with `spam`)"
            )
        operator = await self._operator(sid)
        status = "closed" if request.close else request.status
        if request.spam:
            changed, refused, events = await self.services.spam.mark_many(
                operator, request.refs, block=request.block
            )
        elif request.problem is not None:
            changed, refused, events = await self.services.helpdesk.problems.link_many(
                operator, request.refs, request.problem
            )
        else:
            changed, refused, events = await self.services.helpdesk.tickets.bulk(
                operator, request.refs, assignee=request.assignee, status=status, tag=request.tag
            )
        await self.publisher.publish(events)
        return {"changed": [t.id for t in changed], "refused": refused}

    @acked
    async def on_ticket_from_chat(self, sid: str, data: Any) -> dict[str, Any]:
        """Make a conversation's ticket a proper one (type, priority, fields), or file a
        new one on it."""
        r = decode(TicketFromChatIn, data, "ticket_from_chat")
        operator = await self._operator(sid)
        edit = Edit(
            priority=r.priority, department=r.department, type=r.type, subject=r.subject,
            fields=r.fields,
        )  # fmt: skip
        ticket, events = await self.services.helpdesk.chat.from_conversation(
            operator, r.conversation_id, edit, new=r.new
        )
        await self.publisher.publish(events)
        return {"ticket": ticket_summary(ticket)}
