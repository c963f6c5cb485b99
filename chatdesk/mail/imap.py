"""IMAP polling: a second way for raw messages to reach the inbound pipeline.

The standard library's ``imaplib`` does the protocol, each blocking call in a worker
thread. One turn of the ``imap`` job logs in, takes the folder's unseen messages (oldest
first, at most :data:`BATCH`), hands each to :class:`~chatdesk.mail.inbound.InboundMail`
and marks it ``\\Seen`` only once the desk has stored what it made of it. A crash between
the two leaves the message unseen: the next turn hands it over again, and the inbound
pipeline, which remembers every ``Message-ID`` it took, drops it as a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import imaplib
import logging
import re
import ssl
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from ..events import Event
from ..mailconfig import ImapTarget
from ..models import utcnow
from .inbound import InboundMail
from .parse import parse_mail

__all__ = ["BATCH", "FAILED_KEYWORD", "ImapPoller", "Mailbox"]

log = logging.getLogger(__name__)

#: Messages taken per turn; the rest wait for the next turn.
BATCH = 50
#: The keyword set on a message the desk could not take (with ``\Flagged``, so people
#: see it in their mail client); such messages are left alone from then on.
FAILED_KEYWORD = "$ChatdeskFailed"
#: Attempts at a message whose handling fails (a store error, say) before it is flagged.
ATTEMPTS = 3
#: Seconds any IMAP call may take before the connection counts as lost.
TIMEOUT = 30.0
#: The longest wait between two attempts to reach a failing server.
MAX_BACKOFF = timedelta(minutes=15)
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
# What imaplib answers: lines, and (header, literal) pairs.
_Item = bytes | tuple[bytes, bytes]


class ImapError(Exception):
    """The server refused a command, or the connection broke."""


class Mailbox:
    """A blocking IMAP session on one folder (call its methods from a worker thread)."""

    def __init__(self, target: ImapTarget, *, timeout: float = TIMEOUT) -> None:
        self.target = target
        self.timeout = timeout
        self._imap: imaplib.IMAP4 | None = None

    def open(self) -> None:
        """Connect (TLS or STARTTLS as the target says), log in, select the folder."""
        t = self.target
        context = ssl.create_default_context()
        try:
            if t.tls:
                self._imap = imaplib.IMAP4_SSL(
                    t.host, t.port, ssl_context=context, timeout=self.timeout
                )
            else:
                self._imap = imaplib.IMAP4(t.host, t.port, timeout=self.timeout)
                if t.starttls:
                    self._imap.starttls(ssl_context=context)
            self._imap.login(t.username, t.password)
            self._check(self._imap.select(_quote(t.folder)), "SELECT")
        except (imaplib.IMAP4.error, OSError) as exc:
            self.close()
            raise ImapError(_reason(exc)) from None

    def unseen(self) -> list[bytes]:
        """Return the UIDs of unseen messages not flagged as failed, oldest first."""
        data = self._uid("SEARCH", "UNSEEN", "UNKEYWORD", FAILED_KEYWORD)
        return sorted((part for line in data if isinstance(line, bytes) for part in line.split()),
                      key=int)  # fmt: skip

    def size(self, uid: bytes) -> int:
        """Return the size of message ``uid`` in bytes (0 when the server does not say)."""
        for line in self._uid("FETCH", uid.decode(), "(RFC822.SIZE)"):
            found = _SIZE.search(line if isinstance(line, bytes) else b"")
            if found:
                return int(found[1])
        return 0

    def fetch(self, uid: bytes) -> bytes | None:
        """Return message ``uid`` as it was received, leaving it unseen (``BODY.PEEK``)."""
        for item in self._uid("FETCH", uid.decode(), "(BODY.PEEK[])"):
            if isinstance(item, tuple):
                return bytes(item[1])
        return None  # deleted by someone else meanwhile

    def mark_seen(self, uid: bytes) -> None:
        """Mark message ``uid`` as read: the desk took it."""
        self._uid("STORE", uid.decode(), "+FLAGS", "(\\Seen)")

    def mark_failed(self, uid: bytes) -> None:
        """Flag message ``uid`` as one the desk could not take, and leave it there."""
        try:
            self._uid("STORE", uid.decode(), "+FLAGS", f"(\\Flagged {FAILED_KEYWORD})")
        except ImapError:  # a server without keywords: seen, so that it never loops
            self._uid("STORE", uid.decode(), "+FLAGS", "(\\Flagged \\Seen)")

    def close(self) -> None:
        """Log out (quietly: the connection may be gone already)."""
        imap, self._imap = self._imap, None
        if imap is not None:
            try:
                imap.logout()
            except (imaplib.IMAP4.error, OSError):
                with contextlib.suppress(OSError):  # logout closes the socket only on success
                    imap.shutdown()

    def _uid(self, command: str, *args: str) -> list[_Item]:
        if self._imap is None:
            raise ImapError("not connected")
        try:
            answer = self._imap.uid(command, *args)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(_reason(exc)) from None
        return self._check(answer, f"UID {command}")

    @staticmethod
    def _check(
        answer: tuple[str, Sequence[object]], what: str
    ) -> list[bytes | tuple[bytes, bytes]]:
        status, data = answer
        if status != "OK":
            raise ImapError(f"{what}: {_reason(data)}")
        return [item for item in data if isinstance(item, bytes | tuple)]


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


def _quote(folder: str) -> str:
    return f'"{folder}"'


def _reason(exc: object) -> str:
    """Return the server's words (imaplib hands them over as bytes in a list or tuple)."""
    if isinstance(exc, OSError):  # refused, unreachable, timed out: its own words
        return str(exc) or type(exc).__name__
    if isinstance(exc, BaseException) and exc.args:
        exc = exc.args[0]
    if isinstance(exc, list | tuple):
        exc = b" ".join(x for x in exc if isinstance(x, bytes)) or str(exc)
    if isinstance(exc, bytes):
        return exc.decode("utf-8", "replace")
    return str(exc) or "connection lost"
