"""Requesters signing in by e-mail link, their list of tickets (``/support``), signing out."""

from __future__ import annotations

from aiohttp import web

from ..errors import ChatdeskError, RateLimited
from ..models import TicketType
from ..wire.support import CsrfForm, SignInForm
from .appkeys import EVENTS, SERVICES
from .forms import read_form
from .supportbase import SESSION_COOKIE, check_csrf, render, signed_in, start_session
from .supportlang import portal_lang

__all__ = ["setup"]

_PER_PAGE = 50


async def tickets(request: web.Request) -> web.StreamResponse:
    """The signed-in requester's tickets (``?org=1``: an organisation admin's view of the
    organisation's); anyone else is asked to sign in."""
    requester = await signed_in(request)
    services = request.app[SERVICES]
    org_admin = requester.organisation_id is not None and requester.org_role.value == "admin"
    organisation = org_admin and request.query.get("org") == "1"
    page_text = request.query.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 10_000 else 1
    found = await services.helpdesk.views.requester_tickets(
        requester, organisation=organisation, page=page
    )
    links = services.helpdesk.links
    rows = [
        {
            "ticket": ticket,
            # One's own open on their follow link (it acts as its requester); an admin
            # reads the organisation's others on a page without replying (complaints stay
            # their author's).
            "link": f"/support/t/{links.token(ticket.id, ticket.requester_id)}"
            if ticket.requester_id == requester.id
            else f"/support/org/t/{ticket.id}"
            if organisation and ticket.type is not TicketType.COMPLAINT
            else None,
        }
        for ticket in found.tickets
    ]
    context = {
        "rows": rows,
        "total": found.total,
        "page": page,
        "pages": max(1, -(-found.total // _PER_PAGE)),
        "org_admin": org_admin,
        "organisation": organisation,
    }
    return await render(request, "support/list.html", context)


async def signin_page(request: web.Request) -> web.StreamResponse:
    """The form asking for an e-mail address."""
    out = "signed_out" if request.query.get("out") else ""
    return await render(request, "support/signin.html", {"sent": False, "notice": out})


async def signin(request: web.Request) -> web.StreamResponse:
    """Send a link if the address is known; say the same whatever happens."""
    form = await read_form(request, SignInForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        context = {"sent": False, "error": "err_csrf", "email": form.email}
        return await render(request, "support/signin.html", context, status=403, lang=lang)
    client = request.remote or "unknown"
    try:
        events = await request.app[SERVICES].helpdesk.signin.request(
            form.email, client=client, lang=lang
        )
    except RateLimited:
        context = {"sent": False, "error": "err_rate_limited", "email": form.email}
        return await render(request, "support/signin.html", context, status=429, lang=lang)
    except ChatdeskError:
        context = {"sent": False, "error": "err_invalid_email", "email": form.email}
        return await render(request, "support/signin.html", context, status=400, lang=lang)
    await request.app[EVENTS].publish(events)
    return await render(request, "support/signin.html", {"sent": True}, lang=lang)


async def confirm_page(request: web.Request) -> web.StreamResponse:
    """A sign-in link opened: a button to use it (mail scanners open links too)."""
    try:
        requester = await request.app[SERVICES].helpdesk.signin.check_link(
            request.match_info["token"]
        )
    except ChatdeskError as exc:
        context = {"sent": False, "error": f"err_{exc.code}"}
        return await render(request, "support/signin.html", context, status=400)
    return await render(request, "support/confirm.html", {"email": requester.email})


async def confirm(request: web.Request) -> web.StreamResponse:
    """Use the link: the requester's session starts."""
    form = await read_form(request, CsrfForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        context = {"sent": False, "error": "err_csrf"}
        return await render(request, "support/signin.html", context, status=403, lang=lang)
    try:
        _, session = await request.app[SERVICES].helpdesk.signin.use_link(
            request.match_info["token"]
        )
    except ChatdeskError as exc:
        context = {"sent": False, "error": f"err_{exc.code}"}
        return await render(request, "support/signin.html", context, status=400, lang=lang)
    response = web.HTTPSeeOther("/support")
    start_session(request, response, session)
    raise response


async def signout(request: web.Request) -> web.StreamResponse:
    """End the requester's session in this browser."""
    form = await read_form(request, CsrfForm)
    if not check_csrf(request, form.csrf):
        raise web.HTTPForbidden(text="This form has expired; reload the page and try again.")
    response = web.HTTPSeeOther("/support/signin?out=1")
    response.del_cookie(SESSION_COOKIE, path="/support")
    raise response


def setup(app: web.Application) -> None:
    """Add the sign-in routes and the requester's list to ``app``."""
    app.router.add_get("/support", tickets)
    app.router.add_get("/support/signin", signin_page)
    app.router.add_post("/support/signin", signin)
    app.router.add_get("/support/signin/{token}", confirm_page)
    app.router.add_post("/support/signin/{token}", confirm)
    app.router.add_post("/support/signout", signout)
