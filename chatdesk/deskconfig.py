"""The desk's own configuration, from ``chatdesk.toml``: hours, targets, departments, routing."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError
from .hours import DAYS, BusinessHours

__all__ = ["PRIORITIES", "DeskConfig", "RoutingConfig", "load_desk_config", "parse_duration"]

#: Ticket priorities, most urgent first (plain-language meanings in docs/protocol.md).
PRIORITIES = ("urgent", "high", "normal", "low")
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


@dataclass(frozen=True)
class DeskConfig:
    """Everything ``chatdesk.toml`` configures (documented in docs/operators.md)."""

    name: str = "chatdesk"
    departments: tuple[str, ...] = ("general", "technical", "billing", "sales")
    default_department: str = "general"
    hours: BusinessHours = field(default_factory=lambda: BusinessHours.weekdays("09:00", "18:00"))
    #: First-response targets per priority, counted in business time.
    targets: dict[str, timedelta] = field(
        default_factory=lambda: {
            "urgent": timedelta(hours=1),
            "high": timedelta(hours=4),
            "normal": timedelta(hours=24),
            "low": timedelta(hours=24),
        }
    )
    routing: RoutingConfig = field(default_factory=RoutingConfig)


def load_desk_config(path: Path | None) -> DeskConfig:
    """Read ``path`` (a missing file means all defaults).

    :raises ConfigError: naming the file and the key that is wrong.
    """
    if path is None or not path.exists():
        return DeskConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    reader = _Reader(path)
    try:
        return reader.desk(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc.message}") from None
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def desk(self, data: dict[str, Any]) -> DeskConfig:
        _known(data, {"desk", "hours", "targets", "routing"}, "")
        desk = data.get("desk", {})
        _known(desk, {"name", "departments", "default_department"}, "desk")
        defaults = DeskConfig()
        departments = tuple(desk.get("departments", defaults.departments))
        for department in departments:
            if not isinstance(department, str) or not _SLUG.match(department):
                raise ValueError(f"[desk] departments: {department!r} is not a slug")
        default_department = desk.get("default_department", departments[0])
        if default_department not in departments:
            raise ValueError(
                f"[desk] default_department {default_department!r} is not one of the departments"
            )
        name = desk.get("name", defaults.name)
        if not isinstance(name, str) or not name.strip():
            raise ValueError("[desk] name must be non-empty text")
        return DeskConfig(
            name=name.strip(),
            departments=departments,
            default_department=default_department,
            hours=self.hours(data.get("hours", {})),
            targets=self.targets(data.get("targets", {}), defaults.targets),
            routing=self.routing(data.get("routing", {})),
        )

    def hours(self, data: dict[str, Any]) -> BusinessHours:
        _known(data, {"timezone", "holidays", "closed", "week"}, "hours")
        zone = data.get("timezone", "Europe/Brussels")
        try:
            timezone = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"[hours] timezone {zone!r} is unknown") from None
        # Without a `week` table: Monday to Friday, 9:00 to 18:00.
        week_data = data.get("week", {d: ["09:00-18:00"] for d in DAYS[:5]})
        _known(week_data, set(DAYS), "hours.week")
        week = tuple(
            tuple(_block(b, f"hours.week.{day}") for b in week_data.get(day, [])) for day in DAYS
        )
        closed = frozenset(_date(d, "hours.closed") for d in data.get("closed", []))
        return BusinessHours(timezone, week, str(data.get("holidays", "BE")), closed)

    def targets(self, data: dict[str, Any], defaults: dict[str, timedelta]) -> dict[str, timedelta]:
        _known(data, set(PRIORITIES), "targets")
        targets = dict(defaults)
        for priority, value in data.items():
            try:
                targets[priority] = parse_duration(value)
            except ValueError as exc:
                raise ValueError(f"[targets] {priority}: {exc}") from None
        return targets

    def routing(self, data: dict[str, Any]) -> RoutingConfig:
        _known(
            data, {"auto_assign", "accept_timeout", "offline_grace", "default_capacity"}, "routing"
        )
        defaults = RoutingConfig()
        auto = data.get("auto_assign", defaults.auto_assign)
        capacity = data.get("default_capacity", defaults.default_capacity)
        if not isinstance(auto, bool):
            raise ValueError("[routing] auto_assign must be true or false")
        if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 50:
            raise ValueError("[routing] default_capacity must be a whole number from 1 to 50")
        durations = {}
        for key in ("accept_timeout", "offline_grace"):
            if key in data:
                try:
                    durations[key] = parse_duration(data[key])
                except ValueError as exc:
                    raise ValueError(f"[routing] {key}: {exc}") from None
        return RoutingConfig(auto_assign=auto, default_capacity=capacity, **durations)


def _known(data: Any, keys: set[str], section: str) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"[{section}] must be a table")
    for key in data:
        if key not in keys:
            where = f"[{section}] " if section else ""
            raise ValueError(
                f"{where}unknown key {key!r} (expected one of: {', '.join(sorted(keys))})"
            )


def _block(text: Any, where: str) -> tuple[time, time]:
    try:
        start, end = (part.strip() for part in str(text).split("-"))
        # "24:00" ends a day: a desk open round the clock says "00:00-24:00".
        return time.fromisoformat(start), time.max if end == "24:00" else time.fromisoformat(end)
    except ValueError:
        raise ValueError(f'[{where}] {text!r} is not a block such as "09:00-12:30"') from None


def _date(text: Any, where: str) -> date:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"[{where}] {text!r} is not a date such as 2026-12-24") from None
