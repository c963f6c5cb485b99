"""A blocking IMAP session on one folder (the standard library's ``imaplib``).

The poller (``mail/imap.py``) calls it from a worker thread; every command goes by UID,
and every failure, the server's refusal or a broken connection, is an :class:`ImapError`
with the server's words.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Sequence

from ..mailconfig import ImapTarget

__all__ = ["FAILED_KEYWORD", "TIMEOUT", "ImapError", "Mailbox"]

#: The keyword set on a message the desk could not take (with ``\Flagged``, so people
#: see it in their mail client); such messages are left alone from then on.
FAILED_KEYWORD = "$ChatdeskFailed"
#: Seconds any IMAP call may take before the connection counts as lost.
TIMEOUT = 30.0
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
# What imaplib answers: lines, and (header, literal) pairs.
_Item = bytes | tuple[bytes, bytes]


class ImapError(Exception):
    """The server refused a command, or the connection broke (or the store is down): the
    turn ends, and the next waits."""


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
