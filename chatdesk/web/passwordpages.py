"""A forgotten password: ``/console/password/forgot`` (an address; a link by e-mail) and
``/console/password/reset/{token}`` (the link: a new password, once)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import InvalidPayload, InvalidToken, RateLimited
from ..mail.passwords import PasswordResets
from ..operators import MIN_PASSWORD
from ..wire.forms import ForgotForm, ResetForm
from .appkeys import SERVICES
from .auth import CSRF_COOKIE, check_csrf, login_form
from .consolelang import console_lang, translator
from .forms import read_form

__all__ = ["setup"]

_PAGE = "console/password.html"
#: The link's token is in the path: no other site hears of it, no cache keeps the page.
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _service(request: web.Request) -> PasswordResets:
    resets = request.app[SERVICES].password_resets
    if resets is None:
        raise web.HTTPNotFound()
    return resets


def _page(
    request: web.Request, state: str, *, error: str = "", status: int = 200, **context: Any
) -> web.Response:
    """The page in ``state`` (forgot, sent, nomail, reset, invalid); ``error``: a text key."""
    heading = "forgot_title"
    if state == "reset":
        heading = "invite_title" if context.get("invited") else "reset_title"
    response = login_form(
        request, error=error, status=status, template=_PAGE,
        context={"state": state, "email": "", "problem": "", "heading": heading, **context},
    )  # fmt: skip
    response.headers.update(_PRIVATE)
    return response


async def forgot_page(request: web.Request) -> web.StreamResponse:
    """Ask for an address (GET); send it a link if it is an operator's (POST), saying the
    same whoever it is."""
    resets = _service(request)
    if not resets.enabled:
        return _page(request, "nomail")
    if request.method != "POST":
        return _page(request, "forgot")
    form = await read_form(request, ForgotForm)
    check_csrf(request.cookies.get(CSRF_COOKIE, ""), form.csrf)
    email = form.email.strip()
    try:
        await resets.request(email, client=request.remote or "unknown")
    except RateLimited:
        return _page(request, "forgot", error="forgot_too_many", status=429, email=email)
    except InvalidPayload:
        return _page(request, "forgot", error="forgot_invalid_email", status=400, email=email)
    return _page(request, "sent", email=email)


async def reset_page(request: web.Request) -> web.StreamResponse:
    """The link: a form for the new password (GET), saved once (POST); then the sign-in
    page says so."""
    resets = _service(request)
    token = request.match_info["token"]
    try:
        operator, invited = await resets.check(token)
    except InvalidToken as exc:
        return _page(request, "invalid", error=f"reset_{exc.code}", status=400)
    shown: dict[str, Any] = {"email": operator.email, "min": MIN_PASSWORD, "invited": invited}
    if request.method != "POST":
        return _page(request, "reset", **shown)
    form = await read_form(request, ResetForm)
    check_csrf(request.cookies.get(CSRF_COOKIE, ""), form.csrf)
    t = translator(console_lang(request))
    problem = ""
    if form.password != form.confirm:
        problem = t("err_password_mismatch")
    else:
        try:
            await resets.reset(token, form.password, client=request.remote or "unknown")
        except InvalidToken as exc:
            return _page(request, "invalid", error=f"reset_{exc.code}", status=400)
        except InvalidPayload as exc:
            key = "err_password_too_weak" if exc.code == "password_too_weak" else ""
            problem = t(key or "err_password_too_short", min=MIN_PASSWORD)
    if problem:
        return _page(request, "reset", status=400, problem=problem, **shown)
    raise web.HTTPSeeOther("/console/login?reset=done", headers=_PRIVATE)


def setup(app: web.Application) -> None:
    """Add the forgotten password's routes to ``app``."""
    app.router.add_route("GET", "/console/password/forgot", forgot_page)
    app.router.add_route("POST", "/console/password/forgot", forgot_page)
    app.router.add_route("GET", "/console/password/reset/{token}", reset_page)
    app.router.add_route("POST", "/console/password/reset/{token}", reset_page)
