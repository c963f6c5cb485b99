"""The requesters' pages: the directory (``/console/requesters``, searched, by
organisation), a requester's page (``/console/requesters/<id>``: details, organisation,
sites, tickets); ``POST /console/requesters/<id>`` corrects their name and phone (a name
missing from an e-mail, a number given on the phone), and ``/signout`` ends their portal
sessions (a shared computer, a lost phone)."""

from __future__ import annotations

import logging

import aiohttp_jinja2
import msgspec
from aiohttp import web

from ..errors import ChatdeskError
from ..helpdesk import ticket_summary
from ..helpdesk.people import clean_note
from ..wire.forms import RequesterEditForm, RequesterSignOutForm, RequestersQuery
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .console import base_context
from .forms import read_form
from .identitypages import MERGE_ERRORS

#: Requesters on a page of the directory.
PER_PAGE = 50


@login_required
async def directory(request: web.Request) -> web.StreamResponse:
    """The directory: a search, an organisation's members, an order, pages of 50."""
    try:
        wanted = msgspec.convert(dict(request.query), RequestersQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise web.HTTPBadRequest(text=f"requesters: {exc}"[:300]) from None
    services = request.app[SERVICES]
    page = await services.helpdesk.directory.search(
        request[SESSION].operator, q=wanted.q, organisation=wanted.org or None,
        sort=wanted.sort, page=wanted.page, per_page=PER_PAGE,
    )  # fmt: skip
    context = await base_context(request) | {
        "view": "requesters",
        "wanted": wanted,
        "found": page.requesters,
        "total": page.total,
        "pages": max(1, -(-page.total // PER_PAGE)),
        "page_url": lambda n: str(request.rel_url.update_query(page=n)),
        "organisations": await services.helpdesk.people.organisations(),
    }
    return aiohttp_jinja2.render_template("console/requesters.html", request, context)


@login_required
async def requester_page(request: web.Request) -> web.StreamResponse:
    """One requester: details (editable), organisation and sites, their latest tickets
    the operator may see, portal sign-out, whether the block list stops them."""
    services = request.app[SERVICES]
    try:
        profile = await services.helpdesk.directory.profile(
            request[SESSION].operator, request.match_info["requester_id"]
        )
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such requester.") from None
    context = await base_context(request) | {
        "view": "requesters",
        "profile": profile,
        "r": profile.requester,
        "tickets": [ticket_summary(t) for t in profile.tickets],
        "namesakes": await services.helpdesk.directory.namesakes(
            request[SESSION].operator, profile.requester
        ),
        "done": request.query.get("done", ""),
        "merge_error": error if (error := request.query.get("merge_error")) in MERGE_ERRORS else "",
    }
    return aiohttp_jinja2.render_template("console/requester.html", request, context)


__all__ = ["setup"]

log = logging.getLogger(__name__)


@login_required
async def edit_requester(request: web.Request) -> web.StreamResponse:
    """Save the requester's details, then back to the ticket, or to their page (303);
    refused: 400 / 404."""
    form = await read_form(request, RequesterEditForm)
    session = request[SESSION]
    check_csrf(session.csrf, form.csrf)
    people = request.app[SERVICES].helpdesk.people
    try:
        requester = await people.get(request.match_info["requester_id"])
        # Checked before anything is saved: a refusal changes nothing.
        note = clean_note(form.note) if form.note is not None else None
        await people.update(requester, name=form.name, phone=form.phone)
        if note is not None and note != requester.note:
            await people.set_note(requester, note)
    except ChatdeskError as exc:
        raise _refused(exc) from None
    log.info("operator %s changed requester %s's details", session.operator.id, requester.id)
    if form.back:
        raise web.HTTPSeeOther(f"/console/t/{form.back}")
    raise web.HTTPSeeOther(f"/console/requesters/{requester.id}?done=updated")


@login_required
async def sign_out(request: web.Request) -> web.StreamResponse:
    """End the requester's portal sessions (audited), then back to the ticket, or to
    their page (303)."""
    form = await read_form(request, RequesterSignOutForm)
    session = request[SESSION]
    check_csrf(session.csrf, form.csrf)
    services = request.app[SERVICES]
    try:
        requester = await services.helpdesk.people.get(request.match_info["requester_id"])
        await services.privacy.sign_out(session.operator, requester.email)
    except ChatdeskError as exc:
        raise _refused(exc) from None
    back = f"/console/t/{form.back}" if form.back else f"/console/requesters/{requester.id}"
    raise web.HTTPSeeOther(f"{back}?done=signed_out")


def _refused(exc: ChatdeskError) -> web.HTTPException:
    return (
        web.HTTPNotFound(text=exc.message)
        if exc.status == 404
        else web.HTTPBadRequest(text=exc.message)
    )


def setup(app: web.Application) -> None:
    """Add the requesters' routes (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/requesters", directory)
    app.router.add_get("/console/requesters/{requester_id}", requester_page)
    app.router.add_post("/console/requesters/{requester_id}", edit_requester)
    app.router.add_post("/console/requesters/{requester_id}/signout", sign_out)
