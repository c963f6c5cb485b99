"""IMAP polling: a second way for raw messages to reach the inbound pipeline.

The standard library's ``imaplib`` does the protocol (``mail/imapbox.py``), each
blocking call in a worker thread. One turn of the ``imap`` job logs in, takes the
folder's unseen messages (oldest first, at most :data:`BATCH`), hands each to
:class:`~chatdesk.mail.inbound.InboundMail` and marks it ``\\Seen`` only once the desk
has stored what it made of it. A crash between the two leaves the message unseen: the
next turn hands it over again, and the inbound pipeline, which remembers every
``Message-ID`` it took, drops it as a duplicate.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from ..events import Event
from ..mailconfig import ImapTarget
from ..models import utcnow
from .imapbox import FAILED_KEYWORD, ImapError, Mailbox
from .inbound import InboundMail
from .parse import parse_mail

__all__ = ["BATCH", "ImapPoller"]

log = logging.getLogger(__name__)

#: Messages taken per turn; the rest wait for the next turn.
BATCH = 50
#: Attempts at a message whose handling fails (a store error, say) before it is flagged.
ATTEMPTS = 3
#: The longest wait between two attempts to reach a failing server.
MAX_BACKOFF = timedelta(minutes=15)


class ImapPoller:
    """The ``imap`` job: take the mailbox's unseen messages into the desk.

    :param target: the mailbox (``CHATDESK_IMAP_URL``).
    :param inbound: the pipeline the SMTP receiver feeds too.
    :param every: the job's period (``CHATDESK_IMAP_POLL``), the first wait after a failure.
    :param max_size: larger messages are flagged and left (the receiver's limit).
    :param mailbox: makes the IMAP session (tests wrap it).
    """

    def __init__(
        self, target: ImapTarget, inbound: InboundMail, *, every: timedelta, max_size: int,
        clock: Callable[[], datetime] = utcnow,
        mailbox: Callable[[ImapTarget], Mailbox] = Mailbox,
    ) -> None:  # fmt: skip
        self.target = target
        self.inbound = inbound
        self.every = every
        self.max_size = max_size
        self.clock = clock
        self.mailbox = mailbox
        #: The last connection or server error this process saw ("" once it works again).
        self.last_error = ""
        self._failures = 0
        self._retry_at: datetime | None = None
        self._attempts: dict[bytes, int] = {}

    async def run(self) -> list[Event]:
        """Take up to :data:`BATCH` unseen messages; return the events of what they made.

        A server that cannot be reached or refuses the login is logged and tried again
        after a wait that doubles with each failure (up to :data:`MAX_BACKOFF`).
        """
        now = self.clock()
        if self._retry_at is not None and now < self._retry_at:
            return []
        box = self.mailbox(self.target)
        events: list[Event] = []
        try:
            await asyncio.to_thread(box.open)
            uids = await asyncio.to_thread(box.unseen)
            for uid in uids[:BATCH]:
                events += await self._take(box, uid)
        except ImapError as exc:
            self._failed(str(exc))
        else:
            if self._failures:
                log.info("IMAP %s: reachable again", self.target.label)
            self._failures, self._retry_at, self.last_error = 0, None, ""
        finally:
            await asyncio.to_thread(box.close)
        return events

    async def _take(self, box: Mailbox, uid: bytes) -> list[Event]:
        """Hand message ``uid`` over; mark it seen once stored, flag it when it cannot be."""
        size = await asyncio.to_thread(box.size, uid)
        if size > self.max_size:
            return await self._give_up(box, uid, f"{size} bytes, more than {self.max_size}")
        raw = await asyncio.to_thread(box.fetch, uid)
        if raw is None:
            return []
        try:
            mail_from, recipients = _envelope(raw)
            parse_mail(raw, envelope_sender=mail_from)  # a message we cannot read at all...
        except Exception as exc:  # ...is flagged at once: it would fail every turn
            return await self._give_up(box, uid, f"unreadable: {exc!r}")
        try:
            received, events = await self.inbound.receive(
                raw, mail_from=mail_from, recipients=recipients
            )
        except Exception:
            log.exception("IMAP %s: message %s could not be taken in", self.target.label, uid)
            try:
                await self.inbound.store.ping()
            except Exception:  # an outage is no message's fault: they all wait for the store
                raise ImapError("the store does not answer; mail waits in the mailbox") from None
            self._attempts[uid] = self._attempts.get(uid, 0) + 1
            if self._attempts[uid] >= ATTEMPTS:
                return await self._give_up(box, uid, f"failed {ATTEMPTS} times")
            return []
        self._attempts.pop(uid, None)
        await asyncio.to_thread(box.mark_seen, uid)
        log.info(
            "IMAP mail from %s: %s %s", mail_from, received.outcome,
            received.ticket.label if received.ticket else received.reason,
        )  # fmt: skip
        return events

    async def _give_up(self, box: Mailbox, uid: bytes, why: str) -> list[Event]:
        self._attempts.pop(uid, None)
        log.error(
            "IMAP %s: message %s left in the mailbox, flagged %s: %s",
            self.target.label, uid.decode(), FAILED_KEYWORD, why,
        )  # fmt: skip
        await asyncio.to_thread(box.mark_failed, uid)
        return []

    def _failed(self, reason: str) -> None:
        self._failures += 1
        wait = min(self.every * 2 ** (self._failures - 1), MAX_BACKOFF)
        self._retry_at = self.clock() + wait
        self.last_error = reason
        log.error("IMAP %s: %s; next try in %d s", self.target.label, reason, wait.total_seconds())


def _envelope(raw: bytes) -> tuple[str, list[str]]:
    """Return the envelope's sender and recipients as the delivering server recorded them
    (``Return-Path``, ``Delivered-To``/``X-Original-To``), else the ``From`` address."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    headers = email.message_from_bytes(head + b"\r\n\r\n")
    return_path = headers.get("Return-Path")
    if return_path is not None:
        sender = email.utils.parseaddr(str(return_path))[1]
    else:
        sender = email.utils.parseaddr(str(headers.get("From", "")))[1]
    recipients = [
        address
        for header in ("Delivered-To", "X-Original-To")
        for _, address in email.utils.getaddresses(headers.get_all(header, []))
        if address
    ]
    return sender, recipients
