"""The operators' console: server-rendered pages, made live by console.js over /operator."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from ..attachments import file_size
from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..errors import ChatdeskError, InvalidPayload
from ..models import CannedResponse, InboxView, Operator
from ..services import Services
from ..wire import decode
from ..wire.forms import CannedForm, LangForm
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, current_session, login_required, safe_next
from .consolelang import LANG_COOKIE, LANGS, Translate, console_lang, translator
from .forms import read_form
from .middleware import Handler, with_headers
from .ticketanswers import answers_context, visitor_question
from .widget import DIST_DIR, Bundle

__all__ = ["base_context", "desk_words", "preview_text", "setup"]

_STATIC = Path(__file__).parent / "static"
_HEADERS = {
    # The console runs our own scripts only, never in a frame, and is never cached.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@web.middleware
def security_headers(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    """Add the console's security headers to its pages."""
    if request.path.startswith("/console") and not request.path.startswith("/console/assets"):
        return with_headers(request, handler, _HEADERS)
    return handler(request)  # not awaited: see web/middleware.py


@login_required
async def inbox(request: web.Request) -> web.StreamResponse:
    """The inbox: queue, mine or all, with live counts."""
    try:
        view = InboxView(request.match_info.get("view", "queue"))
    except ValueError:
        raise web.HTTPNotFound() from None
    session = request[SESSION]
    services = request.app[SERVICES]
    context = await base_context(request) | {
        "view": view,
        "conversations": await services.inbox.summaries(view, session.operator),
    }
    return aiohttp_jinja2.render_template("console/inbox.html", request, context)


@login_required
async def conversation(request: web.Request) -> web.StreamResponse:
    """One conversation: the whole history, notes, the ticket, and the composer."""
    services = request.app[SERVICES]
    try:
        view = await services.inbox.conversation_view(request.match_info["conversation_id"])
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such conversation.") from None
    summary = view["conversation"]
    context = (
        await base_context(request)
        | {
            "view": None,
            "c": summary,
            "messages": view["messages"],
            "notes": view["notes"],
            "mine": summary["operator"] is not None
            and summary["operator"]["id"] == request[SESSION].operator.id,
            # "Turn into a ticket": what the desk offers.
            "types": [t.value for t in services.config.helpdesk.types],
            "priorities": list(services.config.helpdesk.offered),
            "custom_fields": services.config.helpdesk.fields,
            "blocked_until": await services.inbox.blocked_until(summary["id"]),
            "transcripts": services.mail.transcripts.enabled,
        }
        | await answers_context(
            request,
            question=visitor_question(view["messages"]),
            lang=summary["lang"],
            action=f"/console/c/{summary['id']}",
            asker="visitor",
        )
    )
    return aiohttp_jinja2.render_template("console/conversation.html", request, context)


@login_required
async def canned(request: web.Request) -> web.StreamResponse:
    """Canned responses: everyone sees them; admins add, replace and delete."""
    session = request[SESSION]
    services = request.app[SERVICES]
    error = ""
    if request.method == "POST":
        posted = await request.post()
        check_csrf(session.csrf, posted.get("csrf"))
        try:
            form = decode(CannedForm, {k: posted.get(k) for k in posted}, "canned")
            await _change_canned(services, session.operator, form)
        except ChatdeskError as exc:
            if exc.status == 403:
                raise web.HTTPForbidden(text="Only admins may change canned responses.") from None
            error = exc.message
        else:
            raise web.HTTPSeeOther("/console/canned")
    context = await base_context(request) | {
        "view": None,
        "responses": await services.canned.list(),
        "languages": LANGUAGES,
        "error": error,
    }
    return aiohttp_jinja2.render_template(
        "console/canned.html", request, context, status=400 if error else 200
    )


# The console's own files; `no-cache`: revalidated on every load (cheap with the ETag), so a
# new release reaches operators at once.
_ASSETS = {
    "console.js": Bundle(DIST_DIR / "console.js", cache_control="no-cache"),
    "console.css": Bundle(
        _STATIC / "console" / "console.css", content_type="text/css", cache_control="no-cache"
    ),
    # The reports page's charts (uPlot), loaded by that page only, and the chart library's
    # own styles (both built by `make widget`).
    "reports.js": Bundle(DIST_DIR / "reports.js", cache_control="no-cache"),
    "charts.css": Bundle(
        DIST_DIR / "charts.css", content_type="text/css", cache_control="no-cache"
    ),
}


async def asset(request: web.Request) -> web.StreamResponse:
    """Serve console.css, console.js, reports.js and charts.css (all but the first built
    by ``make widget``)."""
    bundle = _ASSETS.get(request.match_info["name"])
    if bundle is None:
        raise web.HTTPNotFound()
    return await bundle.handle(request)


def desk_words(config: DeskConfig, lang: str) -> dict[str, str]:
    """Return the console texts the desk words its own way, in ``lang``: the priorities it
    renamed (``priority_normal``: "Régulière"), so operators read them as requesters do."""
    helpdesk = config.helpdesk
    return {
        f"priority_{p}": name
        for p in helpdesk.priorities
        if (name := helpdesk.priority_name(p, lang))
    }


def spent_text(minutes: int, t: Translate) -> str:
    """Return minutes of work as the console writes them ("25 min", "1 h 5 min")."""
    if minutes >= 60:
        return t("hours_minutes", h=minutes // 60, m=minutes % 60)
    return t("minutes_short", m=minutes)


async def base_context(request: web.Request) -> dict[str, Any]:
    """Return what every console page shows: the bar, the language, the operator."""
    session = request[SESSION]
    services = request.app[SERVICES]
    lang = console_lang(request)
    words = desk_words(services.config, lang)
    t = translator(lang, words)
    return {
        "lang": lang,
        "langs": LANGS,
        "t": t,
        # French puts a no-break space before a colon ("Statut : ouvert").
        "colon": "\u00a0:" if lang == "fr" else ":",
        "size": lambda size: file_size(size, lang),
        # Minutes of work ("25 min", "1 h 5 min"), as console.js writes them.
        "spent": lambda minutes: spent_text(minutes, t),
        "path": request.path_qs,
        "operator": session.operator,
        "csrf": session.csrf,
        "desk": services.config.name,
        "counts": await services.inbox.counts_for(session.operator.id),
        "status": (await services.presence.status_of(session.operator.id)).value,
        "departments": services.config.departments,
        "dept": lambda slug: services.config.department_name(slug, lang),
        # For console.js, which shows departments too (lists, a ticket's panel, history).
        "department_names": {
            d: services.config.department_name(d, lang) for d in services.config.departments
        },
        # And the priorities it renamed, for console.js.
        "priority_names": {k.removeprefix("priority_"): v for k, v in words.items()},
    }


async def _change_canned(services: Services, operator: Operator, form: CannedForm) -> None:
    """Save or delete a canned response from the console's form (one service for both
    this page and the socket)."""
    if form.action == "delete":
        await services.canned.delete(operator, form.shortcut, form.lang)
        return
    text = form.text.strip()
    if not text:
        raise InvalidPayload("`text` must not be empty")
    tags = tuple(t.strip() for t in form.tags.split(",") if t.strip())
    await services.canned.save(
        operator, CannedResponse(form.shortcut, form.lang, text, status=form.status, tags=tags)
    )


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/console/queue")


async def choose_lang(request: web.Request) -> web.StreamResponse:
    """Keep the operator's choice of language (a cookie), then go back to the page."""
    session = await current_session(request)
    if session is None:
        raise web.HTTPSeeOther("/console/login")
    form = await read_form(request, LangForm)
    check_csrf(session.csrf, form.csrf)
    lang = form.lang
    response = web.HTTPSeeOther(safe_next(form.next))
    # A year: the operator's language does not change often. Not HttpOnly-sensitive (no
    # secret), but the scripts do not need it either: they read <html lang>.
    response.set_cookie(
        LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="Lax", path="/console"
    )
    raise response


# Markdown marks that make a one-line preview unreadable ("**Factures**: ...").
_MARKS = re.compile(r"(\*\*|__|`|^#{1,6}\s+|^>\s?|^\s*(?:[-*+]|\d+\.)\s+)", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def preview_text(markdown: str) -> str:
    """Return ``markdown`` without its marks, on one line (for list previews)."""
    text = _MARKS.sub("", _LINK.sub(r"\1", markdown))
    text = re.sub(r"(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split())


def setup(app: web.Application) -> None:
    """Add the console routes and its security headers to ``app``."""
    app.middlewares.append(security_headers)
    aiohttp_jinja2.get_env(app).filters["plain"] = preview_text
    app.router.add_get("/console", _home)
    app.router.add_post("/console/lang", choose_lang)
    app.router.add_get("/console/assets/{name}", asset)
    app.router.add_route("*", "/console/canned", canned)
    app.router.add_get("/console/c/{conversation_id}", conversation)
    app.router.add_get("/console/{view}", inbox)
