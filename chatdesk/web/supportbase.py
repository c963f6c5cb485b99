"""What every portal page shares: CSRF, security headers, the requester's session, the
language, the service notices banner, rendering."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from ..attachments import file_size
from ..bot.markdown import render_markdown
from ..errors import ChatdeskError
from ..helpdesk.signin import SESSION_TTL
from ..models import Requester, parse_ts
from ..systemtexts import format_when
from ..timewindow import capitalised, format_window
from .appkeys import SERVICES
from .middleware import Handler, is_secure, with_headers
from .supportlang import LANGS, portal_lang, remember_lang, translator

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "check_csrf",
    "is_secure",
    "render",
    "requester_of",
    "security_headers",
    "signed_in",
    "start_session",
]

#: The portal forms' CSRF token (double-submit: the form carries the same value).
CSRF_COOKIE = "chatdesk_support_csrf"
#: A signed-in requester's session (signed; HttpOnly; SameSite=Lax).
SESSION_COOKIE = "chatdesk_requester"
_HEADERS = {
    # Our own scripts and styles only (the ALTCHA widget's worker too), never in a frame,
    # never cached: pages show a requester's tickets.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@web.middleware
def security_headers(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    """Add the portal's security headers to its pages (not to its assets)."""
    if request.path.startswith("/support") and not request.path.startswith("/support/assets"):
        return with_headers(request, handler, _HEADERS)
    return handler(request)  # not awaited: see web/middleware.py


def check_csrf(request: web.Request, given: str) -> bool:
    """Return whether a posted form's token matches its cookie."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    return bool(expected) and bool(given) and hmac.compare_digest(expected, given)


def start_session(request: web.Request, response: web.StreamResponse, session: str) -> None:
    """Give this browser the requester's session cookie."""
    response.set_cookie(
        SESSION_COOKIE, session, max_age=int(SESSION_TTL.total_seconds()), httponly=True,
        samesite="Lax", secure=is_secure(request), path="/support",
    )  # fmt: skip


async def requester_of(request: web.Request) -> Requester | None:
    """Return the signed-in requester (a valid session cookie), if any."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return await request.app[SERVICES].helpdesk.signin.session(token)
    except ChatdeskError:
        return None


async def signed_in(request: web.Request) -> Requester:
    """Return the signed-in requester; anyone else is sent to the sign-in page."""
    requester = await requester_of(request)
    if requester is None:
        raise web.HTTPSeeOther("/support/signin")
    return requester


async def render(
    request: web.Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    lang: str = "",
    viewer: Requester | None = None,
) -> web.Response:
    """Render a portal page with what every page shows: the language and its links, the
    signed-in requester, the service notices (for ``viewer``'s organisation), a CSRF
    token for its forms."""
    services = request.app[SERVICES]
    lang = lang or portal_lang(request)
    signed_in = await requester_of(request)
    viewer = viewer or signed_in
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    notices = await services.helpdesk.notices.announced(viewer.organisation_id if viewer else None)
    timezone = services.config.hours.timezone
    now = services.helpdesk.notices.clock()
    base = {
        "when": lambda at: format_when(at, lang, timezone),
        "parse_ts": parse_ts,
        "size": lambda size: file_size(size, lang),
        "lang": lang,
        "langs": LANGS,
        "t": translator(lang, timezone),
        "desk": services.config.name,
        "path": request.path,
        "signed_in": signed_in,
        "csrf": csrf,
        "notices": [
            {
                "title": n.title,
                "severity": n.severity.value,
                "html": render_markdown(n.body),
                "planned": n.starts_at > now,
                "window": capitalised(format_window(n.starts_at, n.ends_at, now, lang, timezone)),
            }
            for n in notices
        ],
    }
    response = aiohttp_jinja2.render_template(template, request, base | context, status=status)
    remember_lang(request, response)
    if request.cookies.get(CSRF_COOKIE) != csrf:
        response.set_cookie(
            CSRF_COOKIE, csrf, httponly=True, samesite="Strict", secure=is_secure(request),
            path="/support",
        )  # fmt: skip
    return response
