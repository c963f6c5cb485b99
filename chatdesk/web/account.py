"""The operator's own account page, ``/console/account``: who they are for the desk, and a
form to change their password (the current one checked, throttled like logins)."""

from __future__ import annotations

from aiohttp import web
from aiohttp_jinja2 import render_template

from ..errors import ChatdeskError, RateLimited
from ..operators import MIN_PASSWORD
from ..wire.forms import PasswordForm
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required, set_session_cookie
from .console import base_context
from .forms import read_form

__all__ = ["setup"]

_PAGE = "console/account.html"
#: The service's refusals, by code, as the page's texts.
_ERRORS = {
    "wrong_password": "err_wrong_password",
    "password_too_short": "err_password_too_short",
    "password_unchanged": "err_password_unchanged",
}


@login_required
async def account_page(request: web.Request) -> web.StreamResponse:
    """Show the account; on POST, change the password and keep this browser signed in."""
    session = request[SESSION]
    error = ""
    if request.method == "POST":
        form = await read_form(request, PasswordForm)
        check_csrf(session.csrf, form.csrf)
        error = await _change(request, form)  # on success: a redirect, with a new cookie
    context = await base_context(request)
    t = context["t"]
    operator = session.operator
    config = request.app[SERVICES].config
    context |= {
        "view": "account",
        "role": t(f"account_role_{operator.role.value}"),
        "departments": [config.department_name(d, context["lang"]) for d in operator.departments],
        "min_password": MIN_PASSWORD,
        "error": t(error, min=MIN_PASSWORD) if error else "",
        "done": request.query.get("done") == "password" and not error,
    }
    return render_template(_PAGE, request, context, status=400 if error else 200)


async def _change(request: web.Request, form: PasswordForm) -> str:
    """Change the password and redirect with a new session cookie (the password's change
    ended every session, this one too); return the refusal's text key when refused."""
    if form.new != form.confirm:
        return "err_password_mismatch"
    operators = request.app[SERVICES].operators
    try:
        operator = await operators.change_own_password(
            request[SESSION].operator, form.current, form.new, client=request.remote or "unknown"
        )
    except RateLimited:
        return "err_too_many_passwords"
    except ChatdeskError as exc:
        if exc.code not in _ERRORS:
            raise
        return _ERRORS[exc.code]
    token, _csrf = operators.tokens.issue(operator)
    response = web.HTTPSeeOther("/console/account?done=password")
    set_session_cookie(request, response, token)
    raise response


def setup(app: web.Application) -> None:
    """Add the account page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/account", account_page)
