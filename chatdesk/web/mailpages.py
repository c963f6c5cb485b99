"""E-mail pages: the console's E-mail page (failures, retry, bounces) and the confirm link."""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from ..errors import ChatdeskError, InvalidToken
from ..mail import Outcome
from ..mailconfig import parse_smtp_url
from ..wire.mail import MailConfirmForm, MailRetryForm
from .appkeys import EVENTS, SERVICES, SETTINGS
from .auth import SESSION, check_csrf, login_required
from .console import base_context
from .forms import read_form
from .mailtexts import kind_name, mail_translator, page_lang

__all__ = ["setup"]

#: The confirmation form's CSRF token before there is anything else (double-submit).
CONFIRM_COOKIE = "chatdesk_mail_csrf"
_PUBLIC_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@login_required
async def mail_page(request: web.Request) -> web.StreamResponse:
    """Admins: whether e-mail is on, failed deliveries with a retry button, bounces."""
    session = request[SESSION]
    services, settings = request.app[SERVICES], request.app[SETTINGS]
    context = await _console(request)
    if not session.operator.is_admin:
        context["denied"] = True
        return aiohttp_jinja2.render_template("console/mail.html", request, context, status=403)
    server = ""
    if settings.smtp_url:
        target = parse_smtp_url(settings.smtp_url)
        server = f"{target.host}:{target.port}"
    failures = await services.mail.outbox.failures()
    context |= {
        "enabled": services.mail.enabled,
        "server": server,
        "sender": settings.mail_from,
        "listen": settings.mail_in_listen,
        "imap": services.mail.imap,
        "failures": failures,
        "labels": await services.mail.outbox.ticket_labels(failures),
        "kind_name": lambda kind: kind_name(kind, context["lang"]),
        "bounces": await services.mail.addresses.bounces(),
        "blocked": len(await services.spam.entries(session.operator)),
        "retried": request.query.get("retried") == "1",
    }
    return aiohttp_jinja2.render_template("console/mail.html", request, context)


@login_required
async def retry(request: web.Request) -> web.StreamResponse:
    """Queue a failed mail again (admins)."""
    session = request[SESSION]
    form = await read_form(request, MailRetryForm)
    check_csrf(session.csrf, form.csrf)
    try:
        await request.app[SERVICES].mail.outbox.retry(session.operator, form.id)
    except ChatdeskError as exc:
        raise _http(exc) from None
    raise web.HTTPSeeOther("/console/mail?retried=1")


async def confirm_page(request: web.Request) -> web.StreamResponse:
    """The link of a held message: a button (mail scanners follow links; only the POST
    takes the message in)."""
    lang = page_lang(request, request.query.get("lang", ""))
    csrf = secrets.token_urlsafe(24)
    response = _public(request, lang, {"state": "ask", "csrf": csrf}, status=200)
    response.set_cookie(
        CONFIRM_COOKIE, csrf, httponly=True, samesite="Strict", path="/mail",
        secure=request.secure or request.headers.get("X-Forwarded-Proto", "") == "https",
    )  # fmt: skip
    return response


async def confirm(request: web.Request) -> web.StreamResponse:
    """Take the held message in; show its ticket's number."""
    form = await read_form(request, MailConfirmForm)
    check_csrf(request.cookies.get(CONFIRM_COOKIE, ""), form.csrf)
    lang = page_lang(request, form.lang)
    services = request.app[SERVICES]
    try:
        received, events = await services.mail.inbound.confirm(request.match_info["token"])
    except InvalidToken:
        return _public(request, lang, {"state": "invalid"}, status=400)
    await request.app[EVENTS].publish(events)
    if received.outcome not in (Outcome.FILED, Outcome.APPENDED) or received.ticket is None:
        return _public(request, lang, {"state": "refused", "reason": received.reason}, status=409)
    ticket = received.ticket
    token = services.helpdesk.links.token(ticket.id, ticket.requester_id)
    context = {"state": "done", "label": ticket.label, "follow": f"/support/t/{token}"}
    response = _public(request, lang, context, status=200)
    response.del_cookie(CONFIRM_COOKIE, path="/mail")
    return response


def _http(exc: ChatdeskError) -> web.HTTPException:
    kinds: dict[int, type[web.HTTPException]] = {403: web.HTTPForbidden, 404: web.HTTPNotFound}
    return kinds.get(exc.status, web.HTTPBadRequest)(text=exc.message)


def _public(
    request: web.Request, lang: str, context: dict[str, Any], *, status: int
) -> web.Response:
    services = request.app[SERVICES]
    context = {"lang": lang, "m": mail_translator(lang), "desk": services.config.name} | context
    response = aiohttp_jinja2.render_template("mail/confirm.html", request, context, status=status)
    response.headers.update(_PUBLIC_HEADERS)
    return response


async def _console(request: web.Request) -> dict[str, Any]:
    # The console's shared context, plus the mail texts.
    context = await base_context(request)
    return context | {"m": mail_translator(context["lang"]), "view": None}


def setup(app: web.Application) -> None:
    """Add the e-mail pages to ``app``."""
    app.router.add_get("/console/mail", mail_page)
    app.router.add_post("/console/mail/retry", retry)
    app.router.add_get("/mail/verify/{token}", confirm_page)
    app.router.add_post("/mail/verify/{token}", confirm)
