"""The console's privacy page (admins): ``/console/privacy`` finds a requester by e-mail,
downloads what the desk holds about them (GDPR art. 15) and erases them (art. 17), through
the services ``chatdesk requesters export | forget`` use."""

from __future__ import annotations

import msgspec
from aiohttp import web

from ..errors import InvalidPayload, NotFound
from ..wire.forms import PrivacyEraseForm
from .adminpages import PageError, admin_page, render_admin
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .forms import read_form

__all__ = ["setup"]

_PAGE = "console/privacy.html"


@login_required
async def privacy_page(request: web.Request) -> web.StreamResponse:
    """The look-up form; a requester's summary with the download and erase forms."""
    context = await admin_page(request, _PAGE)
    if isinstance(context, web.Response):
        return context
    services = request.app[SERVICES]
    error: PageError | None = None
    if request.method == "POST":
        form = await read_form(request, PrivacyEraseForm)
        check_csrf(request[SESSION].csrf, form.csrf)
        if form.confirm.strip().lower() != form.email.strip().lower():
            error = PageError("err_privacy_confirm")
        else:
            try:
                operator = request[SESSION].operator
                count = await services.privacy.forget(operator, form.email)
            except (NotFound, InvalidPayload):
                error = PageError("privacy_none", form.email)
            else:
                raise web.HTTPSeeOther(f"/console/privacy?erased={count}")
    email = request.query.get("email", "").strip()[:320]
    requester, tickets = None, 0
    if email:
        try:
            requester = await services.helpdesk.people.find(email)
        except (NotFound, InvalidPayload):  # unknown, or not an address at all
            pass
        else:
            tickets = (await services.helpdesk.views.requester_tickets(requester)).total
    organisation = None
    if requester is not None and requester.organisation_id:
        organisation = await services.helpdesk.people.organisation(requester.organisation_id)
    erased = request.query.get("erased", "")
    context |= {
        "email": email,
        "requester": requester,
        "organisation": organisation,
        "tickets": tickets,
        "erased": int(erased) if erased.isdigit() and error is None else None,
        "retention": services.config.retention,
    }
    return render_admin(request, _PAGE, context, error)


@login_required
async def privacy_export(request: web.Request) -> web.StreamResponse:
    """A requester's data as a JSON download (admins)."""
    if not request[SESSION].operator.is_admin:
        raise web.HTTPForbidden(text="only admins handle requests about personal data")
    email = request.query.get("email", "").strip()[:320]
    privacy = request.app[SERVICES].privacy
    try:
        data = await privacy.export(request[SESSION].operator, email)
    except (NotFound, InvalidPayload):
        raise web.HTTPNotFound(text=f"no requester {email!r}") from None
    name = "chatdesk-requester-" + "".join(c if c.isalnum() else "-" for c in email) + ".json"
    return web.Response(
        body=msgspec.json.format(msgspec.json.encode(data)),
        content_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def setup(app: web.Application) -> None:
    """Add the privacy pages (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/privacy", privacy_page)
    app.router.add_get("/console/privacy/export", privacy_export)
