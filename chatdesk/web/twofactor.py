"""Two-step sign-in in the console: the code asked after a right password
(``/console/login/code``), and on the account page setting it up with a QR code
(``/console/account/2fa``, recovery codes shown once), making new recovery codes or
turning it off."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from aiohttp_jinja2 import render_template

from ..errors import ChatdeskError, RateLimited, Unauthorized
from ..models import Operator
from ..twofactor import TwoFactor
from ..wire.forms import CodeForm, EnrolForm
from .appkeys import SERVICES
from .auth import (
    CSRF_COOKIE,
    PENDING_COOKIE,
    SESSION,
    check_csrf,
    login_form,
    login_required,
    open_session,
    set_session_cookie,
    signed_in,
)
from .console import base_context
from .forms import read_form

__all__ = ["setup"]

_CODE_PAGE = "console/login_code.html"
T = TypeVar("T")


def _service(request: web.Request) -> TwoFactor:
    two_factor = request.app[SERVICES].two_factor
    if two_factor is None:
        raise web.HTTPNotFound()
    return two_factor


async def code_page(request: web.Request) -> web.StreamResponse:
    """Ask for the code of an operator whose password was right; check it and sign in."""
    two_factor = _service(request)
    try:
        operator = await two_factor.pending_operator(request.cookies.get(PENDING_COOKIE, ""))
    except ChatdeskError:
        # No pending sign-in, or it took over 5 minutes: the password again.
        response = login_form(request, error="twofa_expired", status=200, context={"email": ""})
        response.del_cookie(PENDING_COOKIE, path="/console/login")
        return response
    desk = {"desk": request.app[SERVICES].config.name}
    if request.method != "POST":
        return login_form(request, error="", status=200, context=desk, template=_CODE_PAGE)
    form = await read_form(request, CodeForm)
    check_csrf(request.cookies.get(CSRF_COOKIE, ""), form.csrf)
    try:
        await two_factor.check(operator, form.code, client=request.remote or "unknown")
    except RateLimited:
        error, status = "err_too_many_codes", 429
    except ChatdeskError:
        error, status = "err_wrong_code", 200
    else:
        raise await signed_in(request, operator, form.next)
    context = desk | {"next": form.next}
    return login_form(request, error=error, status=status, context=context, template=_CODE_PAGE)


@login_required
async def enrol_page(request: web.Request) -> web.StreamResponse:
    """Set two-step sign-in up: a QR code and its key, then the app's first code; on
    success the recovery codes, shown on this response only."""
    two_factor = _service(request)
    session = request[SESSION]
    if session.operator.two_factor:
        raise web.HTTPSeeOther("/console/account#twofa")
    error = ""
    if request.method == "POST":
        form = await read_form(request, EnrolForm)
        check_csrf(session.csrf, form.csrf)
        try:
            operator, codes = await two_factor.enable(session.operator, form.token, form.code)
        except Unauthorized:
            raise web.HTTPSeeOther("/console/account/2fa") from None  # expired: a new one
        except ChatdeskError:
            error, enrolment = "err_enrol_code", two_factor.restart(session.operator, form.token)
        else:
            return await _codes(request, operator, codes)
    else:
        enrolment = two_factor.start(session.operator)
    context = await base_context(request)
    context |= {
        "view": "account",
        "required": session.must_enrol,
        "enrolling": session.must_enrol,
        "required_of_all": request.app[SERVICES].config.two_factor == "everyone",
        "enrolment": enrolment,
        "key": " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4)),
        "error": context["t"](error) if error else "",
    }
    response = render_template("console/twofa.html", request, context, status=400 if error else 200)
    response.headers["Cache-Control"] = "no-store"  # the secret
    return response


async def _codes(request: web.Request, operator: Operator, codes: list[str]) -> web.Response:
    """Show the recovery codes once, with a new session cookie (turning it on ended the
    operator's sessions, this one too)."""
    token, csrf = await open_session(request, operator)
    context = await base_context(request)
    context |= {"view": "account", "codes": codes, "csrf": csrf}
    response = render_template("console/twofa.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    set_session_cookie(request, response, token)
    return response


Proven = Callable[[TwoFactor, Operator, str, str], Awaitable[T]]


async def _with_code(request: web.Request, act: Proven[T]) -> T:
    """Read the account page's code form and do ``act`` with the code (two-step sign-in
    checks it); a wrong or throttled code goes back to the page, which says so."""
    two_factor = _service(request)
    session = request[SESSION]
    form = await read_form(request, CodeForm)
    check_csrf(session.csrf, form.csrf)
    try:
        return await act(two_factor, session.operator, form.code, request.remote or "unknown")
    except RateLimited:
        raise web.HTTPSeeOther("/console/account?error=too_many_codes#twofa") from None
    except ChatdeskError:
        raise web.HTTPSeeOther("/console/account?error=wrong_code#twofa") from None


@login_required
async def turn_off(request: web.Request) -> web.StreamResponse:
    """Turn two-step sign-in off, proven by a current code or a recovery code."""
    if request[SESSION].requires_two_factor:
        raise web.HTTPSeeOther("/console/account?error=required#twofa")
    operator = await _with_code(
        request, lambda two, who, code, client: two.disable(who, code, client=client)
    )
    token, _csrf = await open_session(request, operator)
    response = web.HTTPSeeOther("/console/account?done=twofa_off#twofa")
    set_session_cookie(request, response, token)
    raise response


@login_required
async def new_codes(request: web.Request) -> web.StreamResponse:
    """Replace the recovery codes, proven by a code; show the new ones once."""
    codes = await _with_code(
        request, lambda two, who, code, client: two.new_codes(who, code, client=client)
    )
    context = await base_context(request)
    context |= {"view": "account", "codes": codes, "renewed": True}
    response = render_template("console/twofa.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


def setup(app: web.Application) -> None:
    """Add the routes (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/login/code", code_page)
    app.router.add_route("*", "/console/account/2fa", enrol_page)
    app.router.add_post("/console/account/2fa/off", turn_off)
    app.router.add_post("/console/account/2fa/codes", new_codes)
