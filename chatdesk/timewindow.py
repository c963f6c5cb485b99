"""A service notice's time window as people read it, in fr, nl and en, with its time zone:
"samedi 5 décembre, de 22:00 à 23:00 (CET)"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

__all__ = ["capitalised", "format_window", "zone_abbreviation"]

_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "same_day": "{day}, de {start} à {end} ({zone})",
        "range": "du {start} au {end} ({zone})",
        "since": "depuis le {start} ({zone})",
        "from": "à partir du {start} ({zone})",
    },
    "nl": {
        "same_day": "{day}, van {start} tot {end} ({zone})",
        "range": "van {start} tot {end} ({zone})",
        "since": "sinds {start} ({zone})",
        "from": "vanaf {start} ({zone})",
    },
    "en": {
        "same_day": "{day}, {start} to {end} ({zone})",
        "range": "from {start} to {end} ({zone})",
        "since": "since {start} ({zone})",
        "from": "from {start} ({zone})",
    },
}


def zone_abbreviation(at: datetime, timezone: ZoneInfo) -> str:
    """Return the zone's short name at ``at`` ("CET", "CEST"), or its offset ("UTC+03")
    where the zone has no name people use."""
    name = at.astimezone(timezone).tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def format_window(
    starts: datetime, ends: datetime | None, now: datetime, lang: str, timezone: ZoneInfo
) -> str:
    """Return the window from ``starts`` to ``ends`` (None: open-ended) in ``lang``: one
    day named once when both ends fall on it, the zone named at the start."""
    texts = _TEXTS.get(lang, _TEXTS["en"])
    zone = zone_abbreviation(starts, timezone)

    def at(value: datetime, pattern: str) -> str:
        return str(format_datetime(value, pattern, tzinfo=timezone, locale=lang))

    # The year only when it is not this one.
    day = (
        "EEEE d MMMM"
        if starts.astimezone(timezone).year == now.astimezone(timezone).year
        else "EEEE d MMMM y"
    )
    start = at(starts, f"{day}, HH:mm")
    if ends is None:
        key = "since" if starts <= now else "from"
        return texts[key].format(start=start, zone=zone)
    if starts.astimezone(timezone).date() == ends.astimezone(timezone).date():
        return texts["same_day"].format(
            day=at(starts, day), start=at(starts, "HH:mm"), end=at(ends, "HH:mm"), zone=zone
        )
    return texts["range"].format(start=start, end=at(ends, f"{day}, HH:mm"), zone=zone)


def capitalised(text: str) -> str:
    """Return ``text`` with its first letter upper-cased (a window at a sentence's start)."""
    return text[:1].upper() + text[1:]
