"""Operator login and logout: session cookie, CSRF tokens, throttled attempts."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from ..errors import ChatdeskError, Forbidden, RateLimited
from ..models import Operator
from ..operators import SESSION_COOKIE, SESSION_MAX_AGE, Session
from ..sessions import DEVICE_COOKIE, DEVICE_MAX_AGE
from ..wire.forms import LoginForm, LogoutForm
from .appkeys import SERVICES, SETTINGS
from .consolelang import console_lang, translator
from .forms import read_form
from .middleware import is_secure

__all__ = [
    "CSRF_COOKIE",
    "ENROL_PATH",
    "PENDING_COOKIE",
    "SESSION",
    "check_csrf",
    "current_session",
    "login_form",
    "login_required",
    "open_session",
    "safe_next",
    "set_session_cookie",
    "setup",
    "signed_in",
]

#: Holds the login form's CSRF token before there is a session (double-submit).
CSRF_COOKIE = "chatdesk_csrf"
#: Between a right password and the code of an operator with two-step sign-in.
PENDING_COOKIE = "chatdesk_2fa"
#: Where an operator sets two-step sign-in up (the only page open to one who must).
ENROL_PATH = "/console/account/2fa"
#: The logged-in operator's session, on requests that passed :func:`login_required`.
SESSION = web.RequestKey("session", Session)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def login_required(handler: Handler) -> Handler:
    """Run ``handler`` with ``request[SESSION]`` set, or redirect to the login page."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        session = await current_session(request)
        if session is None:
            target = quote(request.path_qs, safe="/?=&")
            raise web.HTTPSeeOther(f"/console/login?next={target}")
        if session.must_enrol and request.path != ENROL_PATH:
            # The desk requires two-step sign-in of them: nothing else until it is set up.
            raise web.HTTPSeeOther(ENROL_PATH)
        request[SESSION] = session
        return await handler(request)

    return wrapper


async def current_session(request: web.Request) -> Session | None:
    """Return the logged-in operator's session, if the cookie holds a valid one."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return await request.app[SERVICES].operators.session(token)
    except ChatdeskError:
        return None


def check_csrf(expected: str, given: Any) -> None:
    """Refuse a form whose CSRF token does not match (403)."""
    if not isinstance(given, str) or not expected or not hmac.compare_digest(expected, given):
        raise web.HTTPForbidden(text="This form has expired; reload the page and try again.")


def safe_next(value: Any) -> str:
    """Return ``value`` if it is a path on this site, else ``/console``."""
    # Only paths on this site: "//evil.example" or "https://..." would be open redirects.
    if (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith("//")
        and ("\\" not in value)
    ):
        return value
    return "/console"


async def login_page(request: web.Request) -> web.StreamResponse:
    """Show the login form (with a fresh CSRF token)."""
    if await current_session(request) is not None:
        raise web.HTTPSeeOther(safe_next(request.query.get("next")))
    return _login_form(request, error="", status=200)


async def login(request: web.Request) -> web.StreamResponse:
    """Check the credentials; on success set the session cookie and go on."""
    form = await read_form(request, LoginForm)
    check_csrf(request.cookies.get(CSRF_COOKIE, ""), form.csrf)
    email, password = form.email, form.password
    operators = request.app[SERVICES].operators
    try:
        operator = await operators.login(email, password, client=request.remote or "unknown")
    except RateLimited:
        return _login_form(request, error="too_many_logins", status=429, email=email)
    except Forbidden:  # a right password, but the desk wants its single sign-on
        return _login_form(request, error="password_sign_in_off", status=403, email=email)
    except ChatdeskError:
        # 200, as form logins do: a 401 would need a WWW-Authenticate challenge.
        return _login_form(request, error="wrong_login", status=200, email=email)
    two_factor = request.app[SERVICES].two_factor
    if operator.two_factor and two_factor is not None:
        # The password was right; the session waits for the code (web/twofactor.py).
        response = web.HTTPSeeOther(f"/console/login/code?next={quote(safe_next(form.next))}")
        response.set_cookie(
            PENDING_COOKIE, two_factor.pending_token(operator), max_age=300, httponly=True,
            samesite="Strict", secure=is_secure(request), path="/console/login",
        )  # fmt: skip
        raise response
    raise await signed_in(request, operator, form.next)


async def signed_in(request: web.Request, operator: Operator, next_page: str) -> web.HTTPSeeOther:
    """Return the redirect that ends a login: the session cookie set, the browser's
    device cookie updated (a browser new to the operator mails them), the login's own
    cookies gone."""
    operators = request.app[SERVICES].operators
    device = await operators.signed_in(
        operator,
        device=request.cookies.get(DEVICE_COOKIE, ""),
        client=request.remote or "unknown",
        agent=request.headers.get("User-Agent", ""),
    )
    token, _csrf = await open_session(request, operator)
    response = web.HTTPSeeOther(safe_next(next_page))
    set_session_cookie(request, response, token)
    response.set_cookie(
        DEVICE_COOKIE, device, max_age=int(DEVICE_MAX_AGE.total_seconds()), httponly=True,
        samesite="Lax", secure=is_secure(request), path="/console",
    )  # fmt: skip
    response.del_cookie(CSRF_COOKIE, path="/console")
    response.del_cookie(PENDING_COOKIE, path="/console/login")
    return response


async def open_session(request: web.Request, operator: Operator) -> tuple[str, str]:
    """Open a console session of ``operator`` in this browser (a sign-in, or a new
    password that ended the others); return its (cookie token, CSRF token)."""
    return await request.app[SERVICES].operators.sessions.open(
        operator, client=request.remote or "unknown", agent=request.headers.get("User-Agent", "")
    )


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    """Give the browser the session ``token`` (after a login or a password change)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_MAX_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=is_secure(request),
        path="/",
    )


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session (POST with the session's CSRF token)."""
    session = await current_session(request)
    if session is not None:
        check_csrf(session.csrf, (await read_form(request, LogoutForm)).csrf)
        # Over for good: the cookie, were it copied, opens nothing any more.
        await request.app[SERVICES].operators.sessions.end(
            session.operator, session.session_id, client=request.remote or "unknown"
        )
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


def _login_form(request: web.Request, *, error: str, status: int, email: str = "") -> web.Response:
    return login_form(request, error=error, status=status, context={"email": email})


def login_form(
    request: web.Request, *, error: str, status: int, context: dict[str, Any],
    template: str = "console/login.html",
) -> web.Response:  # fmt: skip
    """A page of the login (``template``: the password's, or the code's) with a fresh CSRF
    token; ``error`` is a key of the console's texts (or empty)."""
    csrf = secrets.token_urlsafe(24)
    lang = console_lang(request)
    t = translator(lang)
    resets = request.app[SERVICES].password_resets
    context = context | {
        "csrf": csrf,
        "error": t(error) if error else "",
        "next": safe_next(context.get("next") or request.query.get("next")),
        "lang": lang,
        "t": t,
        # The single sign-on button's provider name (web/sso.py), when there is one.
        "sso": request.app[SETTINGS].sso_name,
        # "Forgot your password?" when the desk can mail a link (web/passwordpages.py).
        "forgot": resets is not None and resets.enabled,
        "notice": t("reset_done") if request.query.get("reset") == "done" else "",
    }
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="Strict",
        secure=is_secure(request),
        path="/console",
    )
    return response


def setup(app: web.Application) -> None:
    """Add the login routes to ``app``."""
    app.router.add_get("/console/login", login_page)
    app.router.add_post("/console/login", login)
    app.router.add_post("/console/logout", logout)
