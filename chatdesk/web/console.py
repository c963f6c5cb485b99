"""The operators' console: server-rendered pages, made live by console.js over /operator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from ..config import LANGUAGES
from ..errors import ChatdeskError
from ..models import CannedResponse
from ..realtime.opayloads import parse_canned
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, current_session, login_required, safe_next
from .consolelang import LANG_COOKIE, LANGS, console_lang, translator
from .widget import DIST_DIR, Bundle

__all__ = ["plain_text", "setup"]

_STATIC = Path(__file__).parent / "static"
_VIEWS = ("queue", "mine", "all")
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
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Add the console's security headers to its pages."""
    response: web.StreamResponse = await handler(request)
    if request.path.startswith("/console") and not request.path.startswith("/console/assets"):
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
    return response


@login_required
async def inbox(request: web.Request) -> web.StreamResponse:
    """The inbox: queue, mine or all, with live counts."""
    view = request.match_info.get("view", "queue")
    if view not in _VIEWS:
        raise web.HTTPNotFound()
    session = request[SESSION]
    services = request.app[SERVICES]
    context = await _base(request) | {
        "view": view,
        "conversations": await services.inbox.summaries(view, session.operator),
    }
    return aiohttp_jinja2.render_template("console/inbox.html", request, context)


@login_required
async def conversation(request: web.Request) -> web.StreamResponse:
    """One conversation: the whole history, notes, the ticket, and the composer."""
    services = request.app[SERVICES]
    conversation_id = request.match_info["conversation_id"]
    found = await services.store.get_conversation(conversation_id)
    summary = await services.inbox.summary(conversation_id)
    if found is None or summary is None:
        raise web.HTTPNotFound(text="No such conversation.")
    messages, _ = await services.store.list_messages(
        conversation_id, since=max(0, found.last_seq - 200), limit=200
    )
    context = await _base(request) | {
        "view": None,
        "c": summary,
        "messages": [m.to_payload() for m in messages],
        "notes": [n.to_payload() for n in await services.store.list_notes(conversation_id)],
        "mine": summary["operator"] is not None
        and summary["operator"]["id"] == request[SESSION].operator.id,
    }
    return aiohttp_jinja2.render_template("console/conversation.html", request, context)


@login_required
async def canned(request: web.Request) -> web.StreamResponse:
    """Canned responses: everyone sees them; admins add, replace and delete."""
    session = request[SESSION]
    services = request.app[SERVICES]
    error = ""
    if request.method == "POST":
        form = await request.post()
        check_csrf(session.csrf, form.get("csrf"))
        if not session.operator.is_admin:
            raise web.HTTPForbidden(text="Only admins may change canned responses.")
        try:
            if form.get("action") == "delete":
                shortcut, lang, _ = parse_canned(dict(form), need_text=False)
                await services.store.delete_canned(shortcut, lang)
            else:
                shortcut, lang, text = parse_canned(
                    {k: form.get(k) for k in ("shortcut", "lang", "text")}, need_text=True
                )
                await services.store.save_canned(CannedResponse(shortcut, lang, text))
        except ChatdeskError as exc:
            error = exc.message
        else:
            raise web.HTTPSeeOther("/console/canned")
    context = await _base(request) | {
        "view": None,
        "responses": await services.store.list_canned(),
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
}


async def asset(request: web.Request) -> web.StreamResponse:
    """Serve console.css / console.js (the latter built by ``make widget``)."""
    bundle = _ASSETS.get(request.match_info["name"])
    if bundle is None:
        raise web.HTTPNotFound()
    return await bundle.handle(request)


async def _base(request: web.Request) -> dict[str, Any]:
    session = request[SESSION]
    services = request.app[SERVICES]
    presence = (await services.store.presence()).get(session.operator.id)
    lang = console_lang(request)
    return {
        "lang": lang,
        "langs": LANGS,
        "t": translator(lang),
        "path": request.path_qs,
        "operator": session.operator,
        "csrf": session.csrf,
        "desk": services.config.name,
        "counts": await services.store.inbox_counts(session.operator.id),
        "status": presence.status if presence else "offline",
        "departments": services.config.departments,
    }


async def _home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/console/queue")


async def choose_lang(request: web.Request) -> web.StreamResponse:
    """Keep the operator's choice of language (a cookie), then go back to the page."""
    form = await request.post()
    session = await current_session(request)
    if session is None:
        raise web.HTTPSeeOther("/console/login")
    check_csrf(session.csrf, form.get("csrf"))
    lang = form.get("lang")
    if not isinstance(lang, str) or lang not in LANGS:
        raise web.HTTPBadRequest(text=f"lang must be one of {', '.join(LANGS)}.")
    response = web.HTTPSeeOther(safe_next(form.get("next")))
    # A year: the operator's language does not change often. Not HttpOnly-sensitive (no
    # secret), but the scripts do not need it either: they read <html lang>.
    response.set_cookie(
        LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="Lax", path="/console"
    )
    raise response


# Markdown marks that make a one-line preview unreadable ("**Factures**: ...").
_MARKS = re.compile(r"(\*\*|__|`|^#{1,6}\s+|^>\s?|^\s*(?:[-*+]|\d+\.)\s+)", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def plain_text(markdown: str) -> str:
    """Return ``markdown`` without its marks, on one line (for list previews)."""
    text = _MARKS.sub("", _LINK.sub(r"\1", markdown))
    text = re.sub(r"(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split())


def setup(app: web.Application) -> None:
    """Add the console routes and its security headers to ``app``."""
    app.middlewares.append(security_headers)
    aiohttp_jinja2.get_env(app).filters["plain"] = plain_text
    app.router.add_get("/console", _home)
    app.router.add_post("/console/lang", choose_lang)
    app.router.add_get("/console/assets/{name}", asset)
    app.router.add_route("*", "/console/canned", canned)
    app.router.add_get("/console/c/{conversation_id}", conversation)
    app.router.add_get("/console/{view}", inbox)
