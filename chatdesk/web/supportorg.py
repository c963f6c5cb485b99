"""``/support/org``: an organisation admin's page in the portal: the members (invite a
colleague, take a member out), the pending invitations, and the site seats with a button
freeing each (the 4th editor of a full site is told to ask them)."""

from __future__ import annotations

import logging
from itertools import groupby

from aiohttp import web

from ..errors import ChatdeskError, NotFound
from ..models import OrgRole, Requester
from ..wire.support import (
    InvitationWithdrawForm,
    MemberInviteForm,
    MemberRemoveForm,
    SeatReleaseForm,
)
from .appkeys import EVENTS, SERVICES
from .forms import read_form
from .supportbase import check_csrf, render, requester_of
from .supportlang import portal_lang

__all__ = ["setup"]

log = logging.getLogger(__name__)


async def _admin(request: web.Request) -> Requester:
    """Return the signed-in organisation admin; send anyone else away."""
    requester = await requester_of(request)
    if requester is None:
        raise web.HTTPSeeOther("/support/signin")
    if requester.organisation_id is None or requester.org_role is not OrgRole.ADMIN:
        raise web.HTTPSeeOther("/support")
    return requester


async def _page(
    request: web.Request,
    admin: Requester,
    *,
    status: int = 200,
    error: str = "",
    lang: str = "",
    typed: str = "",
) -> web.Response:
    services = request.app[SERVICES]
    people = services.helpdesk.people
    assert admin.organisation_id is not None
    org = await people.organisation(admin.organisation_id)
    lang = lang or portal_lang(request)
    seat_field = next((f for f in services.config.helpdesk.fields if f.seats), None)
    seats = await people.seats(org)
    context = {
        "org": org,
        "members": await people.members(org),
        "invitations": await services.helpdesk.orgadmin.pending(org),
        "typed": typed,
        "done": request.query.get("done", "") if not error else "",
        "sites": [(site, [e for _, e in rows]) for site, rows in groupby(seats, lambda r: r[0])],
        "seat_label": seat_field.label.get(lang) or seat_field.id if seat_field else "",
        "cap": people.seat_cap(org),
        "freed": request.query.get("freed") == "1" and not error,
        "error": error,
        "org_admin": True,
    }
    return await render(request, "support/org.html", context, status=status, lang=lang)


async def org_page(request: web.Request) -> web.StreamResponse:
    """The admin's organisation: members and site seats."""
    return await _page(request, await _admin(request))


async def release_seat(request: web.Request) -> web.StreamResponse:
    """Free one editor's seat on one of the admin's own organisation's sites."""
    admin = await _admin(request)
    form = await read_form(request, SeatReleaseForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        return await _page(request, admin, status=403, error="err_csrf", lang=lang)
    services = request.app[SERVICES]
    assert admin.organisation_id is not None
    org = await services.helpdesk.people.organisation(admin.organisation_id)
    try:
        await services.helpdesk.people.release_seat(org, form.site, form.email)
    except NotFound:
        return await _page(request, admin, status=404, error="err_no_seat", lang=lang)
    log.info("site %r: %s freed a seat of %s", form.site, admin.email, form.email)
    raise web.HTTPSeeOther("/support/org?freed=1")


async def invite(request: web.Request) -> web.StreamResponse:
    """Invite a colleague into the admin's organisation: a mail tells them how to join."""
    admin = await _admin(request)
    form = await read_form(request, MemberInviteForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        return await _page(request, admin, status=403, error="err_csrf", lang=lang)
    try:
        _, events = await request.app[SERVICES].helpdesk.orgadmin.invite(admin, form.email)
    except ChatdeskError as exc:
        status = 400 if exc.code == "invalid_email" else 409
        return await _page(
            request, admin, status=status, error=f"err_{exc.code}", lang=lang, typed=form.email
        )
    await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther("/support/org?done=invited")


async def withdraw(request: web.Request) -> web.StreamResponse:
    """End a pending invitation of the admin's organisation."""
    admin = await _admin(request)
    form = await read_form(request, InvitationWithdrawForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        return await _page(request, admin, status=403, error="err_csrf", lang=lang)
    try:
        await request.app[SERVICES].helpdesk.orgadmin.withdraw(admin, form.id)
    except ChatdeskError as exc:
        return await _page(request, admin, status=404, error=f"err_{exc.code}", lang=lang)
    raise web.HTTPSeeOther("/support/org?done=withdrawn")


async def remove(request: web.Request) -> web.StreamResponse:
    """Take a member out of the admin's organisation (their seats are freed)."""
    admin = await _admin(request)
    form = await read_form(request, MemberRemoveForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        return await _page(request, admin, status=403, error="err_csrf", lang=lang)
    try:
        await request.app[SERVICES].helpdesk.orgadmin.remove(admin, form.email)
    except ChatdeskError as exc:
        status = 404 if exc.code == "unknown_requester" else 403
        return await _page(request, admin, status=status, error=f"err_{exc.code}", lang=lang)
    raise web.HTTPSeeOther("/support/org?done=removed")


def setup(app: web.Application) -> None:
    """Add the organisation admin's page to ``app``."""
    app.router.add_get("/support/org", org_page)
    app.router.add_post("/support/org", release_seat)
    app.router.add_post("/support/org/invite", invite)
    app.router.add_post("/support/org/remove", remove)
    app.router.add_post("/support/org/withdraw", withdraw)
