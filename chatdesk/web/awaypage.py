"""The account page's *Out of office* form: an operator away until the day they are back,
their mail going to a colleague meanwhile (``POST /console/account/away``); or back now."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from aiohttp import web

from ..errors import ChatdeskError
from ..wire.forms import AwayForm
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .forms import read_form

__all__ = ["AWAY_ERRORS", "setup"]

#: The page's text for each refusal (``?away_error=<code>``; anything else says nothing).
AWAY_ERRORS = {"away_until": "err_away_until", "replacement": "err_replacement"}


@login_required
async def away(request: web.Request) -> web.StreamResponse:
    """Set or end the operator's own out of office; back to the account page."""
    session = request[SESSION]
    form = await read_form(request, AwayForm)
    check_csrf(session.csrf, form.csrf)
    services = request.app[SERVICES]
    if form.back == "1":
        await services.helpdesk.away.back(session.operator)
        raise web.HTTPSeeOther("/console/account?done=back#away-h")
    try:
        day = date.fromisoformat(form.back_on)
    except ValueError:
        raise web.HTTPSeeOther("/console/account?away_error=away_until#away-h") from None
    # Back at the start of that day, where the desk is.
    zone = services.config.hours.timezone
    until = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    try:
        await services.helpdesk.away.set(session.operator, until, form.replacement or None)
    except ChatdeskError as exc:
        code = exc.code if exc.code in AWAY_ERRORS else "away_until"
        raise web.HTTPSeeOther(f"/console/account?away_error={code}#away-h") from None
    raise web.HTTPSeeOther("/console/account?done=away#away-h")


def setup(app: web.Application) -> None:
    """Add the form's route (before the console's catch-all ``/console/{view}``)."""
    app.router.add_post("/console/account/away", away)
