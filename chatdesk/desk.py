"""The desk as a visitor sees it: open or not, and whether someone is there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from .deskconfig import DeskConfig
from .models import format_ts, utcnow
from .tickets import due_at

__all__ = ["Availability", "DeskService", "NobodyAvailable"]


class Availability(Protocol):
    """Tells whether an operator could take a conversation now (routing implements it)."""

    async def available(self, department: str | None = None) -> bool:
        """Return whether an operator (of ``department``, if given) is online."""
        ...


class NobodyAvailable:
    """The :class:`Availability` of a desk without operators."""

    async def available(self, department: str | None = None) -> bool:
        """Return False: nobody is ever available."""
        return False


class DeskService:
    """Compute the ``desk`` object of docs/protocol.md.

    :param config: the desk's configuration (name, hours, targets).
    :param availability: who is available (the routing service, once operators exist).
    """

    def __init__(
        self,
        config: DeskConfig,
        availability: Availability | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.availability = availability or NobodyAvailable()
        self.clock = clock
        self._times: tuple[datetime, dict[str, Any]] | None = None
        #: Whether visitors may have their conversation mailed (the desk sends e-mail).
        self.transcripts = False
        helpdesk = config.helpdesk
        # The ones the desk offers, in its order, with its own words (the offline form).
        self._priorities = [
            {
                "id": p,
                "label": dict(helpdesk.priorities[p].label),
                "definition": dict(helpdesk.priorities[p].definition),
            }
            for p in helpdesk.offered
        ]

    async def status(self) -> dict[str, Any]:
        """Return the desk's status: online, away (open, nobody available) or closed."""
        times = self._times_at(self.clock())
        if not times["open_now"]:
            status = "closed"
        elif await self.availability.available():
            status = "online"
        else:
            status = "away"
        return {
            "name": self.config.name,
            "status": status,
            **times,
            "departments": list(self.config.departments),
            "priorities": self._priorities,
            "access": self.config.helpdesk.access,
            # Promised times are shown in the desk's zone, as its system lines write them.
            "timezone": self.config.hours.timezone.key,
            # The retention policy, for the widget's "forget me" (docs/operators.md).
            "chats_kept_days": kept.days if (kept := self.config.retention.chats) else None,
            "transcript": self.transcripts,
        }

    def _times_at(self, now: datetime) -> dict[str, Any]:
        """Return what the business hours say at ``now``, computed once a second: every
        visitor's welcome asks (~0.1 ms of business-time arithmetic each, 7% of the loop
        while 10,000 visitors connect; bench/README.md, "Eighth pass")."""
        second = now.replace(microsecond=0)
        if self._times is None or self._times[0] != second:
            # The widget's "I want a person" goes to the default department: its hours.
            hours = self.config.hours_of(self.config.default_department)
            open_now = hours.is_open(now)
            times = {
                "open_now": open_now,
                "next_open": None if open_now else format_ts(hours.next_open(now)),
                "reply_within_seconds": int(self.config.targets["normal"].nominal.total_seconds()),
                # The one promised time: what a normal request filed now is answered by,
                # in business time (the ticket opened now gets this same due time).
                "reply_expected_by": format_ts(
                    due_at(self.config, now, "normal", self.config.default_department)
                ),
            }
            self._times = (second, times)
        return self._times[1]
