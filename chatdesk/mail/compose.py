"""Turn an outbox row into a MIME message: templates, headers, threading."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import jinja2

from ..attachments import file_size
from ..deskconfig import DeskConfig
from ..errors import NotFound
from ..fields import shown_fields
from ..helpdesk import FollowLinks
from ..mailconfig import parse_address
from ..models import Attachment, AuthorKind, Ticket, TicketMessage
from ..models.mail import OutboxMail
from ..store import Store
from .content import THREAD_SIZE, Content, Context, build_content
from .passwords import PASSWORD_RESET, reset_content
from .signins import SIGN_IN, sign_in_content
from .staff import STAFF_KINDS, stood_in
from .stafftexts import staff_text
from .texts import mail_text
from .transcript import TRANSCRIPT, transcript_content
from .weekly import WEEKLY, weekly_content

__all__ = ["Composer", "message_id", "ticket_reference"]

_TEMPLATES = Path(__file__).with_name("templates")
#: Kinds a person wrote (no ``Auto-Submitted``) and kinds that answer a message of the
#: sender's (``auto-replied``); every other kind is ``auto-generated`` (RFC 3834).
_HUMAN = frozenset({"reply"})
#: The mails telling operators of a new ticket (or one given to them): they show its
#: priority and custom fields, what a triage needs before opening the console.
_DETAILED = frozenset({"staff_new", "staff_contact", "staff_assigned"})
_REPLIES = frozenset({"rejected", "verify"})
#: The mails about a message that list its files (with links): the description's on
#: filing, a reply's (an operator's to the requester, a requester's to operators).
_WITH_FILES = frozenset({"received", "reply", "staff_new", "staff_reply"})
#: An operator's files travel in the reply itself up to this total (a link for every file
#: in any case): mail servers refuse large messages, commonly from 10 to 25 MB.
MAIL_ATTACH_LIMIT = 10 * 1024 * 1024


def message_id(mail_id: str, domain: str) -> str:
    """Return the ``Message-ID`` of an outbox mail: stable, so a retry is the same mail."""
    return f"<{mail_id}@{domain}>"


def ticket_reference(ticket_id: str, domain: str) -> str:
    """Return the id every mail of a ticket refers to (``References``, ``In-Reply-To``)."""
    return f"<ticket.{ticket_id}@{domain}>"


class Composer:
    """Render outbox mails with the desk's name and colour, in the mail's language.

    :param public_url: the desk's public base URL (links).
    :param sender: ``CHATDESK_MAIL_FROM``.
    """

    def __init__(
        self, store: Store, config: DeskConfig, links: FollowLinks, *, public_url: str,
        sender: str,
    ) -> None:  # fmt: skip
        self.store = store
        self.config = config
        self.links = links
        self.public_url = public_url.rstrip("/")
        name, address = parse_address(sender) if sender else ("", "desk@localhost.invalid")
        self.sender = Address(name or config.name, addr_spec=address)
        self.domain = address.rpartition("@")[2]
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATES),
            autoescape=jinja2.select_autoescape(["html"]),
            trim_blocks=False,
            keep_trailing_newline=True,
        )
        # Never inside a word: an address or a link cut at its hyphen no longer works.
        self._env.filters["wrap"] = lambda text: textwrap.fill(
            str(text), 72, break_on_hyphens=False, break_long_words=False
        )
        self._env.filters["indent_quote"] = _indent

    async def compose(self, mail: OutboxMail) -> EmailMessage:
        """Return the message for ``mail``. :raises NotFound: its ticket is gone."""
        files: list[Attachment] = []
        sender = self.sender
        if mail.kind == TRANSCRIPT:  # a chat's, not a ticket's: read from the conversation
            content = await transcript_content(
                self.store, mail, desk=self.config.name, timezone=self.config.hours.timezone,
                public_url=self.public_url,
            )  # fmt: skip
        elif mail.kind == WEEKLY:  # the desk's figures, queued with the mail
            content = weekly_content(mail, self.config, self.public_url)
        elif mail.kind == PASSWORD_RESET:  # an operator's, with its link
            content = reset_content(mail, self.config)
        elif mail.kind == SIGN_IN:  # an operator's: a browser new to them
            content = sign_in_content(mail, self.config)
        else:
            context = await self._context(mail)
            staff = STAFF_KINDS.get(mail.kind)
            content = stood_in(context, staff(context)) if staff else build_content(context)
            if context.ticket is not None and staff is None:
                sender = self._department_sender(context.ticket.department)
            files = await self._files(mail, context)
            if files:
                content = self._listed(content, files, context, staff=staff is not None)
        message = EmailMessage()
        message["From"] = sender
        message["To"] = mail.to
        message["Subject"] = content.subject
        message["Date"] = format_datetime(mail.created_at)
        message["Message-ID"] = message_id(mail.id, self.domain)
        if mail.ticket_id:
            # Every mail of a ticket refers to the ticket; it answers the requester's
            # latest mail, when they wrote one, so their mail program threads the two.
            reference = ticket_reference(mail.ticket_id, self.domain)
            theirs = await self.store.mail.latest_inbound(mail.ticket_id)
            message["In-Reply-To"] = theirs or reference
            message["References"] = f"{reference} {theirs}" if theirs else reference
        if mail.kind not in _HUMAN:
            message["Auto-Submitted"] = (
                "auto-replied" if mail.kind in _REPLIES else "auto-generated"
            )
        if mail.kind == "notice":
            message["Precedence"] = "bulk"
        message["X-Chatdesk-Mail"] = mail.id
        message.set_content(self._render("mail.txt", content, mail.lang))
        message.add_alternative(self._render("mail.html", content, mail.lang), subtype="html")
        if mail.kind == "reply" and sum(f.size for f in files) <= MAIL_ATTACH_LIMIT:
            for file in files:
                found = await self.store.helpdesk.attachment_data(file.id)
                if found is not None:  # gone since (the ticket erased): the link says so
                    main, _, sub = file.content_type.partition("/")
                    message.add_attachment(found[1], main, sub, filename=file.filename)
        message["Content-Language"] = mail.lang  # after the parts: set_content drops it
        return message

    def _department_sender(self, department: str) -> Address:
        """Who a requester's mail of a ticket in ``department`` comes from: its address
        (``[email] reply_from = "department"``), with the desk's name, else the desk's."""
        address = self.config.email.from_address(department)
        if address is None:
            return self.sender
        return Address(self.sender.display_name, addr_spec=address)

    async def _files(self, mail: OutboxMail, context: Context) -> list[Attachment]:
        """The files of the message ``mail`` is about (none for most kinds)."""
        if mail.kind not in _WITH_FILES or context.ticket is None:
            return []
        message_id = context.message.id if context.message is not None else None
        if message_id is None:  # filed: the description is the thread's first message
            public = await self.store.helpdesk.list_ticket_messages(
                context.ticket.id, internal=False
            )
            message_id = public[0].id if public else None
        files = await self.store.helpdesk.list_attachments(context.ticket.id)
        return [f for f in files if message_id and f.message_id == message_id]

    def _listed(
        self, content: Content, files: list[Attachment], c: Context, *, staff: bool
    ) -> Content:
        """``content`` with the file list: links to the console for operators, else to the
        follow page's download (the same link's holder)."""
        if staff:
            title = staff_text(c.lang, "staff_files")
            urls = [f"{self.public_url}/console/files/{f.id}" for f in files]
        else:
            title = mail_text(c.lang, "files")
            urls = [f"{c.follow_url}/files/{f.id}" for f in files]
        labels = [f"{f.filename} ({file_size(f.size, c.lang)})" for f in files]
        return replace(content, files_title=title, files=tuple(zip(labels, urls, strict=True)))

    def _render(self, name: str, content: Content, lang: str) -> str:
        colour = self.config.email.colour
        on_colour, ink = _contrast(colour)
        return self._env.get_template(name).render(
            c=content, lang=lang, desk=self.config.name, colour=colour, on_colour=on_colour,
            ink=ink, link_hint=mail_text(lang, "link_hint"),
        )  # fmt: skip

    async def _context(self, mail: OutboxMail) -> Context:
        context = Context(
            kind=mail.kind, lang=mail.lang, desk=self.config.name,
            timezone=self.config.hours.timezone, public_url=self.public_url, data=mail.data,
            name=str(mail.data.get("name", "")), phone=self.config.phone,
        )  # fmt: skip
        if mail.ticket_id is None:
            return context
        ticket = await self._ticket(mail.ticket_id)
        into = await self._ticket(ticket.merged_into) if ticket.merged_into else None
        # A merged ticket's own link: its page says where it went (a link to the target
        # would not open for another requester: views.follow checks the requester).
        token = self.links.token(ticket.id, ticket.requester_id)
        message: TicketMessage | None = None
        earlier: tuple[TicketMessage, ...] = ()
        if mail.kind in ("reply", "staff_reply") or (
            mail.kind == "staff_follow" and "message_id" in mail.data
        ):
            public = await self.store.helpdesk.list_ticket_messages(ticket.id, internal=False)
            at = next((i for i, m in enumerate(public) if m.id == mail.data.get("message_id")), -1)
            if at < 0:
                raise NotFound("the replied message is gone")
            message, earlier = public[at], tuple(public[max(0, at - THREAD_SIZE) : at])
        elif mail.kind == "staff_mention":  # the internal note that names the operator
            every = await self.store.helpdesk.list_ticket_messages(ticket.id, internal=True)
            message = next((m for m in every if m.id == mail.data.get("message_id")), None)
            if message is None:
                raise NotFound("the note is gone")
        signature = ""
        if mail.kind == "reply" and message is not None and message.author is AuthorKind.OPERATOR:
            author = await self.store.operators.get_operator(message.author_id or "")
            signature = author.signature if author is not None else ""
        return replace(
            context,
            details=self._details(ticket, mail.lang) if mail.kind in _DETAILED else (),
            # A copy to an organisation's address greets no one by name.
            name=context.name or ("" if mail.data.get("copy") else ticket.requester_name),
            ticket=ticket,
            follow_url=f"{self.public_url}/support/t/{token}",
            message=message,
            earlier=earlier,
            into=into,
            signature=signature,
        )

    def _details(self, ticket: Ticket, lang: str) -> tuple[tuple[str, str], ...]:
        """The ticket's priority and custom fields as an operator reads them."""
        priority = self.config.helpdesk.priorities.get(ticket.priority)
        label = priority.label if priority else {}
        shown = label.get(lang) or label.get("en") or ticket.priority
        fields = shown_fields(self.config.helpdesk.fields, ticket.fields, lang)
        colon = "\u00a0:" if lang == "fr" else ":"  # French: a (no-break) space before it
        rows = ((staff_text(lang, "staff_priority"), shown), *fields)
        return tuple((f"{label}{colon}", value) for label, value in rows)

    async def _ticket(self, ticket_id: str) -> Ticket:
        ticket = await self.store.helpdesk.get_ticket(ticket_id)
        if ticket is None:
            raise NotFound("the ticket of this mail is gone")
        return ticket


def _indent(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in str(text).splitlines())


def _contrast(colour: str) -> tuple[str, str]:
    """Return (text colour on ``colour``, link colour on white): readable either way."""
    hex_ = colour.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(ch * 2 for ch in hex_)
    channels = [int(hex_[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    on_white = 1.05 / (luminance + 0.05)
    on_colour = "#ffffff" if on_white >= (luminance + 0.05) / 0.05 else "#111111"
    return on_colour, colour if on_white >= 4.5 else "#1f2937"
