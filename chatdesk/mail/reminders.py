"""The pending reminder ("we need your answer; without it we close on …") and upkeep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..events import Event
from ..models import Status, format_ts, utcnow
from ..models.mail import OutboxMail
from ..store import Store
from .outbox import Outbox

__all__ = ["HELD_DAYS", "Reminders"]

#: A message held for its sender's confirmation is dropped after this many days.
HELD_DAYS = 7
#: How far ahead the job looks for countdowns (longer than any reminder lead).
_HORIZON = timedelta(days=31)


class Reminders:
    """The ``mail_reminders`` job: remind requesters of pending tickets once per
    countdown, ``[email] reminder`` before the auto-close, and drop stale held mail."""

    def __init__(
        self, store: Store, config: DeskConfig, outbox: Outbox, *, default_lang: str = "en",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:  # fmt: skip
        self.store = store
        self.config = config
        self.outbox = outbox
        self.default_lang = default_lang
        self.clock = clock

    async def run(self) -> list[Event]:
        """Queue the reminders that are due; purge old held mail."""
        now = self.clock()
        await self.store.mail.purge_held(now - timedelta(days=HELD_DAYS))
        lead = self.config.email.reminder
        if lead is None or not self.outbox.enabled:
            return []
        mails = []
        for ticket in await self.store.helpdesk.auto_close_due(now + _HORIZON, limit=1000):
            close_at = ticket.auto_close_at
            if ticket.status is not Status.PENDING or close_at is None or close_at <= now:
                continue
            hours = self.config.hours_of(ticket.department)
            if lead.due(hours, now) < close_at or not ticket.requester_email:
                continue  # not yet within the lead
            # One reminder per countdown: a new countdown (a new pending) has a new key.
            mails.append(
                OutboxMail(
                    "reminder", ticket.requester_email.lower(),
                    ticket.lang if ticket.lang in LANGUAGES else self.default_lang, now,
                    ticket_id=ticket.id, data={"auto_close_at": format_ts(close_at)},
                    key=f"reminder:{ticket.id}:{format_ts(close_at)}",
                )
            )  # fmt: skip
        await self.outbox.enqueue(mails)
        return []
