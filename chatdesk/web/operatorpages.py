"""The console's operators page (admins): ``/console/operators`` lists the accounts with
their role, departments, languages, capacity and state, adds one, changes one's details,
disables or enables one, sets a new password, turns one's two-step sign-in off, through
``OperatorAdmin`` (the services ``chatdesk operators`` uses); and sets one out of office,
through ``OutOfOffice``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from ..config import LANGUAGES
from ..errors import ChatdeskError, InvalidPayload
from ..mail.passwords import INVITE_TTL
from ..models import Operator, Role
from ..operators import MIN_PASSWORD, UNUSED_AFTER
from ..systemtexts import format_ago, format_day, format_when
from ..wire.operatorforms import (
    OperatorAddForm,
    OperatorAwayForm,
    OperatorEditForm,
    OperatorPasswordForm,
    OperatorStateForm,
)
from .adminpages import PageError, admin_page, read_admin_form, render_admin
from .appkeys import SERVICES, SETTINGS
from .auth import SESSION, login_required
from .consolelang import LANGS

__all__ = ["setup"]

_PAGE = "console/operators.html"
_FORMS: dict[str, type[Any]] = {
    "add": OperatorAddForm,
    "edit": OperatorEditForm,
    "disable": OperatorStateForm,
    "enable": OperatorStateForm,
    "reset_2fa": OperatorStateForm,
    "send_link": OperatorStateForm,
    "sign_out": OperatorStateForm,
    "password": OperatorPasswordForm,
    "away": OperatorAwayForm,
    "back": OperatorAwayForm,
}


@login_required
async def operators_page(request: web.Request) -> web.StreamResponse:
    """Every operator account, a form to add one, and each one's changes."""
    context = await admin_page(request, _PAGE)
    if isinstance(context, web.Response):
        return context
    services = request.app[SERVICES]
    error: PageError | None = None
    if request.method == "POST":
        try:
            form = await read_admin_form(request, _FORMS, lists=("departments", "languages"))
            done = await _act(request, form)
        except PageError as exc:
            error = exc
        else:
            raise web.HTTPSeeOther(f"/console/operators?done={done}")
    done = request.query.get("done", "")
    operators = await services.operators.list()
    now, zone = services.helpdesk.console.clock(), services.config.hours.timezone
    away = {o.id: o.away_until for o in operators if o.away_until and o.away(now)}
    lang = context["lang"]
    context |= {
        "operators": operators,
        # Out of office: the day each is back, as said and as the date field takes it.
        "away": {i: format_day(at, lang, zone) for i, at in away.items()},
        "back_on": {i: at.astimezone(zone).date().isoformat() for i, at in away.items()},
        "seen": _last_seen(operators, now, lang, zone),
        # Invitations nobody took up yet: when sent, and whether the link has expired.
        "invited": {
            o.id: (format_ago(at, now, lang), format_when(at, lang, zone), at < now - INVITE_TTL)
            for o in operators
            if (at := o.invited_at) is not None
        },
        # How many browsers each is signed in on (an admin signs a lost laptop out).
        "signed_in": {
            o.id: len(await services.operators.sessions.current(o))
            for o in operators
            if not o.disabled
        },
        "roles": [r.value for r in Role],
        "desk_departments": [
            (d, services.config.department_name(d, context["lang"]))
            for d in services.config.departments
        ],
        "languages": [(code, LANGS[code]) for code in LANGUAGES],
        "default_capacity": services.config.routing.default_capacity,
        "min_password": MIN_PASSWORD,
        # With single sign-on, a new account may go without a password (its button's name).
        "sso": request.app[SETTINGS].sso_name,
        # Without it, and with e-mail, an empty one invites them (the link's days).
        "invite": INVITE_TTL.days if services.operator_admin.invite is not None else 0,
        "done": f"operator_{done}" if done in _DONE and error is None else "",
    }
    return render_admin(request, _PAGE, context, error)


def _last_seen(
    operators: list[Operator], now: datetime, lang: str, zone: ZoneInfo
) -> dict[str, tuple[str, str, bool]]:
    """Return, for each operator seen, how long ago, the moment itself, and whether the
    account looks unused (``UNUSED_AFTER``)."""
    return {
        o.id: (format_ago(at, now, lang), format_when(at, lang, zone), at < now - UNUSED_AFTER)
        for o in operators
        if (at := o.last_seen_at) is not None
    }


_DONE = (
    "added",
    "invited",
    "link_sent",
    "edited",
    "disabled",
    "enabled",
    "password",
    "reset_2fa",
    "away",
    "back",
    "signed_out",
    "invite_sent",
)


async def _act(request: web.Request, form: Any) -> str:
    """Do what ``form`` asks; return what was done (the page says it)."""
    admin = request.app[SERVICES].operator_admin
    actor = request[SESSION].operator
    try:
        if isinstance(form, OperatorAddForm):
            await admin.add(
                actor, form.email, name=form.name, role=form.role,
                departments=form.departments, languages=form.languages,
                password=form.password or None, capacity=_capacity(form.capacity),
            )  # fmt: skip
            sso = request.app[SERVICES].operators.sso
            return "invited" if not form.password and not sso and admin.invite else "added"
        if isinstance(form, OperatorEditForm):
            await admin.edit(
                actor, form.email, name=form.name, role=form.role,
                departments=form.departments, languages=form.languages,
                capacity=_capacity(form.capacity),
            )  # fmt: skip
            return "edited"
        if isinstance(form, OperatorStateForm) and form.action == "send_link":
            sent = await admin.send_password_link(actor, form.email)
            return "invite_sent" if sent.invited_at else "link_sent"
        if isinstance(form, OperatorStateForm) and form.action == "sign_out":
            await admin.end_sessions(actor, form.email)
            return "signed_out"
        if isinstance(form, OperatorStateForm) and form.action == "reset_2fa":
            await admin.reset_two_factor(actor, form.email)
            return "reset_2fa"
        if isinstance(form, OperatorStateForm):
            await admin.set_disabled(actor, form.email, form.action == "disable")
            return "disabled" if form.action == "disable" else "enabled"
        if isinstance(form, OperatorAwayForm):
            return await _away(request, form)
        assert isinstance(form, OperatorPasswordForm)
        await admin.set_password(actor, form.email, form.password)
        return "password"
    except ChatdeskError as exc:
        raise PageError.of(exc, getattr(form, "email", "")) from None


async def _away(request: web.Request, form: OperatorAwayForm) -> str:
    """Set an operator out of office (a colleague off sick), or end it."""
    services = request.app[SERVICES]
    actor = request[SESSION].operator
    if form.action == "back":
        await services.operator_admin.set_away(actor, form.email, None, None)
        return "back"
    try:
        day = date.fromisoformat(form.back_on)
    except ValueError:
        raise InvalidPayload("the day they are back", code="away_until") from None
    zone = services.config.hours.timezone
    until = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    await services.operator_admin.set_away(actor, form.email, until, form.replacement or None)
    return "away"


def _capacity(text: str) -> int | None:
    """A capacity typed in a number box: None (the desk's default) when empty."""
    text = text.strip()
    return int(text) if text else None


def setup(app: web.Application) -> None:
    """Add the operators page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/operators", operators_page)
