"""The help centre's pages: topics, search, entries, "was this helpful?" (no script of
their own; the chat widget when the desk turns it on)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from babel.numbers import format_percent

from ..bot.entries import HELP_PATH
from ..config import LANGUAGES
from ..errors import InvalidPayload, NotFound, RateLimited
from ..wire import decode
from ..wire.help import MAX_QUERY, SearchQuery, VoteForm
from . import helpapi
from .appkeys import SERVICES, SETTINGS
from .forms import read_form
from .helptexts import ENDONYMS, help_translator
from .middleware import Handler
from .public import client_of, remember_lang, site_origin, visitor_lang
from .widget import BUNDLES

__all__ = ["CSRF_COOKIE", "setup"]

#: The double-submit token of the vote forms; its hash also names the reader's vote.
CSRF_COOKIE = "chatdesk_help_csrf"
_LANG = "{lang:fr|nl|en}"
_ENTRY = "{entry_id:[a-z0-9][a-z0-9-]{0,79}}"
_HEADERS = {
    # No script at all; styles and images from the desk only; never in a frame.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # Pages carry the reader's form token: private, revalidated.
    "Cache-Control": "private, no-cache",
}
#: With ``[desk] help_chat``: the same, plus the desk's own widget script and its socket
#: (``'self'`` covers the same origin's ``ws:``/``wss:``). Still no inline script or style.
_CHAT_HEADERS = _HEADERS | {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


@web.middleware
def help_pages(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    """Add the help centre's security headers; answer its unknown paths in its words."""
    if request.path != HELP_PATH and not request.path.startswith(HELP_PATH + "/"):
        return handler(request)  # not awaited: see web/middleware.py
    return _help_page(request, handler)


async def _help_page(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPNotFound:
        response = _error(request, _lang_of(request), "not_found", 404)
    for name, value in (_CHAT_HEADERS if _chat(request) else _HEADERS).items():
        response.headers.setdefault(name, value)
    return response


def _chat(request: web.Request) -> bool:
    """Return whether the pages carry the chat widget: turned on, and the widget built."""
    if not request.app[SERVICES].config.help_chat:
        return False
    return request.app[BUNDLES]["/widget.js"].read() is not None


async def home(request: web.Request) -> web.StreamResponse:
    """Send the visitor to the help centre in their language."""
    default = request.app[SETTINGS].default_lang
    lang = visitor_lang(request, default)
    written = request.app[SERVICES].help.languages()
    if written and lang not in written:  # not in theirs: the desk's own, else the first
        lang = default if default in written else written[0]
    raise web.HTTPFound(f"{HELP_PATH}/{lang}")


async def index(request: web.Request) -> web.StreamResponse:
    """The topics and their entries; with ``?q=``, search results first."""
    lang = request.match_info["lang"]
    help_centre = request.app[SERVICES].help
    results, error, status = None, "", 200
    try:
        query = decode(SearchQuery, {"q": request.query.get("q", "")}, "search")
        results = await help_centre.search(query.q, lang, client=client_of(request))
    except InvalidPayload:
        error, status = "query_too_long", 400
    except RateLimited:
        error, status = "too_many", 429
    context = _base(request, lang) | {
        "topics": help_centre.topics(lang),
        "results": results if results is not None and results.query else None,
        "query": request.query.get("q", "")[:MAX_QUERY] if error else "",
        "error": error,
    }
    if results is not None and results.query:
        context["query"] = results.query
    return _render(request, "help/index.html", context, status, lang)


async def entry(request: web.Request) -> web.StreamResponse:
    """An entry's page: its article (or answer), related entries, its other languages."""
    lang, entry_id = request.match_info["lang"], request.match_info["entry_id"]
    help_centre = request.app[SERVICES].help
    page = help_centre.page(entry_id, lang)
    if page is None:
        own = help_centre.page_lang(entry_id, lang)
        if own is not None and own != lang:  # not written in this language: its own
            raise web.HTTPFound(f"{HELP_PATH}/{own}/{entry_id}")
        return _error(request, lang, "not_found", 404)
    if request.method == "GET":
        await help_centre.viewed(entry_id, lang, user_agent=request.headers.get("User-Agent", ""))
    token = request.cookies.get(CSRF_COOKIE, "")
    fresh = len(token) < 32
    if fresh:
        token = secrets.token_urlsafe(32)
    voted = request.query.get("voted", "")
    context = _base(request, lang)
    context |= {
        "page": page,
        "csrf": token,
        "voted": voted if voted in ("yes", "no") else "",
        "switch": context["switch"] | {v.lang: v.path for v in page.versions},
    }
    response = _render(request, "help/entry.html", context, 200, lang)
    if fresh:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Lax", path=HELP_PATH)
    return response


async def vote(request: web.Request) -> web.StreamResponse:
    """Record "was this helpful?", then show the page again, thanking the reader."""
    lang, entry_id = request.match_info["lang"], request.match_info["entry_id"]
    form = await read_form(request, VoteForm)
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) < 32 or not hmac.compare_digest(token, form.csrf):
        return _error(request, lang, "expired", 403)
    # The reader's vote is named by their form token's hash: one vote each, no identity.
    voter = hashlib.sha256(token.encode()).hexdigest()[:32]
    useful = form.useful == "yes"
    try:
        await request.app[SERVICES].help.voted(
            entry_id, lang, voter, useful=useful, client=client_of(request)
        )
    except NotFound:
        return _error(request, lang, "not_found", 404)
    except RateLimited:
        return _error(request, lang, "too_many", 429)
    raise web.HTTPSeeOther(f"{HELP_PATH}/{lang}/{entry_id}?voted={form.useful}#vote")


def _base(request: web.Request, lang: str) -> dict[str, Any]:
    services = request.app[SERVICES]
    # The switch: the languages that have pages (all three while none has), and the page's.
    written = services.help.languages()
    shown = (*(written or ENDONYMS), lang)
    return {
        "lang": lang,
        "t": help_translator(lang),
        "desk": services.config.name,
        "languages": {code: name for code, name in ENDONYMS.items() if code in shown},
        "written": [code for code in written if code != lang],
        # The language switch: the same page in each language (here: the topics).
        "switch": {code: f"{HELP_PATH}/{code}" for code in LANGUAGES},
        "origin": site_origin(request),
        "help": HELP_PATH,
        "query": "",
        # The search's example: one of the desk's own questions where it has them.
        "example": services.help.search_example(lang),
        "limit": MAX_QUERY,
        "percent": lambda value: format_percent(value, locale=lang),
        "chat": _chat(request),
    }


def _render(
    request: web.Request, template: str, context: dict[str, Any], status: int, lang: str
) -> web.Response:
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    remember_lang(request, response, lang)
    return response


def _error(request: web.Request, lang: str, key: str, status: int) -> web.Response:
    context = _base(request, lang) | {"error": key}
    return aiohttp_jinja2.render_template("help/error.html", request, context, status=status)


def _lang_of(request: web.Request) -> str:
    first = request.path.removeprefix(HELP_PATH).strip("/").partition("/")[0]
    if first in LANGUAGES:
        return first
    return visitor_lang(request, request.app[SETTINGS].default_lang)


def setup(app: web.Application) -> None:
    """Add the help centre's routes and headers to ``app``."""
    app.middlewares.append(help_pages)
    helpapi.setup(app)
    app.router.add_get(HELP_PATH, home)
    app.router.add_get(f"{HELP_PATH}/", home)
    app.router.add_get(f"{HELP_PATH}/{_LANG}", index)
    app.router.add_get(f"{HELP_PATH}/{_LANG}/{_ENTRY}", entry)
    app.router.add_post(f"{HELP_PATH}/{_LANG}/{_ENTRY}/vote", vote)
