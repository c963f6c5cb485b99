"""The outbox worker: feed to mails, then send with retries and backoff, each mail once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from ..errors import ChatdeskError, Forbidden, NotFound
from ..events import Event
from ..models import Operator, utcnow
from ..models.mail import MailState, OutboxMail
from ..store import Store
from .compose import Composer
from .planner import FeedPlanner
from .sender import DeliveryError, Sender

__all__ = ["MAX_ATTEMPTS", "Outbox", "backoff"]

log = logging.getLogger(__name__)

#: Attempts before a mail is given up (and shown to admins): about 6 hours of retries.
MAX_ATTEMPTS = 10
#: The first retry waits this long, each next one twice as long, up to :data:`MAX_DELAY`.
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
#: Mails one turn sends; a claim keeps them from other processes this long.
BATCH = 20
CLAIM = timedelta(minutes=5)
#: Seconds one turn keeps sending full batches (the turn comes every 5 s).
TURN = 3.0


def backoff(attempts: int) -> timedelta:
    """Return how long to wait after the ``attempts``-th failed attempt (1, 2, ...)."""
    delay: timedelta = FIRST_DELAY * 2 ** max(0, attempts - 1)
    return min(delay, MAX_DELAY)


class Outbox:
    """Run by the ``mail`` job under a store lease (one process of the cluster at a time).

    Each turn turns the feed into outbox mails (exactly once: the item is consumed in the
    transaction that stores its mails), then sends the mails that are due. A mail is
    marked sent once the SMTP server took it; its ``Message-ID`` comes from its row, so
    the rare resend after a crash between the two is recognisably the same mail.

    :param sender: where mail goes; None: e-mail is off (the feed is consumed, nothing
        is sent).
    """

    def __init__(
        self, store: Store, planner: FeedPlanner, composer: Composer, sender: Sender | None,
        *, clock: Callable[[], datetime] = utcnow,
        registered: Callable[[str, datetime], Awaitable[list[Event]]] | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.planner = planner
        self.composer = composer
        self.sender = sender
        self.clock = clock
        #: Told when a ticket's "received" mail went out (it may stop the SLA clock).
        self.registered = registered
        self._news: list[Event] = []
        self._turn = asyncio.Lock()

    @property
    def enabled(self) -> bool:
        """Return whether the desk sends e-mail (``CHATDESK_SMTP_URL`` is set)."""
        return self.sender is not None

    async def run(self) -> list[Event]:
        """Plan the feed, then send what is due (the job's turn): batch after batch while
        batches come full, for at most :data:`TURN` (a notice to many goes out fast).

        One turn at a time in a process: a turn asked for while another runs waits for it,
        so what was due when it was asked for has been tried when it returns."""
        async with self._turn:
            await self.plan_feed()
            started = time.monotonic()
            while await self.send_due() == BATCH and time.monotonic() - started < TURN:
                pass
            news, self._news = self._news, []
        return news

    async def plan_feed(self, limit: int = 200) -> int:
        """Turn feed items into queued mails; return how many mails were queued."""
        queued = 0
        for item in await self.store.mail.take_feed(limit):
            try:
                mails = await self.planner.plan(item) if self.enabled else []
            except ChatdeskError:  # left in the feed: the next turn tries again
                log.exception("mail feed item %s could not be planned now", item.id)
                continue
            if await self.store.mail.consume_feed(item.id, mails):
                queued += len(mails)
        return queued

    async def enqueue(self, mails: Sequence[OutboxMail]) -> int:
        """Queue mails made outside the feed (sign-in links, auto-replies); mails with a
        ``key`` already queued are left out. Nothing is queued when e-mail is off."""
        return await self.store.mail.enqueue_mails(mails) if self.enabled else 0

    async def send_due(self) -> int:
        """Send the mails whose attempt is due; return how many the server took."""
        if self.sender is None:
            return 0
        now = self.clock()
        claimed = await self.store.mail.claim_mails(now, until=now + CLAIM, limit=BATCH)
        bouncing = {b.email for b in await self.store.mail.bounces([m.to for m in claimed])}
        sent = 0
        started = time.monotonic()
        for mail in claimed:
            if time.monotonic() - started > CLAIM.total_seconds() / 2:
                break  # a slow server: the rest waits for its claim to run out, never sent twice
            try:
                if mail.to in bouncing:
                    raise DeliveryError("the address bounces", permanent=True)
                message = await self.composer.compose(mail)
                await self.sender.send(
                    message, sender=self.composer.sender.addr_spec, recipients=[mail.to]
                )
            except DeliveryError as exc:
                await self._failed(mail, str(exc), permanent=exc.permanent)
            except NotFound as exc:  # its ticket or message is gone: nothing to send
                await self._failed(mail, exc.message, permanent=True)
            except Exception as exc:  # a mail that cannot be made must not block the others
                log.exception("mail %s could not be composed", mail.id)
                await self._failed(mail, f"{type(exc).__name__}: {exc}", permanent=True)
            else:
                at = self.clock()
                await self.store.mail.mark_mail_sent(mail.id, at)
                sent += 1
                if mail.kind == "received" and mail.ticket_id and self.registered is not None:
                    self._news += await self.registered(mail.ticket_id, at)
        return sent

    async def failures(self) -> list[OutboxMail]:
        """Return the mails given up on, newest first (the console's list)."""
        return await self.store.mail.list_mails(MailState.FAILED)

    async def ticket_labels(self, mails: Sequence[OutboxMail]) -> dict[str, str]:
        """Return the label (``#000123``) of each of ``mails``' tickets that still exists,
        by ticket id (the console's list links them)."""
        labels: dict[str, str] = {}
        for ticket_id in {m.ticket_id for m in mails if m.ticket_id}:
            ticket = await self.store.helpdesk.get_ticket(ticket_id)
            if ticket is not None:
                labels[ticket_id] = ticket.label
        return labels

    async def retry(self, operator: Operator, mail_id: str) -> OutboxMail:
        """Queue a failed mail again (admins). :raises NotFound: not a failed mail."""
        if not operator.is_admin:
            raise Forbidden("only admins retry mails")
        if not await self.store.mail.retry_mail(mail_id, self.clock()):
            raise NotFound("no such failed mail")
        found = await self.store.mail.get_mail(mail_id)
        assert found is not None
        return found

    async def _failed(self, mail: OutboxMail, error: str, *, permanent: bool) -> None:
        attempts = mail.attempts + 1
        give_up = permanent or attempts >= MAX_ATTEMPTS
        now = self.clock()
        retry_at = None if give_up else now + backoff(attempts)
        log.warning(
            "mail %s to %s failed (attempt %d): %s%s",
            mail.id, mail.to, attempts, error, "; given up" if give_up else "",
        )  # fmt: skip
        await self.store.mail.mark_mail_failed(mail.id, error, retry_at=retry_at, now=now)
