"""The REST API's acts on one ticket beside its changes: merging it into another,
marking it as spam, splitting a requester's message off into a new ticket."""

from __future__ import annotations

from aiohttp import web

from ..wire.api import ApiMergeIn, ApiSpamIn, ApiSplitIn
from .apigate import API_PREFIX, OPERATOR, publish, read_json, reply
from .apiviews import ticket_out
from .appkeys import SERVICES

__all__ = ["mark_spam", "merge_ticket", "split_ticket"]


async def merge_ticket(request: web.Request) -> web.StreamResponse:
    """Merge this ticket into `into`: its messages and files move there, it closes as
    merged, and its requester is told. Answers the ticket merged into."""
    body = await read_json(request, ApiMergeIn)
    target, events = await request.app[SERVICES].helpdesk.tickets.merge(
        request[OPERATOR], _ref(request), body.into
    )
    await publish(request, events)
    return reply(ticket_out(target))


async def mark_spam(request: web.Request) -> web.StreamResponse:
    """Mark this ticket as spam: it closes without a word to its requester (no mail, no
    survey) and gets the tag `spam`; with `block`, its requester's address is blocked.
    Answers the ticket."""
    body = await read_json(request, ApiSpamIn)
    marked = await request.app[SERVICES].spam.mark(
        request[OPERATOR], _ref(request), block=body.block
    )
    await publish(request, marked.events)
    return reply(ticket_out(marked.ticket))


async def split_ticket(request: web.Request) -> web.StreamResponse:
    """Copy a requester's message of this ticket, with its files, into a new ticket of
    its author (this ticket's type, department, priority, language, fields and Cc), under
    `subject`; this ticket keeps it. `404 unknown_message` for anything but a
    requester's public message here. Answers the new ticket."""
    body = await read_json(request, ApiSplitIn)
    ticket, events = await request.app[SERVICES].helpdesk.split.split(
        request[OPERATOR], _ref(request), body.message_id, body.subject
    )
    await publish(request, events)
    return reply(ticket_out(ticket), 201, headers={"Location": f"{API_PREFIX}/tickets/{ticket.id}"})


def _ref(request: web.Request) -> str:
    return request.match_info["ref"]
