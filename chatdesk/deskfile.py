"""The shape of ``chatdesk.toml``, as msgspec structs: unknown keys and wrong types refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from .errors import ConfigError

__all__ = [
    "DeskFile",
    "DeskSection",
    "HoursSection",
    "RoutingSection",
    "TargetsSection",
    "read_desk_file",
]

Day = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DEFAULT_DEPARTMENTS = ["general", "technical", "billing", "sales"]


class _Section(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A table of the file: every key optional, unknown keys refused."""


class DeskSection(_Section):
    """``[desk]``: the desk's name and departments."""

    name: str = "chatdesk"
    departments: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_DEPARTMENTS))
    default_department: str | None = None


class HoursSection(_Section):
    """``[hours]``: when the desk is open (local times in ``timezone``)."""

    timezone: str = "Europe/Brussels"
    holidays: str = "BE"
    #: Extra closed dates: TOML dates or ISO strings ("2026-12-24").
    closed: list[Any] = msgspec.field(default_factory=list)
    #: Opening blocks per day ("09:00-12:30"); absent: Monday to Friday, 9:00-18:00.
    week: dict[Day, list[str]] | None = None


class TargetsSection(_Section):
    """``[targets]``: first-response targets per priority (``30m``, ``4h``, ``2d``)."""

    urgent: str | None = None
    high: str | None = None
    normal: str | None = None
    low: str | None = None


class RoutingSection(_Section):
    """``[routing]``: how queued conversations reach operators."""

    auto_assign: bool = False
    accept_timeout: str | None = None
    offline_grace: str | None = None
    default_capacity: Annotated[int, msgspec.Meta(ge=1, le=50)] = 3


class DeskFile(_Section):
    """The whole file."""

    desk: DeskSection = msgspec.field(default_factory=DeskSection)
    hours: HoursSection = msgspec.field(default_factory=HoursSection)
    targets: TargetsSection = msgspec.field(default_factory=TargetsSection)
    routing: RoutingSection = msgspec.field(default_factory=RoutingSection)


def read_desk_file(path: Path) -> DeskFile:
    """Read and check the shape of ``path``.

    :raises ConfigError: naming the file, the table and the key at fault.
    """
    try:
        return msgspec.toml.decode(path.read_bytes(), type=DeskFile)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{path}: {explain(exc)}") from None
    except (msgspec.DecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


_AT = re.compile(r"^(?P<reason>.*) - at `\$(?P<path>[^`]*)`$")


def explain(error: msgspec.ValidationError) -> str:
    """Say msgspec's complaint in the file's words: ``[routing] default_capacity: …``."""
    match = _AT.match(str(error))
    if match is None:
        return str(error)
    reason = match["reason"]
    parts = [p for p in re.split(r"\.|\[[^\]]*\]", match["path"]) if p]
    unknown = re.match(r"Object contains unknown field `(.*)`", reason)
    if unknown:
        section = ".".join(parts)
        return (
            f"[{section}] unknown key {unknown[1]!r}" if section else f"unknown key {unknown[1]!r}"
        )
    reason = reason[0].lower() + reason[1:]
    if len(parts) <= 1:
        return f"[{'.'.join(parts)}] {reason}"
    return f"[{'.'.join(parts[:-1])}] {parts[-1]}: {reason}"
