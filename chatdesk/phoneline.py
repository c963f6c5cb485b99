"""The desk's phone line (``[phone]`` in ``chatdesk.toml``): its number and when it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

__all__ = ["PhoneLine"]

_AND = {"fr": " et ", "nl": " en ", "en": " and "}


@dataclass(frozen=True, slots=True)
class PhoneLine:
    """A number to call on business days, shown with tickets of some priorities."""

    number: str
    #: When the line answers (the desk's business days); empty: the desk's hours.
    hours: tuple[tuple[time, time], ...] = ()
    priorities: frozenset[str] = frozenset({"urgent"})

    def shown_for(self, priority: str) -> bool:
        """Tell whether a ticket of ``priority`` is told to call."""
        return priority in self.priorities

    def hours_text(self, lang: str) -> str:
        """Return the hours as people read them: ``9:00-12:00 et 13:30-18:00``."""
        blocks = [f"{_clock(start)}-{_clock(end)}" for start, end in self.hours]
        if len(blocks) < 2:
            return "".join(blocks)
        return ", ".join(blocks[:-1]) + _AND.get(lang, _AND["en"]) + blocks[-1]


def _clock(at: time) -> str:
    return "24:00" if at == time.max else f"{at.hour}:{at.minute:02d}"
