"""The weekly report by e-mail: last week's figures to the desk's admins and service
managers, from Monday 08:00 in the desk's time zone (``[email] weekly_report = true``).

The ``weekly_report`` job queues one mail per reader with the week's figures as they
are then (the reports page's, for the whole desk and per department); the outbox key
names the week and the reader, so a restart, a second process or a later turn of the
job never sends it twice. A reader who comes later in the week (an admin added, one
back from out of office) gets it at the job's next turn.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from babel.numbers import format_decimal

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..events import Event
from ..helpdesk.reports import Report, ReportService
from ..models import Operator, elapsed, utcnow
from ..models.mail import OutboxMail
from ..operators import UNUSED_AFTER
from ..store import Store
from .content import Content
from .stafftexts import staff_text as _t
from .texts import mail_text

if TYPE_CHECKING:  # the outbox's composer imports this module
    from .outbox import Outbox

__all__ = ["SEND_FROM", "WEEKLY", "WeeklyReports", "weekly_content"]

#: The outbox kind of the weekly report.
WEEKLY = "weekly_report"
#: The week's report goes out from Monday at this time, in the desk's time zone.
SEND_FROM = time(8, 0)


class WeeklyReports:
    """The ``weekly_report`` job (every 10 minutes, one process: its lease)."""

    def __init__(
        self, store: Store, config: DeskConfig, outbox: Outbox, reports: ReportService,
        *, clock: Callable[[], datetime] = utcnow,
    ) -> None:  # fmt: skip
        self.store = store
        self.config = config
        self.outbox = outbox
        self.reports = reports
        self.clock = clock
        # The week this process queued and for whom: the figures are counted again only
        # for a reader who came since (an admin added, one back from out of office).
        self._week = ""
        self._queued: set[str] = set()

    async def run(self) -> list[Event]:
        """Queue last week's report for each reader, once the week's Monday 08:00 came."""
        if not self.config.email.weekly_report or not self.outbox.enabled:
            return []
        now = self.clock()
        local = now.astimezone(self.config.hours.timezone)
        if local.weekday() == 0 and local.time() < SEND_FROM:
            return []
        start = local.date() - timedelta(days=local.weekday() + 7)
        year, week, _ = start.isocalendar()
        label = f"{year}-W{week:02d}"
        if label != self._week:
            self._week, self._queued = label, set()
        accounts = await self.store.operators.list_operators()
        readers = [o for o in accounts if _reads(o, now) and o.id not in self._queued]
        if readers:
            # Admins also read which active accounts nobody used for months (leavers?).
            unused = sorted(o.name for o in accounts if not o.disabled and o.last_seen_at
                            and o.last_seen_at < now - UNUSED_AFTER)  # fmt: skip
            report = await self.reports.report(start, start + timedelta(days=6))
            # The week before, beside each figure: is it getting better?
            previous = await self.reports.report(start - timedelta(days=7), start - timedelta(1))
            data = _figures(report) | {
                "week": week,
                "before": _outcome(previous.total),
                "before_week": (start - timedelta(days=7)).isocalendar()[1],
            }
            await self.outbox.enqueue([
                OutboxMail(
                    WEEKLY, o.email, _lang(o), now,
                    data=data | {"name": o.name, "unused": unused if o.is_admin else []},
                    key=f"{WEEKLY}:{label}:{o.id}",  # once a week and reader, whoever queues
                )
                for o in readers
            ])  # fmt: skip
        self._queued.update(o.id for o in readers)
        return []


def _reads(operator: Operator, now: datetime) -> bool:
    """Whether ``operator`` gets the report: an active admin or service manager who takes
    the desk's mail and is not out of office."""
    return (
        operator.sees_complaints and not operator.disabled and operator.mail_notifications
        and not operator.away(now)
    )  # fmt: skip


def _lang(operator: Operator) -> str:
    return next((lang for lang in operator.languages if lang in LANGUAGES), "en")


def _figures(report: Report) -> dict[str, Any]:
    total = report.total
    return {
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "total": _outcome(total),
        "departments": [
            [o.key, o.opened, o.closed] for o in report.outcomes["department"] if o.key
        ],
    }


def _outcome(o: Any) -> dict[str, Any]:
    names = (
        "opened", "closed", "first_responses", "first_response_met", "first_response_seconds",
        "resolutions", "resolution_met", "resolution_seconds", "breaches", "ratings",
        "rating_average", "satisfied",
    )  # fmt: skip
    return {name: getattr(o, name) for name in names}


def weekly_content(mail: OutboxMail, config: DeskConfig, public_url: str) -> Content:
    """Return what a weekly report says, from the figures it was queued with."""
    lang, data = mail.lang, mail.data
    total: dict[str, Any] = data.get("total") or {}
    start, end = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    desk = config.name

    before: dict[str, Any] = data.get("before") or {}  # none in a mail queued before it was

    def share(figures: dict[str, Any], met: str, n: str, *, short: bool = False) -> str:
        count = int(figures.get(n) or 0)
        if not count:
            return "—"
        done = int(figures.get(met) or 0)
        pct = round(100 * done / count)
        return _t(lang, "weekly_pct" if short else "weekly_share", met=done, n=count, pct=pct)

    def vs(value: str, old: str) -> str:
        if not before or old == "—":
            return value
        return _t(lang, "weekly_before", value=value, week=data.get("before_week", ""), before=old)

    def seconds(figures: dict[str, Any], key: str) -> str:
        return _duration(figures.get(key), lang)

    details = [
        (_t(lang, "weekly_opened"), vs(str(total.get("opened", 0)), str(before.get("opened", 0)))),
        (_t(lang, "weekly_closed"), vs(str(total.get("closed", 0)), str(before.get("closed", 0)))),
        (_t(lang, "weekly_first"), vs(share(total, "first_response_met", "first_responses"),
                                      share(before, "first_response_met", "first_responses",
                                            short=True))),
        (_t(lang, "weekly_first_time"), vs(seconds(total, "first_response_seconds"),
                                           seconds(before, "first_response_seconds"))),
        (_t(lang, "weekly_resolved"), vs(share(total, "resolution_met", "resolutions"),
                                         share(before, "resolution_met", "resolutions",
                                               short=True))),
        (_t(lang, "weekly_resolution_time"), vs(seconds(total, "resolution_seconds"),
                                                seconds(before, "resolution_seconds"))),
        (_t(lang, "weekly_breaches"),
         vs(str(total.get("breaches", 0)), str(before.get("breaches", 0)))),
        (_t(lang, "weekly_csat"), vs(_csat(total, lang), _average(before, lang))),
    ]  # fmt: skip
    departments = data.get("departments") or []
    if len(departments) > 1:  # one department is the desk: said above
        details += [
            (config.department_name(str(key), lang),
             _t(lang, "weekly_department", opened=opened, closed=closed))
            for key, opened, closed in departments
        ]  # fmt: skip
    names = [str(n) for n in data.get("unused") or []]
    unused = (_t(lang, "weekly_unused", names=", ".join(names)),) if names else ()
    colon = "\u00a0:" if lang == "fr" else ":"  # French: a (no-break) space before it
    day = "d MMMM"
    return Content(
        subject=_t(lang, "weekly_subject", desk=desk, week=data.get("week", "")),
        greeting=mail_text(lang, "hello", name=data.get("name", "")),
        paragraphs=(_t(lang, "weekly_1", desk=desk, start=format_date(start, day, locale=lang),
                       end=format_date(end, day, locale=lang)),
                    *unused),
        details=tuple((f"{label}{colon}", value) for label, value in details),
        action=(_t(lang, "weekly_action"),
                f"{public_url}/console/reports?from={start.isoformat()}&to={end.isoformat()}"),
        footer=_t(lang, "weekly_footer", desk=desk),
    )  # fmt: skip


def _csat(total: dict[str, Any], lang: str) -> str:
    rated = int(total.get("ratings") or 0)
    if not rated:
        return "—"
    average = format_decimal(float(total.get("rating_average") or 0), "0.0", locale=lang)
    pct = round(100 * int(total.get("satisfied") or 0) / rated)
    return _t(lang, "weekly_csat_value", average=average, n=rated, pct=pct)


def _average(figures: dict[str, Any], lang: str) -> str:
    """The week's average rating alone (``4,5/5``), or ``—``."""
    if not int(figures.get("ratings") or 0):
        return "—"
    return format_decimal(float(figures.get("rating_average") or 0), "0.0", locale=lang) + "/5"


def _duration(seconds: float | None, lang: str) -> str:
    """``3 d 4 h``, ``2 h 05 min``, ``12 min`` (elapsed time, as the reports page says)."""
    if seconds is None:
        return "—"
    days, hours, minutes = elapsed(seconds)
    if days:
        return _t(lang, "weekly_days", d=days, h=hours)
    if hours:
        return _t(lang, "weekly_hours", h=hours, m=f"{minutes:02d}")
    return _t(lang, "weekly_minutes", m=minutes)
