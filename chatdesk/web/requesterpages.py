"""``POST /console/requesters/<id>``: an operator corrects a requester's name and phone from
a ticket's requester panel (a name missing from an e-mail, a number given on the phone),
and ``/signout`` ends their portal sessions (a shared computer, a lost phone)."""

from __future__ import annotations

import logging

from aiohttp import web

from ..errors import ChatdeskError
from ..wire.forms import RequesterEditForm, RequesterSignOutForm
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .forms import read_form

__all__ = ["setup"]

log = logging.getLogger(__name__)


@login_required
async def edit_requester(request: web.Request) -> web.StreamResponse:
    """Save the requester's details, then back to the ticket (303); refused: 400 / 404."""
    form = await read_form(request, RequesterEditForm)
    session = request[SESSION]
    check_csrf(session.csrf, form.csrf)
    people = request.app[SERVICES].helpdesk.people
    try:
        requester = await people.get(request.match_info["requester_id"])
        await people.update(requester, name=form.name, phone=form.phone)
    except ChatdeskError as exc:
        raise _refused(exc) from None
    log.info("operator %s changed requester %s's details", session.operator.id, requester.id)
    raise web.HTTPSeeOther(f"/console/t/{form.back}" if form.back else "/console/tickets")


@login_required
async def sign_out(request: web.Request) -> web.StreamResponse:
    """End the requester's portal sessions (audited), then back to the ticket (303)."""
    form = await read_form(request, RequesterSignOutForm)
    session = request[SESSION]
    check_csrf(session.csrf, form.csrf)
    services = request.app[SERVICES]
    try:
        requester = await services.helpdesk.people.get(request.match_info["requester_id"])
        await services.privacy.sign_out(session.operator, requester.email)
    except ChatdeskError as exc:
        raise _refused(exc) from None
    back = f"/console/t/{form.back}" if form.back else "/console/tickets"
    raise web.HTTPSeeOther(f"{back}?done=signed_out")


def _refused(exc: ChatdeskError) -> web.HTTPException:
    return (
        web.HTTPNotFound(text=exc.message)
        if exc.status == 404
        else web.HTTPBadRequest(text=exc.message)
    )


def setup(app: web.Application) -> None:
    """Add the requester route (before the console's catch-all ``/console/{view}``)."""
    app.router.add_post("/console/requesters/{requester_id}", edit_requester)
    app.router.add_post("/console/requesters/{requester_id}/signout", sign_out)
