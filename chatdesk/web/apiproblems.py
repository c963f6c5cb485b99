"""The REST API's problem tickets: link a ticket to the problem it is about (an outage's
ticket), unlink it, and send one reply to every ticket linked to a problem (a status page
or a monitoring system telling each affected customer)."""

from __future__ import annotations

from aiohttp import web

from ..models import Status
from ..wire.apiproblems import ApiLinkedReplyIn, ApiLinkedReplyOut, ApiProblemIn, ApiProblemLink
from .apigate import OPERATOR, publish, read_json, reply
from .apiviews import ticket_out
from .appkeys import SERVICES

__all__ = ["link_problem", "reply_linked", "unlink_problem"]


async def link_problem(request: web.Request) -> web.StreamResponse:
    """Link this ticket to the problem ticket `problem` (moving it from another problem).
    `404 unknown_problem`; `409`: `ticket_closed` (either is closed), `same_ticket`,
    `problem_is_linked` (the problem is linked to another itself), `has_linked_tickets`
    (tickets are linked to this one: it is a problem). Answers both tickets."""
    body = await read_json(request, ApiProblemIn)
    problems = request.app[SERVICES].helpdesk.problems
    operator = request[OPERATOR]
    ticket, events = await problems.link(operator, request.match_info["ref"], body.problem)
    await publish(request, events)
    problem = await problems.problem(operator, body.problem)
    return reply(ApiProblemLink(ticket=ticket_out(ticket), problem=ticket_out(problem)))


async def unlink_problem(request: web.Request) -> web.StreamResponse:
    """Unlink this ticket from its problem ticket (204 whether it was linked or not)."""
    problems = request.app[SERVICES].helpdesk.problems
    _, events = await problems.unlink(request[OPERATOR], request.match_info["ref"])
    await publish(request, events)
    return web.Response(status=204)


async def reply_linked(request: web.Request) -> web.StreamResponse:
    """Send `text` as a public reply to each ticket linked to this problem ticket that is
    not closed (each requester gets it by mail), each moving to `status` where its own
    status allows it; the problem's history counts them. Post on the problem itself with
    `POST .../messages`. A retry with the same `client_id` posts nothing twice."""
    body = await read_json(request, ApiLinkedReplyIn)
    problems = request.app[SERVICES].helpdesk.problems
    operator = request[OPERATOR]
    problem = await problems.problem(operator, request.match_info["ref"])
    done, events = await problems.reply_linked(
        operator, problem, body.text, then=Status(body.status) if body.status else None,
        hold_until=body.hold_until, client_id=body.client_id,
    )  # fmt: skip
    await publish(request, events)
    return reply(
        ApiLinkedReplyOut(
            sent=[t.id for t in done.sent], refused={t.id: why for t, why in done.refused}
        )
    )
