"""The web form ``/support/new`` (ALTCHA, attachments), its challenge and assets, and the
portal's routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from ..errors import ChatdeskError, Forbidden, InvalidFields, InvalidPayload, TooLarge
from ..helpdesk import NewTicket, Refused
from ..wire import decode
from ..wire.support import NewTicketForm
from . import helpapi, supportaccount, supportorg, supportsignin, supportticket
from .appkeys import EVENTS, SERVICES
from .supportbase import check_csrf, render, requester_of, security_headers
from .supportform import form_choices
from .supportlang import portal_lang, translator
from .supportupload import Posted, file_problems, read_posted, too_large_text
from .widget import DIST_DIR, Bundle

__all__ = ["setup"]

_STATIC = Path(__file__).parent / "static" / "support"
#: Errors of the challenge and the filing service, by code: the form field they belong to
#: and what the requester reads there.
_FIELD_OF = {
    "challenge_missing": ("altcha", "err_challenge_missing"),
    "challenge_failed": ("altcha", "err_challenge_failed"),
    "challenge_used": ("altcha", "err_challenge_used"),
    "invalid_email": ("email", "err_invalid_email"),
    "subject": ("subject", "err_subject"),
    "text": ("description", "err_text"),
    "type": ("type", "err_choice"),
    "department": ("department", "err_choice"),
    "not_found": ("concerning", "err_concerning"),
    "name": ("name", "err_name_required"),
    "phone": ("phone", "err_phone_required"),
}


async def new_form(request: web.Request) -> web.StreamResponse:
    """Show the empty form; links may preset its type, priority and department
    (``?type=incident&priority=high&department=technical``: unknown values choose
    nothing); a signed-in requester finds their e-mail, name and phone filled in."""
    preset = {key: request.query.get(key, "")[:40] for key in ("type", "priority", "department")}
    # Signed in: their details are filled in (they may still change them for this request).
    if (requester := await requester_of(request)) is not None:
        preset |= {"email": requester.email, "name": requester.name, "phone": requester.phone}
    return await _form(request, portal_lang(request), preset)


async def submit(request: web.Request) -> web.StreamResponse:
    """File the ticket, then go to its follow page; or show the form again, with every
    problem next to its field in the requester's language."""
    services = request.app[SERVICES]
    limits = services.config.helpdesk.attachments
    lang = portal_lang(request)
    try:
        posted = await read_posted(request, max_file=limits.max_file, max_total=limits.max_ticket)
    except TooLarge:
        return await _form(request, lang, {}, {"attachments": "err_too_large"}, 413)
    except InvalidPayload:
        return await _form(request, lang, {}, {"": "err_bad_form"}, 400)
    lang = portal_lang(request, posted.values.get("lang", ""))
    values: dict[str, Any] = {**posted.values, "fields": posted.fields}
    sent = bool(posted.files)
    if not check_csrf(request, posted.values.get("csrf", "")):
        return await _form(request, lang, values, {"": "err_csrf"}, 403, files=sent)
    try:
        form = decode(NewTicketForm, values, "support")
    except InvalidPayload:
        return await _form(request, lang, values, {"": "err_bad_form"}, 400, files=sent)
    t = translator(lang, services.config.hours.timezone)
    refused = file_problems(services.helpdesk.filing, posted.files, t)
    if refused:
        return await _form(request, lang, values, {"attachments": refused}, 400, files=sent)
    try:
        await services.helpdesk.challenges.verify(form.altcha)
        ticket, events = await services.helpdesk.filing.file(_new_ticket(form, posted, lang))
    except Refused as exc:
        await request.app[EVENTS].publish(exc.events)
        return await _form(request, lang, values, {"refused": exc.message}, exc.status, files=sent)
    except Forbidden as exc:
        return await _form(request, lang, values, {"refused": exc.message}, exc.status, files=sent)
    except InvalidFields as exc:
        errors = {f"field.{k}": v for k, v in exc.fields.items()}
        return await _form(request, lang, values, errors, exc.status, files=sent)
    except TooLarge:
        return await _form(request, lang, values, {"attachments": "err_too_large"}, 413, files=sent)
    except ChatdeskError as exc:
        field, key = _FIELD_OF.get(exc.code, ("", "err_choice"))
        # An unknown request concerned is the form's mistake, not a missing page.
        status = 400 if exc.code == "not_found" else exc.status
        return await _form(request, lang, values, {field: key}, status, files=sent)
    await request.app[EVENTS].publish(events)
    token = services.helpdesk.links.token(ticket.id, ticket.requester_id)
    raise web.HTTPSeeOther(f"/support/t/{token}?filed=1&lang={lang}")


def _new_ticket(form: NewTicketForm, posted: Posted, lang: str) -> NewTicket:
    return NewTicket(
        email=form.email, subject=form.subject, description=form.description,
        name=form.name, phone=form.phone, lang=lang, type=form.type or None,
        department=form.department or None, priority=form.priority or None,
        fields=form.fields, attachments=posted.files, channel="form",
        concerning=form.concerning.strip() or None if form.type == "complaint" else None,
    )  # fmt: skip


async def _form(
    request: web.Request,
    lang: str,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    *,
    files: bool = False,
) -> web.Response:
    """The form with ``values`` kept and ``errors`` by field (``""``: the whole form;
    ``refused``: the desk's refusal); an error is a catalog key or a sentence. ``files``:
    the refused post carried files (a browser does not keep them: the page says so)."""
    services = request.app[SERVICES]
    t = translator(lang, services.config.hours.timezone)
    shown = {
        field: too_large_text(services.helpdesk.filing, t)
        if text == "err_too_large"
        else t(text)
        if text.startswith("err_")
        else text
        for field, text in (errors or {}).items()
    }
    context = {
        "form": form_choices(services.config, lang, t),
        "values": values,
        "errors": shown,
        "had_files": files,
    }
    return await render(request, "support/new.html", context, status=status, lang=lang)


async def challenge(request: web.Request) -> web.Response:
    """A fresh ALTCHA challenge for the form's widget."""
    created = request.app[SERVICES].helpdesk.challenges.create()
    return web.json_response(created, headers={"Cache-Control": "no-store"})


_CSS = "text/css"
_ASSETS = {
    "support.js": Bundle(DIST_DIR / "support.js", cache_control="no-cache"),
    "altcha-worker.js": Bundle(DIST_DIR / "altcha-worker.js", cache_control="no-cache"),
    "altcha.css": Bundle(DIST_DIR / "altcha.css", content_type=_CSS, cache_control="no-cache"),
    "support.css": Bundle(_STATIC / "support.css", content_type=_CSS, cache_control="no-cache"),
}


async def asset(request: web.Request) -> web.StreamResponse:
    """Serve the portal's script, styles and the challenge's worker."""
    bundle = _ASSETS.get(request.match_info["name"])
    if bundle is None:
        raise web.HTTPNotFound()
    return await bundle.handle(request)


def setup(app: web.Application) -> None:
    """Add the portal's routes and security headers to ``app``."""
    app.middlewares.append(security_headers)
    app.router.add_get("/support/new", new_form)
    app.router.add_post("/support/new", submit)
    app.router.add_get("/support/altcha", challenge)
    # The desk's colour, as in the help centre (registered before the bundles' catch-all).
    app.router.add_get("/support/assets/theme.css", helpapi.theme)
    app.router.add_get("/support/assets/{name}", asset)
    supportticket.setup(app)
    supportsignin.setup(app)
    supportorg.setup(app)
    supportaccount.setup(app)
