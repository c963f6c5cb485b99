"""``/support/account``: a signed-in requester's own details (name, phone), the download
of everything the desk holds about them (GDPR art. 15/20), and signing out of their
other browsers."""

from __future__ import annotations

import msgspec
from aiohttp import web

from ..errors import ChatdeskError
from ..models import Requester
from ..wire.support import AccountForm, CsrfForm
from .appkeys import SERVICES
from .forms import read_form
from .supportbase import check_csrf, render, signed_in, start_session
from .supportlang import portal_lang
from .supportticket import file_download

__all__ = ["setup"]


async def _page(
    request: web.Request,
    requester: Requester,
    *,
    status: int = 200,
    error: str = "",
    lang: str = "",
    typed: AccountForm | None = None,
) -> web.Response:
    context = {
        "account": requester,
        # Addresses of records of theirs the team merged into this one.
        "addresses": await request.app[SERVICES].helpdesk.identities.addresses(requester),
        "typed": typed,
        "error": error,
        "saved": request.query.get("saved") == "1" and not error,
        "signed_out": request.query.get("done") == "sessions" and not error,
        # [privacy]: how long closed requests keep what identifies them (GDPR art. 13).
        "tickets_kept_days": kept.days
        if (kept := request.app[SERVICES].config.retention.tickets)
        else None,
    }
    return await render(request, "support/account.html", context, status=status, lang=lang)


async def account_page(request: web.Request) -> web.StreamResponse:
    """The requester's details, with a form to change them."""
    return await _page(request, await signed_in(request))


async def save(request: web.Request) -> web.StreamResponse:
    """Change the requester's name, phone and mail language."""
    requester = await signed_in(request)
    form = await read_form(request, AccountForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        return await _page(request, requester, status=403, error="err_csrf", lang=lang)
    try:
        await request.app[SERVICES].helpdesk.people.update(
            requester, name=form.name, phone=form.phone
        )
    except ChatdeskError as exc:
        error = f"err_account_{exc.code}"
        return await _page(request, requester, status=400, error=error, lang=lang, typed=form)
    raise web.HTTPSeeOther("/support/account?saved=1")


async def end_sessions(request: web.Request) -> web.StreamResponse:
    """Sign the requester out of every other browser; this one gets a new session."""
    requester = await signed_in(request)
    form = await read_form(request, CsrfForm)
    lang = portal_lang(request, form.lang)
    if not check_csrf(request, form.csrf):
        return await _page(request, requester, status=403, error="err_csrf", lang=lang)
    signin = request.app[SERVICES].helpdesk.signin
    try:
        ended = await signin.end_sessions(requester)
    except ChatdeskError as exc:
        error = f"err_account_{exc.code}"
        return await _page(request, requester, status=400, error=error, lang=lang)
    response = web.HTTPSeeOther("/support/account?done=sessions")
    start_session(request, response, signin.new_session(ended))
    raise response


async def export(request: web.Request) -> web.StreamResponse:
    """Everything the desk holds about the requester, as a JSON download."""
    requester = await signed_in(request)
    data = await request.app[SERVICES].helpdesk.views.export(requester)
    body = msgspec.json.format(msgspec.json.encode(data))
    return file_download("my-data.json", "application/json", body)


def setup(app: web.Application) -> None:
    """Add the requester's account page to ``app``."""
    app.router.add_get("/support/account", account_page)
    app.router.add_post("/support/account", save)
    app.router.add_get("/support/account/export", export)
    app.router.add_post("/support/account/sessions", end_sessions)
