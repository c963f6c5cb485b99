"""Read a received message (standard library ``email``, modern policy) into what we keep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from ..config import LANGUAGES
from ..helpdesk import Upload
from .loops import BounceReport, auto_reason, bounce_report
from .quotes import strip_quotes

__all__ = ["ParsedMail", "html_to_text", "parse_mail"]

_MSGID = re.compile(r"<[^<>\s]{1,250}>")
_TAG = re.compile(r"\[#(\d{1,9})\]")
_PREFIX = re.compile(r"^\s*((re|fw|fwd|tr|aw|wg|antw|doorst)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """A received message as the desk uses it.

    ``text`` is the new part (quotes and signature stripped); ``number`` the ticket
    number of a ``[#000123]`` tag in the subject; ``references``: In-Reply-To first, then
    References, newest first; ``auto``: why no one should answer it (empty: a person);
    ``ours``: our ``X-Chatdesk-Mail`` header (our own mail came back); ``to``: To and Cc.
    """

    sender: str
    name: str
    subject: str
    text: str
    message_id: str
    references: tuple[str, ...]
    number: int | None
    lang: str
    attachments: tuple[Upload, ...]
    auto: str
    bounce: BounceReport | None
    ours: str
    to: tuple[str, ...] = ()


def parse_mail(raw: bytes, *, envelope_sender: str = "") -> ParsedMail:
    """Return what ``raw`` (a whole RFC 5322 message) says."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    name, sender = _from(message)
    subject = " ".join(str(message.get("Subject", "")).split())
    tag = _TAG.search(subject)
    in_reply_to = _MSGID.findall(str(message.get("In-Reply-To", "")))
    references = _MSGID.findall(str(message.get("References", "")))
    lang = str(message.get("Content-Language", "")).strip().lower()[:2]
    return ParsedMail(
        sender=sender,
        name=name,
        subject=_clean_subject(subject),
        text=strip_quotes(_body(message)),
        message_id=next(iter(_MSGID.findall(str(message.get("Message-ID", "")))), ""),
        references=tuple(dict.fromkeys([*in_reply_to, *reversed(references)])),
        number=int(tag[1]) if tag else None,
        lang=lang if lang in LANGUAGES else "",
        attachments=tuple(_attachments(message)),
        auto=auto_reason(message, envelope_sender=envelope_sender, sender=sender),
        bounce=bounce_report(message),
        ours=str(message.get("X-Chatdesk-Mail", "")),
        to=tuple(
            a.strip().lower()
            for _, a in getaddresses([str(message.get(h, "")) for h in ("To", "Cc")])
            if a
        ),
    )


def _from(message: EmailMessage) -> tuple[str, str]:
    found = getaddresses([str(message.get("From", ""))])
    name, address = found[0] if found else ("", "")
    return " ".join(name.split())[:100], address.strip().lower()


def _clean_subject(subject: str) -> str:
    """Return the subject without Re:/Fwd: prefixes and our ``[#000123]`` tag."""
    subject = _PREFIX.sub("", _TAG.sub("", subject))
    return " ".join(subject.split())


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: keep what decodes
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    text = str(content)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


def _attachments(message: EmailMessage) -> list[Upload]:
    files = []
    for part in message.iter_attachments():
        filename = part.get_filename()
        inline = part.get_content_disposition() == "inline" and part.get("Content-ID")
        if not filename or inline:  # logos and pictures of an HTML signature
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            files.append(Upload(filename, data))
    return files


class _Text(HTMLParser):
    """HTML to plain text: block elements make lines; scripts, styles and the quoted
    history that mail clients mark (Gmail, Thunderbird, Apple Mail, Outlook) are left out."""

    _BLOCKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"})
    _VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr"})
    _SKIP = frozenset({"script", "style", "head", "title"})
    _QUOTE_CLASSES = ("gmail_quote", "moz-cite-prefix", "divrplyfwdmsg", "apple-mail-quote")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            if tag in ("br", "hr") and not self._skip:
                self.parts.append("\n")
            return
        found = dict(attrs)
        classes = (found.get("class") or "").lower()
        quoted = (tag == "blockquote" and found.get("type") == "cite") or any(
            c in classes for c in self._QUOTE_CLASSES
        ) or found.get("id") == "divRplyFwdMsg"  # fmt: skip
        skipped = tag in self._SKIP or quoted
        self._stack.append((tag, skipped))
        self._skip += skipped
        if tag in self._BLOCKS and not self._skip:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._VOID or all(t != tag for t, _ in self._stack):
            return
        # Close up to the matching tag: mail HTML often leaves elements unclosed.
        while self._stack:
            opened, skipped = self._stack.pop()
            self._skip -= skipped
            if opened == tag:
                break
        if tag in self._BLOCKS and not self._skip:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Return the text of an HTML mail (no markup survives: nothing to sanitise later)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
