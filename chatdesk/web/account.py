"""The operator's own account page, ``/console/account``: who they are for the desk, a form
to change their password (the current one checked, throttled like logins), whether they get
mail about their tickets, and their API tokens (create one, its secret shown once; revoke
one)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp_jinja2 import render_template

from ..errors import ChatdeskError, RateLimited
from ..operators import MIN_PASSWORD, SIGNATURE_LENGTH, SIGNATURE_LINES
from ..systemtexts import format_ago, format_day, format_when
from ..useragents import describe_agent
from ..wire.forms import (
    MailForm,
    PasswordForm,
    SessionEndForm,
    SessionsForm,
    SignatureForm,
    TokenForm,
)
from .appkeys import SERVICES, SETTINGS
from .auth import SESSION, check_csrf, login_required, open_session, set_session_cookie
from .awaypage import AWAY_ERRORS
from .console import base_context
from .forms import read_form

__all__ = ["setup"]

_PAGE = "console/account.html"
#: The services' refusals, by code, as the page's texts.
_ERRORS = {
    "wrong_password": "err_wrong_password",
    "password_too_short": "err_password_too_short",
    "password_too_weak": "err_password_too_weak",
    "password_unchanged": "err_password_unchanged",
    "not_found": "err_token_gone",
    "invalid_payload": "err_token_name",
    "signature": "err_signature",
}
_TOKEN_ACTIONS = ("token_create", "token_revoke")
#: What a redirect back to the page may say was done.
_DONE = ("password", "token_revoked", "mail", "signature", "twofa_off", "sessions", "away", "back",
         "session_ended", "session_gone")  # fmt: skip
#: Turning two-step sign-in off refused (web/twofactor.py redirects here with ``error``).
_TWOFA_ERRORS = {
    "wrong_code": "err_wrong_code",
    "too_many_codes": "err_too_many_codes",
    "required": "err_twofa_required",
}


@login_required
async def account_page(request: web.Request) -> web.StreamResponse:
    """Show the account; on POST, change the password (keeping this browser signed in)
    or create or revoke an API token."""
    session = request[SESSION]
    error, secret, typed_signature = "", "", None
    if request.method == "POST":
        action = (await request.post()).get("action")
        if action == "mail":
            mail_form = await read_form(request, MailForm)
            check_csrf(session.csrf, mail_form.csrf)
            await request.app[SERVICES].operators.set_mail_notifications(
                session.operator, mail_form.mail == "on"
            )
            raise web.HTTPSeeOther("/console/account?done=mail")
        if action == "sessions":
            sessions_form = await read_form(request, SessionsForm)
            check_csrf(session.csrf, sessions_form.csrf)
            await _end_other_sessions(request)  # a redirect, with a new cookie
        if action == "session_end":
            end_form = await read_form(request, SessionEndForm)
            check_csrf(session.csrf, end_form.csrf)
            ended = await request.app[SERVICES].operators.sessions.end(
                session.operator, end_form.id, client=request.remote or "unknown"
            )
            raise web.HTTPSeeOther(
                f"/console/account?done={'session_ended' if ended else 'session_gone'}#sessions-h"
            )
        if action == "signature":
            signed = await read_form(request, SignatureForm)
            check_csrf(session.csrf, signed.csrf)
            try:
                await request.app[SERVICES].operators.set_signature(
                    session.operator, signed.signature
                )
            except ChatdeskError as exc:
                error, typed_signature = _ERRORS.get(exc.code, "err_signature"), signed.signature
            else:
                raise web.HTTPSeeOther("/console/account?done=signature")
        elif action in _TOKEN_ACTIONS:
            token_form = await read_form(request, TokenForm)
            check_csrf(session.csrf, token_form.csrf)
            error, secret = await _token(request, token_form)
        else:
            form = await read_form(request, PasswordForm)
            check_csrf(session.csrf, form.csrf)
            error = await _change(request, form)  # on success: a redirect, with a new cookie
    context = await base_context(request)
    t = context["t"]
    operator = session.operator
    services = request.app[SERVICES]
    config = services.config
    done = request.query.get("done", "")
    context |= {
        "view": "account",
        "role": t(f"account_role_{operator.role.value}"),
        "departments": [config.department_name(d, context["lang"]) for d in operator.departments],
        "min_password": MIN_PASSWORD,
        "error": t(error, min=MIN_PASSWORD, lines=SIGNATURE_LINES, length=SIGNATURE_LENGTH)
        if error
        else "",
        "done": done if done in _DONE and not error else "",
        "signature": session.operator.signature if typed_signature is None else typed_signature,
        "signature_lines": SIGNATURE_LINES,
        "signature_length": SIGNATURE_LENGTH,
        # Mail about their tickets: theirs to turn off, when the desk sends it at all.
        "mail_on_desk": bool(request.app[SETTINGS].smtp_url) and config.email.notify_operators,
        "tokens": await services.helpdesk.api_tokens.list(operator),
        "when": lambda at: format_when(at, context["lang"], config.hours.timezone),
        "secret": secret,
        # [security] password_sign_in = "admins": this operator signs in through SSO.
        "password_off": config.password_sign_in == "admins" and not operator.is_admin,  # noqa: S105
        "sso_name": request.app[SETTINGS].sso_name,
        "twofa_offered": services.two_factor is not None,
        "twofa_required": session.requires_two_factor,
        "recovery_left": await services.two_factor.recovery_left(operator)
        if services.two_factor is not None and operator.two_factor
        else 0,
        **await _away(request, context["lang"]),
        "console_sessions": await _sessions(request, t, context["lang"]),
        "twofa_error": t(_TWOFA_ERRORS[request.query["error"]])
        if request.query.get("error") in _TWOFA_ERRORS
        else "",
    }
    response = render_template(_PAGE, request, context, status=400 if error else 200)
    if secret:
        response.headers["Cache-Control"] = "no-store"  # the secret, shown once
    return response


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
        return _refusal(exc)
    token, _csrf = await open_session(request, operator)
    response = web.HTTPSeeOther("/console/account?done=password")
    set_session_cookie(request, response, token)
    raise response


async def _end_other_sessions(request: web.Request) -> None:
    """End the operator's every session and redirect with a new one for this browser."""
    operators = request.app[SERVICES].operators
    operator = await operators.end_other_sessions(
        request[SESSION].operator, client=request.remote or "unknown"
    )
    token, _csrf = await open_session(request, operator)
    response = web.HTTPSeeOther("/console/account?done=sessions")
    set_session_cookie(request, response, token)
    raise response


async def _token(request: web.Request, form: TokenForm) -> tuple[str, str]:
    """Create (return its secret, shown on this response only) or revoke one of the
    operator's tokens; return the refusal's text key when refused."""
    tokens = request.app[SERVICES].helpdesk.api_tokens
    operator = request[SESSION].operator
    try:
        if form.action == "token_create":
            _, secret = await tokens.create(operator, name=form.name)
            return "", secret
        await tokens.revoke(form.id, owner=operator)
    except ChatdeskError as exc:
        return _refusal(exc), ""
    raise web.HTTPSeeOther("/console/account?done=token_revoked")


async def _away(request: web.Request, lang: str) -> dict[str, Any]:
    """What the *Out of office* form shows: whether the operator is away, until which
    day, who replaces them, the colleagues who may, and a refusal."""
    services = request.app[SERVICES]
    operator = request[SESSION].operator
    zone = services.config.hours.timezone
    until = operator.away_until if operator.away(services.helpdesk.console.clock()) else None
    colleagues = [o for o in await services.operators.list() if not o.disabled]
    wrong = request.query.get("away_error", "")
    return {
        "away_day": format_day(until, lang, zone) if until else "",
        "back_on": until.astimezone(zone).date().isoformat() if until else "",
        "replacement_id": operator.replacement_id if until else None,
        "colleagues": [o for o in colleagues if o.id != operator.id],
        "away_error": AWAY_ERRORS.get(wrong, ""),
    }


async def _sessions(request: web.Request, t: Any, lang: str) -> list[dict[str, Any]]:
    """Where the operator is signed in, as the page lists it: this browser first."""
    services = request.app[SERVICES]
    session = request[SESSION]
    zone = services.config.hours.timezone
    now = services.operators.sessions.clock()  # the wall clock, as the sessions'
    rows = []
    for found in await services.operators.sessions.current(session.operator):
        browser, system = describe_agent(found.agent)
        if browser and system:
            device = t("session_device", browser=browser, system=system)
        else:
            device = browser or system or t("session_unknown_browser")
        rows.append({
            "id": found.id, "device": device, "ip": found.ip,
            "started": format_when(found.created_at, lang, zone),
            "seen": format_ago(found.seen_at, now, lang),
            "seen_at": format_when(found.seen_at, lang, zone),
            "this": found.id == session.session_id,
        })  # fmt: skip
    return sorted(rows, key=lambda row: not row["this"])


def _refusal(exc: ChatdeskError) -> str:
    """The page's text for a service's refusal (others are not the page's to explain)."""
    if exc.code not in _ERRORS:
        raise exc
    return _ERRORS[exc.code]


def setup(app: web.Application) -> None:
    """Add the account page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/account", account_page)
