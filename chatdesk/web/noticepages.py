"""The console's service notices page (admins): ``/console/notices`` lists current and
past notices, publishes one (to everyone or chosen organisations) and ends one, through
``NoticeService`` as ``chatdesk notices`` does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from ..bot.markdown import render_markdown
from ..errors import ChatdeskError
from ..models import ServiceNotice, Severity
from ..wire.admin import NoticeEndForm, NoticeForm
from .adminpages import PageError, admin_page, read_admin_form, render_admin
from .appkeys import EVENTS, SERVICES
from .auth import SESSION, login_required

__all__ = ["notice_state", "setup"]

_PAGE = "console/notices.html"
_FORMS: dict[str, type[Any]] = {"publish": NoticeForm, "end": NoticeEndForm}


@login_required
async def notices_page(request: web.Request) -> web.StreamResponse:
    """Current and past notices, the form publishing one, an *End now* button each."""
    context = await admin_page(request, _PAGE)
    if isinstance(context, web.Response):
        return context
    services = request.app[SERVICES]
    zone = services.config.hours.timezone
    error: PageError | None = None
    if request.method == "POST":
        done = ""
        try:
            # No action field: a publication (the form's default).
            kinds = _FORMS | {"": NoticeForm}
            form = await read_admin_form(request, kinds, lists=("orgs",))
            done = await _act(request, form, zone)
        except PageError as exc:
            error = exc
        else:
            raise web.HTTPSeeOther(f"/console/notices?done={done}")
    notices = services.helpdesk.notices
    now = notices.clock()
    names = {o.id: o.name for o in await services.helpdesk.people.organisations()}
    rows = [
        {
            "notice": n,
            "state": notice_state(n, now),
            "html": render_markdown(n.body),
            "audience": [names.get(i, i) for i in n.audience],
        }
        for n in await notices.list()
    ]
    done = request.query.get("done", "")
    context |= {
        "notices": rows,
        "orgs": list(names.items()),
        "severities": [s.value for s in Severity],
        "timezone": zone.key,
        "local": lambda at: at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "done": done if done in ("published", "ended") and error is None else "",
    }
    return render_admin(request, _PAGE, context, error)


def notice_state(notice: ServiceNotice, now: datetime) -> str:
    """Return ``scheduled``, ``running`` or ``ended`` at ``now``."""
    if notice.ends_at is not None and notice.ends_at <= now:
        return "ended"
    return "scheduled" if notice.starts_at > now else "running"


async def _act(request: web.Request, form: Any, zone: ZoneInfo) -> str:
    services = request.app[SERVICES]
    operator = request[SESSION].operator
    try:
        if isinstance(form, NoticeEndForm):
            await services.helpdesk.notices.end(operator, form.id)
            return "ended"
        assert isinstance(form, NoticeForm)
        if form.audience == "orgs" and not form.orgs:
            raise PageError("err_notice_orgs")
        _, events = await services.helpdesk.notices.publish(
            operator,
            title=form.title,
            body=form.body,
            severity=form.severity,
            starts_at=_utc(form.starts_at, zone),
            ends_at=_utc(form.ends_at, zone),
            audience=form.orgs if form.audience == "orgs" else (),
        )
    except ChatdeskError as exc:
        raise PageError.of(exc) from None
    await request.app[EVENTS].publish(events)
    return "published"


def _utc(local: str, zone: ZoneInfo) -> datetime | None:
    """The form's wall-clock time in the desk's zone, in UTC (empty: None)."""
    if not local:
        return None
    try:
        return datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(UTC)
    except ValueError:  # the right shape, not a date (2026-02-30T10:00)
        raise PageError("err_form") from None


def setup(app: web.Application) -> None:
    """Add the notices page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/notices", notices_page)
