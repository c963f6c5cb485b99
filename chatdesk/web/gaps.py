"""The console's page of the bot's misses (admins): groups, proposals, YAML snippets."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from ..bot.gapreport import PERIODS, GapReport
from ..errors import ChatdeskError, InvalidPayload
from ..wire.forms import GapDismissForm
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .console import base_context
from .consolelang import console_lang, translator
from .forms import read_form

__all__ = ["setup"]

DEFAULT_DAYS = 30
DEFAULT_MIN_COUNT = 2
_KEY = "{key:[0-9a-f]{12}}"


def _period(request: web.Request) -> tuple[int, int]:
    """Return the ``days`` and ``min_count`` asked for (400 when they are not offered)."""
    try:
        days = int(request.query.get("days", DEFAULT_DAYS))
        min_count = int(request.query.get("min_count", DEFAULT_MIN_COUNT))
    except ValueError:
        raise InvalidPayload("`days` and `min_count` must be whole numbers") from None
    request.app[SERVICES].gaps.check(days, min_count)
    return days, min_count


@login_required
async def gaps_page(request: web.Request) -> web.StreamResponse:
    """The groups of misses over a period, each with its proposal; ``?accept=<group>``
    shows that group's snippet to copy or download."""
    context = await base_context(request) | {"view": "gaps", "periods": PERIODS}
    if not request[SESSION].operator.is_admin:
        context["denied"] = True
        return aiohttp_jinja2.render_template("console/gaps.html", request, context, status=403)
    t = translator(console_lang(request))
    try:
        days, min_count = _period(request)
    except InvalidPayload:
        context |= {"error": t("gaps_invalid"), "days": DEFAULT_DAYS}
        context["min_count"] = DEFAULT_MIN_COUNT
        return aiohttp_jinja2.render_template("console/gaps.html", request, context, status=400)
    report = await request.app[SERVICES].gaps.report(days, min_count)
    dismissed = request.query.get("dismissed", "")
    accept = request.query.get("accept", "")
    accepted = report.group(accept) if report is not None and accept else None
    context |= {
        "days": days,
        "min_count": min_count,
        "report": report,
        "accepted": accepted.key if accepted else "",
        "gone": bool(accept) and accepted is None and report is not None,
        "dismissed": int(dismissed) if dismissed.isdigit() else 0,
        "query": f"days={days}&min_count={min_count}",
    }
    return aiohttp_jinja2.render_template("console/gaps.html", request, context)


async def _report(request: web.Request) -> GapReport:
    """The report behind a download (admins only; 400 on a bad period)."""
    if not request[SESSION].operator.is_admin:
        raise web.HTTPForbidden(text="Only admins see the bot's misses.")
    try:
        days, min_count = _period(request)
    except InvalidPayload as exc:
        raise web.HTTPBadRequest(text=exc.message) from None
    report = await request.app[SERVICES].gaps.report(days, min_count)
    if report is None:
        raise web.HTTPNotFound(text="This desk has no bot knowledge loaded.")
    return report


def _yaml(text: str, name: str) -> web.Response:
    return web.Response(
        text=text,
        content_type="application/yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@login_required
async def group_yaml(request: web.Request) -> web.StreamResponse:
    """One group's snippet: what ``kb gaps --write`` writes for it."""
    report = await _report(request)
    group = report.group(request.match_info["key"])
    if group is None:
        raise web.HTTPNotFound(text="No such group now: reload the page of the bot's misses.")
    return _yaml(group.snippet, f"gap-{group.key}.yaml")


@login_required
async def all_yaml(request: web.Request) -> web.StreamResponse:
    """Every group's snippet, the file ``kb gaps --write`` writes for the same misses."""
    report = await _report(request)
    return _yaml(report.snippets, f"gaps-{report.days}d.yaml")


@login_required
async def dismiss(request: web.Request) -> web.StreamResponse:
    """Leave a group's misses out from now on (admins), then show the groups again."""
    session = request[SESSION]
    form = await read_form(request, GapDismissForm)
    check_csrf(session.csrf, form.csrf)
    days, min_count = int(form.days), int(form.min_count)
    try:
        count = await request.app[SERVICES].gaps.dismiss(
            session.operator, days, min_count, form.key
        )
    except ChatdeskError as exc:
        kinds: dict[int, type[web.HTTPException]] = {403: web.HTTPForbidden, 404: web.HTTPNotFound}
        raise kinds.get(exc.status, web.HTTPBadRequest)(text=exc.message) from None
    raise web.HTTPSeeOther(f"/console/gaps?days={days}&min_count={min_count}&dismissed={count}")


def setup(app: web.Application) -> None:
    """Add the misses' page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/gaps", gaps_page)
    app.router.add_get("/console/gaps.yaml", all_yaml)
    app.router.add_post("/console/gaps/dismiss", dismiss)
    app.router.add_get(f"/console/gaps/{_KEY}.yaml", group_yaml)
