"""The desk's own configuration (hours, departments, routing, helpdesk) from ``chatdesk.toml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .departments import department_name
from .deskfile import (
    DEFAULT_COLOUR,
    Day,
    DeskFile,
    HoursSection,
    PhoneSection,
    RoutingSection,
    read_desk_file,
)
from .errors import ConfigError
from .helpdeskconfig import PRIORITIES, HelpdeskConfig, Target, build_helpdesk
from .hookconfig import Webhook, build_webhooks
from .hours import DAYS, AroundTheClock, BusinessHours, Calendar
from .mailconfig import EmailConfig, build_email
from .phoneline import PhoneLine
from .ruleconfig import TicketRule, build_rules

__all__ = [
    "PRIORITIES",
    "DeskConfig",
    "Retention",
    "RoutingConfig",
    "load_desk_config",
    "parse_duration",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def parse_duration(text: str) -> timedelta:
    """Parse ``"90s"``, ``"15m"``, ``"4h"`` or ``"2d"``."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a duration such as 30s, 15m, 4h or 2d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """How queued conversations reach operators."""

    #: Offer each queued conversation to the least-loaded available operator.
    auto_assign: bool = False
    #: An auto-assigned conversation not accepted within this time goes back to the queue.
    accept_timeout: timedelta = timedelta(seconds=60)
    #: An operator whose last connection closed is offline after this grace period.
    offline_grace: timedelta = timedelta(seconds=120)
    #: Concurrent live conversations per operator, unless set on the operator.
    default_capacity: int = 3


@dataclass(frozen=True, slots=True)
class Retention:
    """``[privacy]``: how long chats and closed tickets are kept (None: for ever)."""

    #: A chat that never became a ticket is deleted this long after its last message.
    chats: timedelta | None = None
    #: A closed ticket is anonymised this long after it closed.
    tickets: timedelta | None = None


@dataclass(frozen=True)
class DeskConfig:
    """Everything ``chatdesk.toml`` configures (documented in docs/operators.md)."""

    name: str = "chatdesk"
    departments: tuple[str, ...] = ("general", "technical", "billing", "sales")
    default_department: str = "general"
    hours: BusinessHours = field(default_factory=lambda: BusinessHours.weekdays("09:00", "18:00"))
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    helpdesk: HelpdeskConfig = field(default_factory=HelpdeskConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    #: The brand colour of the public pages (``#rrggbb``).
    colour: str = DEFAULT_COLOUR
    #: The phone line urgent tickets are told to call (``[phone]``); None: none.
    phone: PhoneLine | None = None
    #: ``[departments.<id>] label``: a department's name per language.
    department_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ``[security] two_factor``: ``optional``, ``admins`` or ``everyone`` must use it.
    two_factor: str = "optional"
    #: ``[security] password_sign_in``: ``everyone``, or ``admins`` (the others use SSO).
    password_sign_in: str = "everyone"  # noqa: S105 (who may use one)
    #: ``[desk] help_chat``: the chat widget on the help centre's pages.
    help_chat: bool = False
    #: ``[[webhooks]]``: endpoints that receive the tickets' changes.
    webhooks: tuple[Webhook, ...] = ()
    #: ``[[rules]]``: what the desk does by itself to new tickets, in file order.
    rules: tuple[TicketRule, ...] = ()
    #: ``[privacy]``: the retention policy.
    retention: Retention = field(default_factory=Retention)
    #: Departments with opening hours of their own (``[departments.<id>] hours``).
    department_hours: dict[str, BusinessHours] = field(default_factory=dict)

    def department_name(self, slug: str, lang: str) -> str:
        """Return what people read for department ``slug`` in ``lang``."""
        return department_name(self.department_labels, slug, lang)

    @property
    def targets(self) -> dict[str, Target]:
        """Return the first-response target of each priority."""
        return {p: c.first_response for p, c in self.helpdesk.priorities.items()}

    def hours_of(self, department: str | None) -> BusinessHours:
        """Return a department's opening hours: its own (``[departments.<id>] hours``),
        else the desk's."""
        if department is None:
            return self.hours
        return self.department_hours.get(department, self.hours)

    def calendar(self, priority: str, department: str | None = None) -> Calendar:
        """Return the calendar a ticket's targets count on: 24/7 for a priority that says
        so, else its department's hours (the desk's when it has none of its own)."""
        config = self.helpdesk.priorities.get(priority)
        if config is not None and config.around_the_clock:
            return AroundTheClock(self.hours.timezone)
        return self.hours_of(department)


def load_desk_config(path: Path | None) -> DeskConfig:
    """Read ``path`` (a missing file means all defaults).

    :raises ConfigError: naming the file and the key that is wrong.
    """
    if path is None or not path.exists():
        return DeskConfig()
    file = read_desk_file(path)
    try:
        return _desk(file)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc.message}") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _desk(file: DeskFile) -> DeskConfig:
    desk = file.desk
    departments = tuple(desk.departments)
    for department in departments:
        if not _SLUG.match(department):
            raise ValueError(f"[desk] departments: {department!r} is not a slug")
    default_department = desk.default_department or departments[0]
    if default_department not in departments:
        raise ValueError(
            f"[desk] default_department {default_department!r} is not one of the departments"
        )
    if not desk.name.strip():
        raise ValueError("[desk] name must be non-empty text")
    for slug in file.departments:
        if slug not in departments:
            raise ValueError(f"[departments.{slug}]: {slug!r} is not one of [desk] departments")
    helpdesk = build_helpdesk(file)
    hours = _hours(file.hours)
    return DeskConfig(
        name=desk.name.strip(),
        departments=departments,
        default_department=default_department,
        hours=hours,
        department_hours={
            slug: _department_hours(slug, section.hours, hours)
            for slug, section in file.departments.items()
            if section.hours is not None
        },
        routing=_routing(file.routing),
        helpdesk=helpdesk,
        email=build_email(file.email, departments, _colour(desk.colour)),
        colour=_colour(desk.colour),
        phone=_phone(file.phone, file.hours),
        two_factor=file.security.two_factor,
        password_sign_in=file.security.password_sign_in,
        help_chat=desk.help_chat,
        webhooks=build_webhooks(file.webhooks),
        rules=build_rules(file.rules, departments, helpdesk),
        retention=Retention(
            chats=_days(file.privacy.delete_chats_after_days),
            tickets=_days(file.privacy.anonymise_tickets_after_days),
        ),
        department_labels={
            slug: {str(lang): text.strip() for lang, text in section.label.items() if text.strip()}
            for slug, section in file.departments.items()
        },
    )


def _days(days: int) -> timedelta | None:
    return timedelta(days=days) if days else None


def _phone(phone: PhoneSection, hours: HoursSection) -> PhoneLine | None:
    if not phone.number:
        if phone.hours:
            raise ValueError("[phone] hours need a number")
        return None
    if phone.hours:
        blocks = tuple(_block(b, "phone.hours") for b in phone.hours)
    else:  # the desk's hours on its first open day
        week = hours.week or {"monday": ["09:00-18:00"]}
        first = next((b for b in week.values() if b), [])
        blocks = tuple(_block(b, "phone.hours") for b in first)
    if list(blocks) != sorted(blocks) or any(a[1] > b[0] for a, b in pairwise(blocks)):
        raise ValueError("[phone] hours must be in order and must not overlap")
    return PhoneLine(phone.number, blocks, frozenset(phone.priorities))


def _colour(text: str) -> str:
    """Return ``#rgb`` or ``#rrggbb`` as lower-case ``#rrggbb``."""
    digits = text[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def _hours(hours: HoursSection) -> BusinessHours:
    try:
        timezone = ZoneInfo(hours.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"[hours] timezone {hours.timezone!r} is unknown") from None
    # Without a `week` table: Monday to Friday, 9:00 to 18:00.
    week_data: dict[str, list[str]] = (
        {str(day): blocks for day, blocks in hours.week.items()}
        if hours.week is not None
        else {d: ["09:00-18:00"] for d in DAYS[:5]}
    )
    week = tuple(
        tuple(_block(b, f"hours.week.{day}") for b in week_data.get(day, [])) for day in DAYS
    )
    closed = frozenset(_date(d, "hours.closed") for d in hours.closed)
    return BusinessHours(timezone, week, hours.holidays, closed)


def _department_hours(
    slug: str, hours: str | dict[Day, list[str]], desk: BusinessHours
) -> BusinessHours:
    """Return a department's own hours: round the clock, or its week on the desk's time
    zone, holidays and closed dates."""
    where = f"departments.{slug}.hours"
    if isinstance(hours, str):
        if hours.strip() != "24/7":
            raise ValueError(f'[{where}] must be "24/7" or a table of opening blocks per day')
        whole_day = ((time(0), time.max),)
        return BusinessHours(desk.timezone, (whole_day,) * 7, "", frozenset())
    days: dict[str, list[str]] = {str(day): blocks for day, blocks in hours.items()}
    week = tuple(tuple(_block(b, f"{where}.{day}") for b in days.get(day, [])) for day in DAYS)
    try:
        return BusinessHours(desk.timezone, week, desk.country, desk.closed)
    except ConfigError as exc:
        raise ValueError(f"[{where}] {exc.message}") from None


def _routing(routing: RoutingSection) -> RoutingConfig:
    defaults = RoutingConfig()
    return RoutingConfig(
        auto_assign=routing.auto_assign,
        default_capacity=routing.default_capacity,
        accept_timeout=_duration(routing.accept_timeout, "[routing] accept_timeout")
        if routing.accept_timeout
        else defaults.accept_timeout,
        offline_grace=_duration(routing.offline_grace, "[routing] offline_grace")
        if routing.offline_grace
        else defaults.offline_grace,
    )


def _duration(text: str, where: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"[{where}] {value!r} is not a date such as 2026-12-24") from None


def _block(text: str, where: str) -> tuple[time, time]:
    try:
        start, end = (part.strip() for part in text.split("-"))
        # "24:00" ends a day: a desk open round the clock says "00:00-24:00".
        return time.fromisoformat(start), time.max if end == "24:00" else time.fromisoformat(end)
    except ValueError:
        raise ValueError(f'[{where}] {text!r} is not a block such as "09:00-12:30"') from None
