"""The console's reports page (charts drawn by reports.js) and its tables as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, cast

import aiohttp_jinja2
from aiohttp import web

from ..errors import InvalidPayload
from ..helpcentre import HelpReport
from ..helpdesk import Report, for_reader
from ..helpdeskconfig import Target
from ..models import Grouping, Outcome, TimeSpent, elapsed, format_number
from .appkeys import SERVICES
from .auth import SESSION, login_required
from .console import base_context, desk_words
from .consolelang import Translate, console_lang, translator

__all__ = ["csv_cell", "csv_download", "duration", "setup", "target_text"]

Table = Literal[
    "days", "department", "operator", "priority", "tag", "help", "help_searches", "time"
]
_TABLES: tuple[Table, ...] = (
    "days",
    "department",
    "operator",
    "priority",
    "tag",
    "help",
    "help_searches",
    "time",
)
#: Characters that make a spreadsheet read a cell as a formula (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Return ``value`` as a CSV cell a spreadsheet will not run: text starting with
    ``= + - @`` (or a tab or carriage return) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def duration(seconds: float | None, t: Translate) -> str:
    """Return ``seconds`` for people: ``3 d 4 h``, ``2 h 5 min``, ``12 min``."""
    if seconds is None:
        return "—"
    days, hours, minutes = elapsed(seconds)
    if days:
        return t("remaining_days", d=days, h=hours)
    if hours:
        return t("remaining", h=hours, m=f"{minutes:02d}")
    return t("remaining_min", m=minutes)


def target_text(target: Target, t: Translate) -> str:
    """Return an SLA target for people: ``4 h``, ``1 h 30 min``, ``3 business days``."""
    if target.business is None:
        return t("one_business_day") if target.days == 1 else t("business_days", n=target.days)
    seconds = round(target.business.total_seconds())
    if seconds and seconds % 3600 == 0 and seconds < 86400:
        return t("remaining_hours", h=seconds // 3600)  # "4 h", not "4 h 00 min"
    if seconds and seconds % 86400 == 0:
        return t("whole_days", d=seconds // 86400)  # "2 d", not "2 d 0 h"
    return duration(seconds, t)


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "—"


def _date(request: web.Request, name: str) -> date | None:
    value = request.query.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name}: a date such as 2026-11-30") from None


async def _report(request: web.Request) -> tuple[Report | None, str]:
    """Return the report of the period asked for, or None and why not."""
    reports = request.app[SERVICES].helpdesk.reports
    try:
        return await reports.report(_date(request, "from"), _date(request, "to")), ""
    except InvalidPayload:
        return None, translator(console_lang(request))("period_invalid")


@login_required
async def reports_page(request: web.Request) -> web.StreamResponse:
    """Tickets opened and closed per day, first response and resolution against targets,
    breaches, CSAT, per department, operator and priority, over a chosen period."""
    report, error = await _report(request)
    start, end = request.app[SERVICES].helpdesk.reports.period()
    context = await base_context(request) | {
        "view": "reports",
        "report": report,
        "error": error,
        "start": report.start if report else request.query.get("from", start),
        "end": report.end if report else request.query.get("to", end),
        "tables": ("department", "operator", "priority"),
        "help": await _help(request, report) if report else None,
        "duration": duration,
        "target_text": target_text,
        # The targets of the priorities the desk offers (not those it does not).
        "offered": request.app[SERVICES].config.helpdesk.offered,
        # Priorities whose targets count every hour of every day (`calendar = "24/7"`).
        "around_the_clock": {
            p
            for p, c in request.app[SERVICES].config.helpdesk.priorities.items()
            if c.around_the_clock
        },
        "share": _share,
        "query": request.query_string,
        "time_names": await _time_names(request),
    }
    context["chart"] = _chart(report, context["t"]) if report else None
    return aiohttp_jinja2.render_template(
        "console/reports.html", request, context, status=400 if error else 200
    )


async def _time_names(request: web.Request) -> dict[str, dict[str | None, str]]:
    """The names of the time spent's groups: organisations and operators, by id."""
    services = request.app[SERVICES]
    organisations = await services.helpdesk.people.organisations()
    operators = await services.operators.list()
    return {
        "organisation_id": {o.id: o.name for o in organisations},
        "operator_id": {o.id: o.name for o in operators},
    }


def _time_rows(
    rows: list[TimeSpent], names: dict[str, dict[str | None, str]], t: Translate
) -> Iterator[list[object]]:
    """The time spent as CSV, for an invoice's detail: a row per organisation, ticket and
    operator (minutes)."""
    yield [t("organisation"), t("ticket"), t("subject"), t("time_operator"), t("minutes")]
    for row in rows:
        yield [
            names["organisation_id"].get(row.organisation_id) or t("no_organisation"),
            format_number(row.number),
            row.subject,
            names["operator_id"].get(row.operator_id) or "—",
            row.minutes,
        ]


async def _help(request: web.Request, report: Report) -> HelpReport:
    """The help centre's figures over the report's days (local midnights of the desk)."""
    services = request.app[SERVICES]
    zone = services.config.hours.timezone
    since = datetime.combine(report.start, time(0), zone)
    until = datetime.combine(report.end + timedelta(days=1), time(0), zone)
    return await services.help.report(console_lang(request), since=since, until=until)


def _help_rows(help: HelpReport, table: Table, t: Translate) -> Iterator[list[object]]:
    if table == "help_searches":
        yield [
            t("help_query"), t("language"), t("help_best"), t("help_confidence"), t("when"),
            t("help_searched_by"),
        ]  # fmt: skip
        for miss in help.search_misses:
            best = miss.best_entry_id or ""
            yield [
                miss.query, miss.lang, best, round(miss.confidence, 3), miss.ts.isoformat(),
                t(f"help_by_{miss.source}"),
            ]  # fmt: skip
        return
    yield [
        t("help_article"), "id", t("help_views"), t("help_deflections"),
        t("help_bot_useful"), t("help_bot_not_useful"),
        t("help_page_useful"), t("help_page_not_useful"), t("help_quotes"),
    ]  # fmt: skip
    for row in help.rows:
        a, v = row.activity, row.votes
        yield [
            row.title, row.entry_id, a.views, a.deflections,
            v.bot_useful, v.bot_not_useful, v.page_useful, v.page_not_useful, a.quotes,
        ]  # fmt: skip


def _chart(report: Report, t: Translate) -> dict[str, Any]:
    """The per-day series reports.js draws (uPlot's columns: days, then each series), and
    their names in the page's language (the bundle carries no texts)."""
    return {
        "days": [d.isoformat() for d, _ in report.days],
        "opened": [c.opened for _, c in report.days],
        "closed": [c.closed for _, c in report.days],
        "breaches": [c.breaches for _, c in report.days],
        "labels": {key: t(key) for key in ("day", "opened", "closed_n", "breaches")},
    }


def _rows(
    report: Report, table: Table, t: Translate, dept: Callable[[str], str]
) -> Iterator[list[object]]:
    if table == "days":
        yield [t("day"), t("opened"), t("closed_n"), t("breaches")]
        for day, c in report.days:
            yield [day.isoformat(), c.opened, c.closed, c.breaches]
        return
    yield [
        t(table if table != "operator" else "assignee"), t("opened"), t("closed_n"),
        t("first_response"), t("within_target"), t("average_time") + " (h)",
        t("resolution"), t("within_target"), t("average_time") + " (h)",
        t("breaches"), t("ratings"), t("csat_average"), t("satisfied"),
    ]  # fmt: skip
    grouping = cast(Grouping, table)  # the help tables never come here
    for o in report.outcomes[grouping]:
        yield [_group_label(o, grouping, t, dept), *_figures(o)]


def _group_label(o: Outcome, grouping: Grouping, t: Translate, dept: Callable[[str], str]) -> str:
    if o.key is None:
        return t("unassigned_label")
    if grouping == "priority":
        return t(f"priority_{o.key}")
    return dept(o.key) if grouping == "department" else o.label


def _figures(o: Outcome) -> list[object]:
    hours = [
        None if s is None else s / 3600 for s in (o.first_response_seconds, o.resolution_seconds)
    ]
    return [
        o.opened, o.closed, o.first_responses, o.first_response_met, hours[0],
        o.resolutions, o.resolution_met, hours[1], o.breaches, o.ratings,
        o.rating_average, o.satisfied,
    ]  # fmt: skip


@login_required
async def reports_csv(request: web.Request) -> web.StreamResponse:
    """One table of the reports page as CSV (``?table=days|department|operator|priority|help|
    help_searches|time``
    and the page's period), cells safe from formula injection."""
    table = request.query.get("table", "")
    if table not in _TABLES:
        raise web.HTTPBadRequest(text=f"table: one of {', '.join(_TABLES)}")
    report, error = await _report(request)
    if report is None:
        raise web.HTTPBadRequest(text=error)
    lang = console_lang(request)
    config = request.app[SERVICES].config
    t = translator(lang, desk_words(config, lang))
    rows = (
        _help_rows(await _help(request, report), table, t)
        if table.startswith("help")
        else _time_rows(
            for_reader(report.time, request[SESSION].operator), await _time_names(request), t
        )
        if table == "time"
        else _rows(report, table, t, lambda slug: config.department_name(slug, lang))
    )
    name = f"chatdesk-{table}-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    return csv_download(name, rows)


def csv_download(name: str, rows: Iterable[Iterable[object]]) -> web.Response:
    """Return ``rows`` as a CSV download: cells safe from formula injection, UTF-8 with a
    BOM (spreadsheets then read the accents right)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def setup(app: web.Application) -> None:
    """Add the reports routes (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/reports", reports_page)
    app.router.add_get("/console/reports.csv", reports_csv)
