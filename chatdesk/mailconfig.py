"""E-mail configuration: the SMTP server's URL, addresses, and ``[email]`` of chatdesk.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Literal
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from .deskfile import EmailSection
from .helpdeskconfig import Target, parse_target

__all__ = [
    "EmailConfig",
    "ImapTarget",
    "SmtpTarget",
    "UnknownSenders",
    "build_email",
    "parse_address",
    "parse_imap_url",
    "parse_listen",
    "parse_smtp_url",
]

#: What the desk does with mail from an address it does not know.
UnknownSenders = Literal["create", "reject", "verify"]
_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_LIMIT = re.compile(r"^\s*\d+\s*/\s*(?:\d+\s*)?(second|minute|hour|day)s?\s*$")
# Folder names go quoted on the IMAP wire; other names need modified UTF-7 (RFC 3501 5.1.3).
_FOLDER = re.compile(r"^[\x20\x21\x23-\x25\x27-\x5b\x5d-\x7e]{1,200}$")
_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """Where outgoing mail goes: ``smtp://user:pass@host:port`` (``?starttls=1``), or
    ``smtps://`` for TLS from the first byte."""

    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    tls: bool = False
    starttls: bool = False


def parse_smtp_url(url: str) -> SmtpTarget:
    """Return the server ``url`` names. :raises ValueError: saying what is wrong."""
    parts, port, starttls = _server_url(url, "smtp", 25, 465, "smtp://host:587")
    return SmtpTarget(
        host=str(parts.hostname),
        port=port,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        tls=parts.scheme == "smtps",
        starttls=starttls,
    )


def _server_url(
    url: str, scheme: str, port: int, tls_port: int, example: str
) -> tuple[SplitResult, int, bool]:
    """Split a mail server's URL (``scheme://`` or ``schemes://``, ``?starttls=1``); return
    its parts, its port (the scheme's default) and whether to upgrade with STARTTLS."""
    parts = urlsplit(url.strip())
    if parts.scheme not in (scheme, scheme + "s"):
        raise ValueError(f"the scheme must be {scheme}s:// (TLS) or {scheme}://")
    if not parts.hostname:
        raise ValueError(f"a host is required ({example})")
    try:
        number = parts.port or (tls_port if parts.scheme == scheme + "s" else port)
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"starttls"}
    if unknown:
        raise ValueError(f"unknown option {sorted(unknown)[0]!r} (only starttls=1)")
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on")
    if starttls and parts.scheme == scheme + "s":
        raise ValueError(f"{scheme}s:// is TLS already; starttls=1 is for {scheme}://")
    return parts, number, starttls


@dataclass(frozen=True, slots=True)
class ImapTarget:
    """The mailbox polled for incoming mail: ``imaps://user:pass@host:993/INBOX``, or
    ``imap://`` (``?starttls=1`` to upgrade; plain otherwise, for a server on this host)."""

    host: str
    port: int
    username: str
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    tls: bool = False
    starttls: bool = False

    @property
    def label(self) -> str:
        """Return ``user@host:port/folder`` for logs and the console (never the password)."""
        return f"{self.username}@{self.host}:{self.port}/{self.folder}"


def parse_imap_url(url: str) -> ImapTarget:
    """Return the mailbox ``url`` names. :raises ValueError: saying what is wrong."""
    parts, port, starttls = _server_url(url, "imap", 143, 993, "imaps://user:pass@host:993/INBOX")
    if not parts.username:
        raise ValueError("a user name is required (imaps://user:pass@host/INBOX)")
    folder = unquote(parts.path.strip("/")) or "INBOX"
    if not _FOLDER.match(folder):
        raise ValueError(
            f"the folder {folder!r} must be printable ASCII without quotes, backslashes or &"
        )
    return ImapTarget(
        host=str(parts.hostname),
        port=port,
        username=unquote(parts.username),
        password=unquote(parts.password or ""),
        folder=folder,
        tls=parts.scheme == "imaps",
        starttls=starttls,
    )


def parse_address(text: str) -> tuple[str, str]:
    """Return (display name, address) of ``Name <a@b.example>`` or ``a@b.example``.

    :raises ValueError: when there is no plausible address.
    """
    name, address = parseaddr(text.strip())
    if not _ADDRESS.match(address):
        raise ValueError(f"{text!r} is not an e-mail address such as Desk <desk@example.com>")
    return name.strip(), address


def parse_listen(text: str) -> tuple[str, int]:
    """Return (host, port) of ``host:port`` (``[::1]:2525`` for IPv6).

    :raises ValueError: when malformed.
    """
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} is not host:port such as 127.0.0.1:2525")
    return host, int(port)


@dataclass(frozen=True, slots=True)
class EmailConfig:
    """The ``[email]`` table (docs/email.md)."""

    #: Mail from an unknown address: file it, refuse it politely, or hold it until the
    #: sender confirms with a link.
    unknown_senders: UnknownSenders = "create"
    #: The desk's colour in e-mails (buttons, header rule).
    colour: str = "#1d4ed8"
    #: Recipient address (lower case) -> the department its new tickets go to.
    addresses: dict[str, str] = field(default_factory=dict)
    #: Departments that take new requests only from registered addresses (members of a
    #: customer organisation): account-specific requests.
    registered_only: frozenset[str] = frozenset()
    #: Messages one sender may send in a window (``limits`` notation).
    sender_limit: str = "20/hour"
    #: The pending reminder goes out this long before the auto-close; None: never.
    reminder: Target | None = field(default_factory=lambda: Target(days=1))
    #: Operators are mailed about their tickets (answers, assignments, targets).
    notify_operators: bool = True
    #: Requesters' mail of a ticket comes from the desk's address (``CHATDESK_MAIL_FROM``)
    #: or from its department's (``department``: the first of ``addresses`` naming it).
    reply_from: Literal["desk", "department"] = "desk"
    #: Last week's figures mailed to admins and service managers on Monday morning.
    weekly_report: bool = False

    def from_address(self, department: str) -> str | None:
        """Return the address a ticket of ``department`` writes from, when it is not the
        desk's (``reply_from = "department"`` and an address names the department)."""
        if self.reply_from != "department":
            return None
        return next((a for a, d in self.addresses.items() if d == department), None)


def build_email(
    section: EmailSection, departments: tuple[str, ...], desk_colour: str = "#1d4ed8"
) -> EmailConfig:
    """Return the ``[email]`` configuration (without a colour of its own, mail wears
    ``desk_colour``). :raises ValueError: naming the key at fault."""
    if section.colour and not _COLOUR.match(section.colour):
        raise ValueError(f"[email] colour {section.colour!r} is not #rgb or #rrggbb")
    if not _LIMIT.match(section.sender_limit):
        raise ValueError(
            f"[email] sender_limit {section.sender_limit!r} is not a rate such as 20/hour"
        )
    addresses: dict[str, str] = {}
    for address, department in section.addresses.items():
        if not _ADDRESS.match(address):
            raise ValueError(f"[email.addresses] {address!r} is not an e-mail address")
        if department not in departments:
            raise ValueError(f"[email.addresses] {address!r}: unknown department {department!r}")
        addresses[address.lower()] = department
    for department in section.registered_only:
        if department not in departments:
            raise ValueError(f"[email] registered_only: unknown department {department!r}")
    try:
        reminder = parse_target(section.reminder) if section.reminder else None
    except ValueError as exc:
        raise ValueError(f"[email] reminder: {exc}") from None
    return EmailConfig(
        unknown_senders=section.unknown_senders,
        colour=section.colour or desk_colour,
        addresses=addresses,
        registered_only=frozenset(section.registered_only),
        sender_limit=section.sender_limit.strip(),
        reminder=reminder,
        notify_operators=section.notify_operators,
        reply_from=section.reply_from,
        weekly_report=section.weekly_report,
    )
