"""The ticket page's links to a problem ticket: link a ticket to the problem it is about
(an outage's), unlink it; a refusal is said on the page, in the panel."""

from __future__ import annotations

from aiohttp import web

from ..errors import ChatdeskError
from ..wire.forms import TicketLinkForm, TicketUnlinkForm
from .appkeys import EVENTS, SERVICES
from .auth import SESSION, check_csrf, login_required
from .forms import read_form

__all__ = ["LINK_ERRORS", "setup"]

#: The page's text for each refusal (``?link_error=<code>``; anything else says nothing).
LINK_ERRORS = {
    "unknown_problem": "link_err_unknown",
    "ticket_closed": "link_err_closed",
    "same_ticket": "link_err_same",
    "problem_is_linked": "link_err_chain",
    "has_linked_tickets": "link_err_has",
}


@login_required
async def link(request: web.Request) -> web.StreamResponse:
    """Link the ticket to a problem ticket; back to its page (with the refusal, if any)."""
    session = request[SESSION]
    form = await read_form(request, TicketLinkForm)
    check_csrf(session.csrf, form.csrf)
    ref = request.match_info["ref"]
    try:
        ticket, events = await request.app[SERVICES].helpdesk.problems.link(
            session.operator, ref, form.problem
        )
    except ChatdeskError as exc:
        if exc.code not in LINK_ERRORS:
            raise web.HTTPNotFound(text="No such ticket.") from None
        raise web.HTTPSeeOther(f"/console/t/{ref}?link_error={exc.code}#links-h") from None
    await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther(f"/console/t/{ticket.id}#links-h")


@login_required
async def unlink(request: web.Request) -> web.StreamResponse:
    """Unlink the ticket from its problem ticket; back to its page."""
    session = request[SESSION]
    form = await read_form(request, TicketUnlinkForm)
    check_csrf(session.csrf, form.csrf)
    try:
        ticket, events = await request.app[SERVICES].helpdesk.problems.unlink(
            session.operator, request.match_info["ref"]
        )
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such ticket.") from None
    await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther(f"/console/t/{ticket.id}#links-h")


def setup(app: web.Application) -> None:
    """Add the link forms' routes (before the console's catch-all ``/console/{view}``)."""
    app.router.add_post("/console/t/{ref}/link", link)
    app.router.add_post("/console/t/{ref}/unlink", unlink)
