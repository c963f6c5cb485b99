"""The helpdesk's part of ``chatdesk.toml``: access, types, priorities, fields, attachments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from .deskfile import (
    AttachmentsSection,
    DeskFile,
    FieldSection,
    HelpdeskSection,
    PrioritySection,
    RequiredWhen,
)
from .errors import InvalidPayload
from .hours import Calendar
from .models import TicketType

__all__ = [
    "PRIORITIES",
    "AttachmentLimits",
    "FieldSpec",
    "HelpdeskConfig",
    "PriorityConfig",
    "Target",
    "build_helpdesk",
    "parse_size",
    "parse_target",
]

#: Ticket priorities, most urgent first.
PRIORITIES = ("urgent", "high", "normal", "low")
FieldType = Literal["text", "textarea", "url", "ip_or_order", "datetime", "select"]
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_DAYS = re.compile(r"^\s*(\d+)\s+business\s+days?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|kB|KB|MB|GB)\s*$")
_SIZE_UNITS = {"B": 1, "kB": 1024, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
_FIELD_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True, slots=True)
class Target:
    """A time target: ``business`` time on a calendar (``4h``), or ``days`` business days
    (by the same time that many business days later)."""

    business: timedelta | None = None
    days: int = 0

    def due(self, calendar: Calendar, start: datetime) -> datetime:
        """Return when a clock started at ``start`` reaches this target."""
        if self.business is not None:
            return calendar.add_business_time(start, self.business)
        return calendar.add_business_days(start, self.days)

    @property
    def nominal(self) -> timedelta:
        """Return the target as a plain duration (a business day counts 24 hours)."""
        return self.business if self.business is not None else timedelta(days=self.days)

    def __str__(self) -> str:
        if self.business is not None:
            return f"{self.business.total_seconds():g}s"
        return f"{self.days} business day{'s' if self.days != 1 else ''}"


def parse_target(text: str) -> Target:
    """Parse ``30s``, ``15m``, ``4h``, ``2d`` (business time) or ``N business days``."""
    if isinstance(text, str):
        if days := _DAYS.match(text):
            return Target(days=int(days[1]))
        if match := _DURATION.match(text):
            return Target(timedelta(seconds=float(match[1]) * _UNITS[match[2]]))
    raise ValueError(f"{text!r} is not a duration such as 30s, 15m, 4h or 2 business days")


def parse_size(text: str) -> int:
    """Parse ``500kB``, ``10MB``, ``1GB`` into bytes (1 kB = 1024 B)."""
    match = _SIZE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a size such as 500kB or 10MB")
    return int(float(match[1]) * _SIZE_UNITS[match[2]])


@dataclass(frozen=True, slots=True)
class PriorityConfig:
    """One priority: its targets, the calendar they count on, its texts per language."""

    id: str
    first_response: Target
    resolution: Target
    around_the_clock: bool = False
    label: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A custom ticket field (validated by :mod:`chatdesk.fields`)."""

    id: str
    type: FieldType
    label: dict[str, str] = field(default_factory=dict)
    pattern: str | None = None
    options: tuple[tuple[str, dict[str, str]], ...] = ()
    required: bool = False
    required_types: frozenset[str] = frozenset()
    required_priorities: frozenset[str] = frozenset()
    seats: bool = False
    #: The ticket types the form asks it for (empty: every type).
    types: frozenset[str] = frozenset()

    def asked_for(self, type_: str) -> bool:
        """Return whether the form asks this field on a ticket of ``type_``."""
        return not self.types or type_ in self.types

    def required_for(self, type_: str, priority: str) -> bool:
        """Return whether a ticket of this type and priority must give this field (never
        where it is not asked)."""
        if not self.asked_for(type_):
            return False
        return self.required or type_ in self.required_types or priority in self.required_priorities


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    """Largest file, and most bytes of files on one ticket."""

    max_file: int = 10 * 1024**2
    max_ticket: int = 25 * 1024**2


_DEFAULT_TARGETS = {
    "urgent": (Target(timedelta(hours=1)), Target(days=1)),
    "high": (Target(timedelta(hours=4)), Target(days=2)),
    "normal": (Target(days=1), Target(days=5)),
    "low": (Target(days=1), Target(days=10)),
}
_DEFAULT_LABELS = {
    "urgent": {"fr": "Urgente", "nl": "Dringend", "en": "Urgent"},
    "high": {"fr": "Haute", "nl": "Hoog", "en": "High"},
    "normal": {"fr": "Normale", "nl": "Normaal", "en": "Normal"},
    "low": {"fr": "Basse", "nl": "Laag", "en": "Low"},
}


def _default_priorities() -> dict[str, PriorityConfig]:
    return {
        p: PriorityConfig(p, first, resolution, label=_DEFAULT_LABELS[p])
        for p, (first, resolution) in _DEFAULT_TARGETS.items()
    }


@dataclass(frozen=True, slots=True)
class HelpdeskConfig:
    """Everything the helpdesk reads from ``chatdesk.toml`` (docs/helpdesk.md)."""

    access: Literal["open", "customers"] = "open"
    types: tuple[TicketType, ...] = tuple(TicketType)
    first_response: Literal["human_reply", "registration_notice"] = "human_reply"
    #: Pending or resolved tickets without requester reaction close after this; None: never.
    auto_close: Target | None = Target(days=5)
    sla_warning: float = 0.8
    #: Contact details the web form requires besides the e-mail (``name``, ``phone``).
    form_requires: frozenset[str] = frozenset()
    #: Editors per site of an organisation that sets no cap of its own; None: no cap.
    max_editors_per_site: int | None = None
    priorities: dict[str, PriorityConfig] = field(default_factory=_default_priorities)
    fields: tuple[FieldSpec, ...] = ()
    attachments: AttachmentLimits = field(default_factory=AttachmentLimits)
    #: The priorities requesters and operators may choose, in the form's order.
    offered: tuple[str, ...] = PRIORITIES

    @property
    def default_priority(self) -> str:
        """Return the priority of a ticket filed without one: normal, if offered."""
        return "normal" if "normal" in self.offered else self.offered[0]

    def priority_name(self, priority: str, lang: str) -> str | None:
        """Return the desk's own name for ``priority`` in ``lang`` when it renamed it
        (``[priorities.<id>] label`` other than the standard one), else None."""
        config = self.priorities.get(priority)
        name = config.label.get(lang) if config is not None else None
        standard = _DEFAULT_LABELS.get(priority, {}).get(lang)
        return name if name and name != standard else None

    def check_priority(self, name: str) -> str:
        """Return ``name`` if the desk offers that priority.

        :raises InvalidPayload: naming the offered ones.
        """
        if name not in self.offered:
            raise InvalidPayload(f"priority must be one of: {', '.join(self.offered)}")
        return name

    def field(self, field_id: str) -> FieldSpec | None:
        """Return the custom field ``field_id``, if the desk has it."""
        return next((f for f in self.fields if f.id == field_id), None)


def build_helpdesk(file: DeskFile) -> HelpdeskConfig:
    """Return the helpdesk configuration of a read file.

    :raises ValueError: naming the table and key at fault.
    """
    section: HelpdeskSection = file.helpdesk
    if not section.types or len(set(section.types)) != len(section.types):
        raise ValueError("[helpdesk] types must list each offered type once")
    if not section.priorities or len(set(section.priorities)) != len(section.priorities):
        raise ValueError("[helpdesk] priorities must list each offered priority once")
    auto_close = (
        _target(section.auto_close, "[helpdesk] auto_close") if section.auto_close else None
    )
    return HelpdeskConfig(
        access=section.access,
        types=tuple(TicketType(t) for t in section.types),
        first_response=section.first_response,
        auto_close=auto_close,
        sla_warning=section.sla_warning,
        max_editors_per_site=section.max_editors_per_site,
        form_requires=frozenset(section.form_requires),
        priorities=_priorities(file),
        fields=_fields(file.fields),
        attachments=_attachments(file.attachments),
        offered=tuple(section.priorities),
    )


def _priorities(file: DeskFile) -> dict[str, PriorityConfig]:
    result = _default_priorities()
    for name in PRIORITIES:
        legacy = getattr(file.targets, name)
        section = file.priorities.get(name)  # type: ignore[call-overload]
        if legacy is not None and section is not None and section.first_response is not None:
            raise ValueError(
                f"[targets] {name} and [priorities.{name}] first_response both set it: keep one"
            )
        base = result[name]
        first = _target(legacy, f"[targets] {name}") if legacy else base.first_response
        if section is None:
            result[name] = PriorityConfig(name, first, base.resolution, label=base.label)
            continue
        result[name] = _priority(name, section, base, first)
    return result


def _priority(
    name: str, section: PrioritySection, base: PriorityConfig, first: Target
) -> PriorityConfig:
    where = f"[priorities.{name}]"
    return PriorityConfig(
        name,
        _target(section.first_response, f"{where} first_response")
        if section.first_response
        else first,
        _target(section.resolution, f"{where} resolution")
        if section.resolution
        else base.resolution,
        around_the_clock=section.calendar == "24/7",
        label={**base.label, **_texts(section.label)},
        definition=_texts(section.definition),
    )


def _fields(sections: list[FieldSection]) -> tuple[FieldSpec, ...]:
    specs: list[FieldSpec] = []
    for i, section in enumerate(sections):
        where = f"[[fields]] #{i + 1}"
        if not _FIELD_ID.match(section.id):
            raise ValueError(f"{where} id {section.id!r} must be lower-case letters, digits, _")
        if any(s.id == section.id for s in specs):
            raise ValueError(f"{where} id {section.id!r} is used twice")
        where = f"[[fields]] {section.id}"
        if section.pattern is not None:
            if section.type != "text":
                raise ValueError(f"{where}: pattern is for text fields only")
            try:
                re.compile(section.pattern)
            except re.error as exc:
                raise ValueError(f"{where}: pattern is not a regular expression: {exc}") from None
        if (section.type == "select") != bool(section.options):
            raise ValueError(f"{where}: options are required for select fields, and only there")
        required = section.required
        when = required if isinstance(required, RequiredWhen) else RequiredWhen()
        if section.types and not set(when.types) <= set(section.types):
            raise ValueError(f"{where}: required for a type it is not asked for (types)")
        specs.append(
            FieldSpec(
                id=section.id,
                type=section.type,
                label=_texts(section.label),
                pattern=section.pattern,
                options=tuple((o.value, _texts(o.label)) for o in section.options),
                required=required is True,
                required_types=frozenset(when.types),
                required_priorities=frozenset(when.priorities),
                seats=section.seats,
                types=frozenset(section.types),
            )
        )
    return tuple(specs)


def _attachments(section: AttachmentsSection) -> AttachmentLimits:
    limits = AttachmentLimits(
        _size(section.max_file, "[attachments] max_file"),
        _size(section.max_ticket, "[attachments] max_ticket"),
    )
    if limits.max_file > limits.max_ticket:
        raise ValueError("[attachments] max_file is larger than max_ticket")
    return limits


def _texts(texts: Mapping[Any, str]) -> dict[str, str]:
    return {str(lang): text for lang, text in texts.items()}


def _target(text: str, where: str) -> Target:
    try:
        return parse_target(text)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _size(text: str, where: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
