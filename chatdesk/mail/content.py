"""What each kind of mail says: subject, paragraphs, quote, button, links and thread."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from ..bot.markdown import plain_text, render_markdown
from ..models import AuthorKind, Ticket, TicketMessage, parse_ts
from ..phoneline import PhoneLine
from ..systemtexts import format_when
from ..timewindow import capitalised, format_window
from .texts import mail_text

__all__ = ["KINDS", "Content", "Context", "ThreadLine", "build_content", "excerpt"]

#: Earlier public messages an agent's reply shows below it.
THREAD_SIZE = 4


@dataclass(frozen=True, slots=True)
class ThreadLine:
    """One earlier message of the thread, as a mail shows it."""

    who: str
    when: str
    text: str


@dataclass(frozen=True, slots=True)
class Content:
    """A mail's words, rendered to HTML and plain text by the same two templates."""

    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    #: (label with its colon, value) lines after the paragraphs: a new ticket's priority
    #: and fields.
    details: tuple[tuple[str, str], ...] = ()
    quote: str = ""
    quote_title: str = ""
    #: Sanitised HTML (a notice's Markdown); the text part shows ``quote`` instead.
    html: str = ""
    action: tuple[str, str] | None = None
    choices_title: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    after: tuple[str, ...] = ()
    thread_title: str = ""
    thread: tuple[ThreadLine, ...] = ()
    #: The files of the message the mail is about: (name with its size, link).
    files_title: str = ""
    files: tuple[tuple[str, str], ...] = ()
    footer: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """What a mail is about, loaded from the store when it is sent."""

    kind: str
    lang: str
    desk: str
    timezone: ZoneInfo
    public_url: str
    data: dict[str, Any]
    ticket: Ticket | None = None
    follow_url: str = ""
    message: TicketMessage | None = None
    earlier: tuple[TicketMessage, ...] = ()
    into: Ticket | None = None
    name: str = ""
    #: The ticket's priority and custom fields, labelled in the mail's language (the
    #: mails telling operators of a new ticket show them).
    details: tuple[tuple[str, str], ...] = ()
    #: The desk's phone line (``[phone]``), told to tickets of its priorities.
    phone: PhoneLine | None = None
    #: The replying operator's signature (their account page), under their reply.
    signature: str = ""

    def t(self, key: str, **values: Any) -> str:
        """Return a text of the catalog in the mail's language."""
        return mail_text(self.lang, key, **values)

    def when(self, at: datetime | str | None) -> str:
        """Return a time as people read it in the desk's time zone."""
        if at is None or at == "":
            return ""
        value = parse_ts(at) if isinstance(at, str) else at
        return format_when(value, self.lang, self.timezone)

    @property
    def hello(self) -> str:
        """Return the greeting."""
        return self.t("hello", name=self.name) if self.name else self.t("hello_anonymous")

    @property
    def ticket_subject(self) -> str:
        """Return ``[#000123] subject``: the same on every mail of a ticket (threading)."""
        assert self.ticket is not None
        return f"[{self.ticket.label}] {self.ticket.subject}"

    @property
    def ticket_url(self) -> str:
        """Return the ticket's portal link, opening in the mail's language."""
        return f"{self.follow_url}?lang={self.lang}"

    def rate_url(self, score: int) -> str:
        """Return the link that rates the ticket ``score`` (the portal asks to confirm)."""
        return f"{self.follow_url}/rate?score={score}&lang={self.lang}"

    def about(self) -> dict[str, str]:
        """Return the ticket's label and subject for the texts."""
        assert self.ticket is not None
        return {"label": self.ticket.label, "subject": self.ticket.subject}


def _received(c: Context) -> Content:
    assert c.ticket is not None
    paragraphs = [c.t("received_1", **c.about())]
    if c.ticket.due_at is not None:
        paragraphs.append(c.t("received_2", reply_by=c.when(c.ticket.due_at)))
    if c.phone is not None and c.phone.shown_for(c.ticket.priority):
        hours = c.phone.hours_text(c.lang)
        paragraphs.append(
            c.t("received_phone", number=c.phone.number, hours=hours, label=c.ticket.label)
        )
    paragraphs.append(c.t("received_3"))
    return Content(
        c.ticket_subject, c.hello, tuple(paragraphs),
        quote=excerpt(c.ticket.description), quote_title=c.t("summary"),
        action=(c.t("follow"), c.ticket_url), footer=c.t("footer", desk=c.desk),
    )  # fmt: skip


def _author(c: Context, m: TicketMessage) -> str:
    """Who wrote an earlier message, as the mail's reader names them: "You" for their
    own, else the person's name (a colleague's, or the requester's in a copy)."""
    assert c.ticket is not None
    if m.author is AuthorKind.OPERATOR:
        return m.author_name or c.t("team")
    own = m.author_id in (None, c.ticket.requester_id)
    if own and not c.data.get("copy"):
        return c.t("you")
    if own:
        return c.ticket.requester_name or c.ticket.requester_email
    return m.author_name or c.t("participant")


def _signed(c: Context) -> str:
    """The reply's text, with its author's signature under the usual "-- " line."""
    assert c.message is not None
    return f"{c.message.text}\n\n-- \n{c.signature}" if c.signature else c.message.text


def _reply(c: Context) -> Content:
    assert c.ticket is not None and c.message is not None
    agent = c.message.author_name or c.t("team")
    thread = tuple(
        ThreadLine(_author(c, m), c.when(m.ts), excerpt(m.text)) for m in reversed(c.earlier)
    )
    opening = (
        c.t("opens_1", agent=agent, **c.about())
        if c.data.get("opens")
        else c.t("reply_1", agent=agent, label=c.ticket.label)
    )
    if c.data.get("resolved"):
        # The reply resolved the ticket: this mail says so and asks for the rating.
        close_on = c.when(c.data.get("auto_close_at"))
        reopen = c.t("resolved_2", close_on=close_on) if close_on else c.t("resolved_2_open")
        return Content(
            c.ticket_subject, c.hello,
            (opening,),
            quote=_signed(c), after=(reopen,),
            choices_title=f"{c.t('resolved_1', **c.about())} {c.t('rate')}",
            choices=tuple((str(n), c.rate_url(n)) for n in range(1, 6)),
            action=(c.t("follow"), c.ticket_url),
            thread_title=c.t("thread") if thread else "", thread=thread,
            footer=c.t("footer", desk=c.desk),
        )  # fmt: skip
    last = c.t("reply_2")
    if c.data.get("pending"):
        waits_until = c.when(c.data.get("auto_close_at"))
        last = c.t("pending_close", close_on=waits_until) if waits_until else c.t("pending")
    elif c.data.get("closed"):
        last = f"{c.t('closed_with_reply', label=c.ticket.label)} {c.t('closed_2')}"
    return Content(
        c.ticket_subject, c.hello, (opening,),
        quote=_signed(c), after=(last,), action=(c.t("follow"), c.ticket_url),
        thread_title=c.t("thread") if thread else "", thread=thread,
        footer=c.t("footer", desk=c.desk),
    )  # fmt: skip


def _reminder(c: Context) -> Content:
    assert c.ticket is not None
    close_on = c.when(c.data.get("auto_close_at") or c.ticket.auto_close_at)
    return Content(
        c.ticket_subject, c.hello,
        (c.t("reminder_1", **c.about()), c.t("reminder_2", close_on=close_on)),
        action=(c.t("answer"), c.ticket_url), footer=c.t("footer", desk=c.desk),
    )  # fmt: skip


def _resolved(c: Context) -> Content:
    assert c.ticket is not None
    close_on = c.when(c.data.get("auto_close_at"))
    after = c.t("resolved_2", close_on=close_on) if close_on else c.t("resolved_2_open")
    return Content(
        c.ticket_subject, c.hello, (c.t("resolved_1", **c.about()),),
        choices_title=c.t("rate"), choices=tuple((str(n), c.rate_url(n)) for n in range(1, 6)),
        after=(after,), action=(c.t("follow"), c.ticket_url), footer=c.t("footer", desk=c.desk),
    )  # fmt: skip


def _closed(c: Context) -> Content:
    assert c.ticket is not None
    return Content(
        c.ticket_subject, c.hello, (c.t("closed_1", **c.about()), c.t("closed_2")),
        action=(c.t("follow"), c.ticket_url), footer=c.t("footer", desk=c.desk),
    )  # fmt: skip


def _merged(c: Context) -> Content:
    assert c.ticket is not None
    into = c.into.label if c.into else ""
    return Content(
        c.ticket_subject, c.hello,
        (c.t("merged_1", label=c.ticket.label, into=into), c.t("merged_2")),
        action=(c.t("follow"), c.ticket_url), footer=c.t("footer", desk=c.desk),
    )  # fmt: skip


def _invitation(c: Context) -> Content:
    org_name = c.data.get("organisation_name", "")
    org = c.t("invitation_org", org=org_name) if org_name else ""
    return Content(
        c.t("invitation_subject", desk=c.desk), c.hello,
        (c.t("invitation_1", desk=c.desk, org=org),
         *([c.t("invitation_by", name=c.data["inviter"])] if c.data.get("inviter") else []),
         c.t("invitation_2", until=c.when(c.data.get("expires_at")))),
        action=(c.t("support_page"), f"{c.public_url}/support?lang={c.lang}"),
        footer=c.t("footer_plain", desk=c.desk),
    )  # fmt: skip


def _sign_in(c: Context) -> Content:
    minutes = int(c.data.get("minutes", 15))
    return Content(
        c.t("sign_in_subject", desk=c.desk), c.hello,
        (c.t("sign_in_1", desk=c.desk, minutes=minutes), c.t("sign_in_2")),
        action=(c.t("sign_in"), str(c.data.get("link", ""))),
        footer=c.t("footer_plain", desk=c.desk),
    )  # fmt: skip


def _seat(c: Context) -> Content:
    d = {k: str(v) for k, v in c.data.items()}
    return Content(
        c.t("seat_subject", desk=c.desk, name=d["who"], site=d["site"]), c.hello,
        (c.t("seat_1", name=d["who"], email=d["email"], site=d["site"], count=d["count"],
             editors=d["editors"]),
         c.t("seat_2", org=d["org"], name=d["who"])),
        action=(c.t("seat_open"), d["link"]),
        footer=c.t("footer_plain", desk=c.desk),
    )  # fmt: skip


def _seat_freed(c: Context) -> Content:
    d = {k: str(v) for k, v in c.data.items()}
    who = d.get("by") or c.t("seat_freed_desk", desk=c.desk)
    return Content(
        c.t("seat_freed_subject", desk=c.desk, site=d["site"]), c.hello,
        (c.t("seat_freed_1", by=who, site=d["site"], org=d["org"]),
         c.t("seat_freed_2", org=d["org"])),
        action=(c.t("support_page"), f"{c.public_url}/support?lang={c.lang}"),
        footer=c.t("footer_plain", desk=c.desk),
    )  # fmt: skip


def _notice(c: Context) -> Content:
    d = c.data
    starts = parse_ts(str(d["starts_at"]))
    ends = parse_ts(str(d["ends_at"])) if d.get("ends_at") else None
    # "since" or "from": said as of the publication (mails queued before this key: the start).
    published = parse_ts(str(d.get("published_at") or d["starts_at"]))
    window = format_window(starts, ends, published, c.lang, c.timezone)
    when = capitalised(window) + "."
    severity = c.t(f"severity_{d.get('severity', 'info')}")
    title, body = str(d.get("title", "")), str(d.get("body", ""))
    return Content(
        c.t("notice_subject", desk=c.desk, title=title), c.hello,
        (title if severity.lower() in title.lower() else f"{severity} — {title}", when),
        quote=plain_text(body, c.public_url), html=_absolute(render_markdown(body), c.public_url),
        action=(c.t("support_page"), f"{c.public_url}/support?lang={c.lang}"),
        footer=c.t("footer_plain", desk=c.desk),
    )  # fmt: skip


def _rejected(c: Context) -> Content:
    subject = str(c.data.get("subject", ""))
    first = str(c.data["reason"]) if c.data.get("reason") else c.t("rejected_1", subject=subject)
    return Content(
        c.t("rejected_subject", desk=c.desk), c.hello, (first, c.t("rejected_2")),
        action=(c.t("support_page"), f"{c.public_url}/support?lang={c.lang}"),
        footer=c.t("footer_plain", desk=c.desk),
    )  # fmt: skip


def _verify(c: Context) -> Content:
    return Content(
        c.t("verify_subject", desk=c.desk), c.hello,
        (c.t("verify_1", subject=c.data.get("subject", ""), until=c.when(c.data.get("until"))),
         c.t("verify_2")),
        action=(c.t("verify"),
                f"{c.public_url}/mail/verify/{c.data.get('token', '')}?lang={c.lang}"),
        footer=c.t("footer_plain", desk=c.desk),
    )  # fmt: skip


#: Each kind of mail and what it says; ticket kinds need ``Context.ticket``.
KINDS: dict[str, Callable[[Context], Content]] = {
    "received": _received,
    "reply": _reply,
    "reminder": _reminder,
    "resolved": _resolved,
    "closed": _closed,
    "merged": _merged,
    "invitation": _invitation,
    "sign_in": _sign_in,
    "seat_request": _seat,
    "seat_freed": _seat_freed,
    "notice": _notice,
    "rejected": _rejected,
    "verify": _verify,
}


def build_content(context: Context) -> Content:
    """Return what a mail of ``context.kind`` says. :raises KeyError: unknown kind."""
    content = KINDS[context.kind](context)
    copy = context.data.get("copy")
    if not copy or context.ticket is None:
        return content
    t = context.ticket
    requester = (
        f"{t.requester_name} <{t.requester_email}>" if t.requester_name else t.requester_email
    )
    if copy == "cc":
        note = context.t("cc_note", requester=requester)
    else:
        note = context.t("copy_note", kind=context.t(f"copy_{copy}"), requester=requester)
    return replace(content, paragraphs=(note, *content.paragraphs))


_PATH_LINK = re.compile(r'href="/(?![/\\])')


def _absolute(html: str, public_url: str) -> str:
    """Return ``html`` with links to the desk's pages (paths) made absolute: a mail is
    read far from the desk."""
    base = escape(public_url.rstrip("/"), quote=True)
    return _PATH_LINK.sub(lambda _: f'href="{base}/', html)


def excerpt(text: str, limit: int = 600) -> str:
    """Return ``text``, cut after ``limit`` characters (" …")."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rstrip() + " …"
