"""``/support/org``: an organisation admin's page in the portal: the members (invite a
colleague, take a member out), the pending invitations, and the site seats with a button
freeing each (the 4th editor of a full site is told to ask them)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from itertools import groupby
from typing import Any

from aiohttp import web

from ..errors import ChatdeskError
from ..events import Event
from ..models import OrgRole, Requester
from ..wire.support import (
    InvitationWithdrawForm,
    MemberInviteForm,
    MemberRemoveForm,
    SeatReleaseForm,
)
from .appkeys import EVENTS, SERVICES
from .forms import read_form
from .supportbase import check_csrf, render, signed_in
from .supportlang import portal_lang
from .supportticket import file_download, ticket_page_for

__all__ = ["setup"]

log = logging.getLogger(__name__)


async def _admin(request: web.Request) -> Requester:
    """Return the signed-in organisation admin; send anyone else away."""
    requester = await signed_in(request)
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
        "domains": await services.helpdesk.domains.of(org),
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


Action = Callable[[Requester, Any], Awaitable[list[Event] | None]]


async def _act(
    request: web.Request, kind: type[Any], act: Action, done: str, *, keep: str = ""
) -> web.StreamResponse:
    """Do what the admin's posted form asks (``act``), then back to the page with ``done``;
    refused, the page says why (``err_<code>``, the error's status), with the typed
    ``keep`` field."""
    admin = await _admin(request)
    form = await read_form(request, kind)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        return await _page(request, admin, status=403, error="err_csrf", lang=lang)
    try:
        events = await act(admin, form)
    except ChatdeskError as exc:
        typed = getattr(form, keep, "") if keep else ""
        return await _page(
            request, admin, status=exc.status, error=f"err_{exc.code}", lang=lang, typed=typed
        )
    if events:
        await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther(f"/support/org?{done}")


async def release_seat(request: web.Request) -> web.StreamResponse:
    """Free one editor's seat on one of the admin's own organisation's sites."""
    people = request.app[SERVICES].helpdesk.people

    async def act(admin: Requester, form: SeatReleaseForm) -> None:
        assert admin.organisation_id is not None
        org = await people.organisation(admin.organisation_id)
        await people.release_seat(org, form.site, form.email, by=admin.name or admin.email)
        log.info("site %r: %s freed a seat of %s", form.site, admin.email, form.email)

    return await _act(request, SeatReleaseForm, act, "freed=1")


async def invite(request: web.Request) -> web.StreamResponse:
    """Invite a colleague into the admin's organisation: a mail tells them how to join."""
    orgadmin = request.app[SERVICES].helpdesk.orgadmin

    async def act(admin: Requester, form: MemberInviteForm) -> list[Event]:
        _, events = await orgadmin.invite(admin, form.email)
        return events

    return await _act(request, MemberInviteForm, act, "done=invited", keep="email")


async def withdraw(request: web.Request) -> web.StreamResponse:
    """End a pending invitation of the admin's organisation."""
    orgadmin = request.app[SERVICES].helpdesk.orgadmin

    async def act(admin: Requester, form: InvitationWithdrawForm) -> None:
        await orgadmin.withdraw(admin, form.id)

    return await _act(request, InvitationWithdrawForm, act, "done=withdrawn")


async def remove(request: web.Request) -> web.StreamResponse:
    """Take a member out of the admin's organisation (their seats are freed)."""
    orgadmin = request.app[SERVICES].helpdesk.orgadmin

    async def act(admin: Requester, form: MemberRemoveForm) -> None:
        await orgadmin.remove(admin, form.email)

    return await _act(request, MemberRemoveForm, act, "done=removed")


async def org_ticket(request: web.Request) -> web.StreamResponse:
    """A ticket of the admin's organisation, to read: no reply, no closing, no rating
    (its requester does that through their own link)."""
    admin = await _admin(request)
    views = request.app[SERVICES].helpdesk.views
    try:
        ticket = await views.org_ticket(admin, request.match_info["ticket_id"])
    except ChatdeskError:
        return await render(request, "support/error.html", {"message": "err_not_found"}, status=404)
    # The organisation's tabs, its list's the current one.
    extra = {"files_at": f"/support/org/t/{ticket.id}/files", "org_admin": True,
             "organisation": True}  # fmt: skip
    return await ticket_page_for(
        request, ticket, None, template="support/orgticket.html", extra=extra, viewer=admin
    )


async def org_file(request: web.Request) -> web.StreamResponse:
    """A public file of a ticket of the admin's organisation: a download."""
    admin = await _admin(request)
    views = request.app[SERVICES].helpdesk.views
    try:
        # Checked on the file's own ticket: one of the admin's organisation's, public.
        name, content_type, data = await views.attachment(
            request.match_info["file_id"], org_admin=admin
        )
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such file.") from None
    return file_download(name, content_type, data)


def setup(app: web.Application) -> None:
    """Add the organisation admin's page to ``app``."""
    app.router.add_get("/support/org", org_page)
    app.router.add_post("/support/org", release_seat)
    app.router.add_post("/support/org/invite", invite)
    app.router.add_post("/support/org/remove", remove)
    app.router.add_post("/support/org/withdraw", withdraw)
    app.router.add_get("/support/org/t/{ticket_id}", org_ticket)
    app.router.add_get("/support/org/t/{ticket_id}/files/{file_id}", org_file)
