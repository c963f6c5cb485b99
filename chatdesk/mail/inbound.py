"""Incoming mail: replies threaded onto tickets, new tickets, who may write, never a loop."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..bot.language import LanguageGuesser
from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..errors import ChatdeskError, Conflict, InvalidToken, TooLarge
from ..events import Event, MailBounced
from ..helpdesk import Helpdesk, NewTicket, Upload
from ..helpdesk.common import TEXT_MAX, add_cc, clean_cc, copied_address
from ..models import Operator, Requester, Ticket, format_ts, utcnow
from ..models.mail import HeldMail, OutboxMail
from ..operators import normalize_email
from ..store import Store
from ..throttle import Throttle
from ..tickets import SUBJECT_MAX
from .outbox import Outbox
from .parse import ParsedMail, parse_mail
from .reminders import HELD_DAYS
from .texts import mail_text

__all__ = ["InboundMail", "Outcome", "Received"]

log = logging.getLogger(__name__)
_OURS = r"<(ticket\.)?([0-9a-f]{32})@{domain}>"
#: The text saying why a file was not attached, by the refusal's code.
_LEFT_OUT = {"executable": "file_program", "type_not_allowed": "file_type",
             "empty_file": "file_empty"}  # fmt: skip


class Outcome(StrEnum):
    """What became of a received message."""

    APPENDED = "appended"  # added to its ticket (or to a follow-up of a closed one)
    FILED = "filed"  # a new ticket, channel email
    HELD = "held"  # waits until its sender confirms (``verify``)
    REFUSED = "refused"  # not accepted; the sender was told how to reach the desk
    BOUNCE = "bounce"  # a delivery report: the address is flagged
    DROPPED = "dropped"  # automatic, ours, a duplicate, blocked, or past the sender's rate


@dataclass(frozen=True, slots=True)
class Received:
    """The outcome of one message, its ticket, and why (for logs and the SMTP reply)."""

    outcome: Outcome
    ticket: Ticket | None = None
    reason: str = ""


class InboundMail:
    """Take received messages (from the SMTP receiver) into the helpdesk.

    A message naming a ticket (``[#000123]`` in the subject, or ``In-Reply-To`` /
    ``References`` naming our mails or mails received for it) from the ticket's requester
    or a member of its organisation is a reply: it reopens a pending or resolved ticket
    and follows up a closed one. Anything else is a new ticket (channel ``email``), as
    the desk's policy for unknown senders says. Automatic mail is never answered.
    """

    def __init__(
        self, store: Store, config: DeskConfig, helpdesk: Helpdesk, outbox: Outbox, *,
        secret_key: str, throttle: Throttle, domain: str, default_lang: str = "en",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:  # fmt: skip
        self.store = store
        self.config = config
        self.helpdesk = helpdesk
        self.outbox = outbox
        self.throttle = throttle
        self.default_lang = default_lang
        self.clock = clock
        self._limit = Throttle.limit(config.email.sender_limit)
        self._tokens = URLSafeTimedSerializer(secret_key, salt="chatdesk.mail.verify")
        self._ours = re.compile(_OURS.replace("{domain}", re.escape(domain)), re.IGNORECASE)
        self._domain = domain.lower()
        self._guesser: LanguageGuesser | None = None

    async def receive(
        self, raw: bytes, *, mail_from: str, recipients: Sequence[str]
    ) -> tuple[Received, list[Event]]:
        """Take one message as the MTA handed it over (``mail_from``: the envelope's)."""
        mail = parse_mail(raw, envelope_sender=mail_from)
        if mail.bounce is not None:
            return await self._bounce(mail)
        # A message without a Message-ID is known by its bytes: taken twice (an MTA's retry,
        # an IMAP poll after a crash), it is still taken once.
        key = mail.message_id or f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>"
        why = await self._ignored(mail, key)
        if why:
            log.info("mail from %s dropped: %s", mail.sender or "?", why)
            return Received(Outcome.DROPPED, reason=why), []
        received, events = await self._accept(mail, raw, [*recipients, *mail.to], key=key)
        ticket_id = received.ticket.id if received.ticket else None
        await self.store.mail.add_inbound(key, ticket_id, self.clock())
        return received, events

    async def confirm(self, token: str) -> tuple[Received, list[Event]]:
        """The sender of a held message clicked its link: take the message in.

        :raises InvalidToken: forged, expired, or confirmed already.
        """
        try:
            held_id = self._tokens.loads(token, max_age=HELD_DAYS * 86400)
        except BadSignature:
            raise InvalidToken("this confirmation link is not valid or has expired") from None
        held = await self.store.mail.take_held(str(held_id))
        if held is None:
            raise InvalidToken("this request was confirmed already, or has expired")
        mail = parse_mail(held.raw, envelope_sender=held.sender)
        return await self._accept(mail, held.raw, [held.recipient], verified=True)

    async def _ignored(self, mail: ParsedMail, key: str) -> str:
        if mail.ours or self._ours.fullmatch(mail.message_id or "-"):
            return "our own message"
        if mail.auto:
            return mail.auto
        if await self.store.mail.seen_inbound(key):
            return "received already"
        if (entry := await self.helpdesk.blocks.stops(mail.sender)) is not None:
            # Taken and dropped, never refused: a refusal's bounce would go to whoever
            # the spam's envelope names (backscatter).
            return f"blocked sender ({entry.pattern})"
        if not await self.throttle.count(self._limit, "mail", mail.sender):
            return f"more than {self.config.email.sender_limit} from this sender"
        return ""

    async def _accept(
        self,
        mail: ParsedMail,
        raw: bytes,
        recipients: Sequence[str],
        *,
        verified: bool = False,
        key: str | None = None,
    ) -> tuple[Received, list[Event]]:
        requester = await self.store.requesters.find_requester(normalize_email(mail.sender))
        if requester is None:
            requester = await self._colleague(mail)
        ticket = await self._thread(mail)
        cc = await self._cc(mail)
        if ticket is not None and requester is not None:
            own = ticket.requester_id == requester.id
            org = requester.organisation_id
            if own or (org is not None and org == ticket.organisation_id):
                return await self._append(ticket, requester, mail, colleague=not own, cc=cc)
        if (
            ticket is not None
            and mail.sender.lower() in ticket.cc
            and ticket.department not in self.config.email.registered_only
        ):
            # Someone the thread copied answers it (reply-all): their mail joins it. Not
            # in an account's department, where only registered addresses are heard
            # (they still get the copies the requester asked for).
            requester = requester or await self.helpdesk.people.requester(
                mail.sender, name=mail.name, lang=mail.lang
            )
            return await self._append(ticket, requester, mail, colleague=True, cc=cc)
        if ticket is not None and (staff := await self._operator(mail.sender)) is not None:
            # An operator answered a notification: posting it as theirs would let anyone
            # who forges their address speak for the desk, and filing it would make a
            # ticket of it. Nothing is taken; they are told to answer from the console.
            return await self._not_posted(ticket, staff)
        if ticket is not None and await copied_address(self.store, ticket, mail.sender):
            # The organisation's billing (abuse...) address answers a ticket it got a copy of.
            requester = requester or await self.helpdesk.people.requester(
                mail.sender, name=mail.name, lang=mail.lang
            )
            return await self._append(ticket, requester, mail, colleague=True)
        department = next(
            (d for r in recipients if (d := self.config.email.addresses.get(r.lower()))), None
        )
        registered = requester is not None and requester.organisation_id is not None
        if department in self.config.email.registered_only and not registered:
            return await self._refuse(mail, requester, "")
        policy = self.config.email.unknown_senders
        if requester is None and not verified and policy != "create":
            if policy == "reject":
                return await self._refuse(mail, requester, "")
            return await self._hold(mail, raw, recipients)
        return await self._file(mail, requester, department, key, cc=cc)

    async def _colleague(self, mail: ParsedMail) -> Requester | None:
        """A new sender at an organisation's e-mail domain: known as its member (they join
        it here, within its member cap), so a desk that refuses unknown senders hears a
        client's new colleague. None for anyone else (nothing stored)."""
        domain = normalize_email(mail.sender).rpartition("@")[2]
        if await self.store.requesters.domain_organisation(domain) is None:
            return None
        requester = await self.helpdesk.people.requester(
            mail.sender, name=mail.name, lang=mail.lang
        )
        return requester if requester.organisation_id is not None else None

    async def _thread(self, mail: ParsedMail) -> Ticket | None:
        """Return the ticket the message answers: by number, else by its references."""
        ticket = None
        if mail.number is not None:
            ticket = await self.store.helpdesk.find_ticket(mail.number)
        if ticket is None and mail.references:
            keys = []
            for reference in mail.references:
                ours = self._ours.fullmatch(reference)
                if ours and ours[1]:  # <ticket.ID@domain>
                    ticket = await self.store.helpdesk.get_ticket(ours[2])
                    if ticket is not None:
                        break
                keys.append(ours[2] if ours else reference)
            if ticket is None and (found := await self.store.mail.inbound_ticket(keys)):
                ticket = await self.store.helpdesk.get_ticket(found)
        if ticket is not None and ticket.merged_into:  # replies go where the thread went
            ticket = await self.store.helpdesk.get_ticket(ticket.merged_into) or ticket
        return ticket

    async def _append(
        self,
        ticket: Ticket,
        requester: Requester,
        mail: ParsedMail,
        *,
        colleague: bool,
        cc: frozenset[str] = frozenset(),
    ) -> tuple[Received, list[Event]]:
        lang = requester.lang or ticket.lang or mail.lang or self.default_lang
        files, text = self._files(mail, lang)
        if not text:
            return Received(Outcome.DROPPED, ticket, "an empty message"), []
        client_id = "mail:" + hashlib.sha256(mail.message_id.encode()).hexdigest()[:40]
        lifecycle = self.helpdesk.tickets
        try:
            _, after, events = await lifecycle.reply(
                ticket.id, requester, text, client_id=client_id if mail.message_id else None,
                attachments=files, colleague=colleague,
            )  # fmt: skip
        except TooLarge:  # the ticket's files are at their limit: the text still counts
            limit = self._size(self.config.helpdesk.attachments.max_ticket, lang)
            notes = "\n".join(
                f"[{mail_text(lang, 'file_ticket_full', name=f.filename[:100], limit=limit)}]"
                for f in files
            )
            _, after, events = await lifecycle.reply(
                ticket.id, requester, f"{text}\n\n{notes}", colleague=colleague
            )
        await self.store.mail.clear_bouncing(mail.sender)
        # A reply-all that copies someone new: they follow the thread too.
        after = await add_cc(self.store, after, sorted(cc), requester, self.clock())
        return Received(Outcome.APPENDED, after), events

    async def _file(
        self,
        mail: ParsedMail,
        requester: Requester | None,
        department: str | None,
        key: str | None = None,
        *,
        cc: frozenset[str] = frozenset(),
    ) -> tuple[Received, list[Event]]:
        lang = mail.lang or (requester.lang if requester else "") or await self._guess(mail.text)
        files, text = self._files(mail, lang)
        subject = mail.subject or (text.splitlines()[0] if text else "") or "(e-mail)"
        request = NewTicket(
            email=mail.sender, subject=subject[:SUBJECT_MAX], description=text, name=mail.name,
            lang=lang, department=department, attachments=files, channel="email",
            inbound_key=key, cc=sorted(cc),
        )  # fmt: skip
        try:
            ticket, events = await self.helpdesk.filing.file(request)
        except Conflict as exc:
            if exc.code != "mail_filed":
                raise
            # Taken twice (an MTA's retry, an IMAP poll after a crash): filed once already.
            return Received(Outcome.DROPPED, reason="received already"), []
        except ChatdeskError as exc:
            if exc.status >= 500:
                raise
            # access_denied, a required field...: said in the sender's language.
            return await self._refuse(mail, requester, exc.message, lang=lang)
        await self.store.mail.clear_bouncing(mail.sender)
        return Received(Outcome.FILED, ticket), events

    async def _refuse(
        self, mail: ParsedMail, requester: Requester | None, reason: str, *, lang: str = ""
    ) -> tuple[Received, list[Event]]:
        lang = lang or mail.lang or (requester.lang if requester else "") or self.default_lang
        data = {"subject": mail.subject, "reason": reason, "name": mail.name}
        await self.outbox.enqueue([OutboxMail("rejected", mail.sender, lang, self.clock(),
                                              data=data)])  # fmt: skip
        return Received(Outcome.REFUSED, reason=reason or "unknown sender"), []

    async def _operator(self, sender: str) -> Operator | None:
        found = await self.store.operators.operator_credentials(normalize_email(sender))
        return found[0] if found is not None and not found[0].disabled else None

    async def _not_posted(self, ticket: Ticket, operator: Operator) -> tuple[Received, list[Event]]:
        lang = next((lang for lang in operator.languages if lang in LANGUAGES), "en")
        told = OutboxMail("staff_not_posted", operator.email, lang, self.clock(),
                          ticket_id=ticket.id, data={"name": operator.name})  # fmt: skip
        await self.outbox.enqueue([told])
        return Received(Outcome.REFUSED, ticket, "an operator's mail: answer from the console"), []

    async def _hold(
        self, mail: ParsedMail, raw: bytes, recipients: Sequence[str]
    ) -> tuple[Received, list[Event]]:
        now = self.clock()
        held = HeldMail(mail.sender, recipients[0] if recipients else "", raw, now)
        await self.store.mail.hold_mail(held)
        data = {
            "subject": mail.subject, "name": mail.name, "token": self._tokens.dumps(held.id),
            "until": format_ts(now + timedelta(days=HELD_DAYS)),
        }  # fmt: skip
        lang = mail.lang or self.default_lang
        await self.outbox.enqueue([OutboxMail("verify", mail.sender, lang, now, data=data)])
        return Received(Outcome.HELD, reason="waiting for the sender's confirmation"), []

    async def _bounce(self, mail: ParsedMail) -> tuple[Received, list[Event]]:
        assert mail.bounce is not None
        events: list[Event] = []
        for address, reason in mail.bounce.failed:
            if await self.store.mail.set_bouncing(address, reason, self.clock()):
                requester = await self.store.requesters.find_requester(address)
                events.append(MailBounced(address, reason, requester.id if requester else None))
        outcome = Outcome.BOUNCE if mail.bounce.failed else Outcome.DROPPED
        return Received(outcome, reason="delivery report"), events

    def _files(self, mail: ParsedMail, lang: str) -> tuple[list[Upload], str]:
        """Return the attachments within the helpdesk's limits, and the text (naming the
        files left out, and why, in ``lang``: the requester reads it in the thread)."""
        kept: list[Upload] = []
        notes: list[str] = []
        used = 0
        for upload in mail.attachments:
            try:
                (checked,) = self.helpdesk.filing.check_files([upload], already=used)
            except ChatdeskError as exc:
                notes.append(f"[{self._left_out(upload, exc, lang)}]")
            else:
                kept.append(upload)
                used += checked.size
        text = "\n\n".join(part for part in (mail.text.strip(), "\n".join(notes)) if part)
        if not text and kept:
            text = "\n".join(f"[{u.filename[:100]}]" for u in kept)
        return kept, text[:TEXT_MAX]

    async def _cc(self, mail: ParsedMail) -> frozenset[str]:
        """The people the sender copied (To and Cc): not the desk's own addresses (its
        departments', its domain's) nor its operators. Not the envelope's recipients
        either way: a client that sends straight to the desk lists everyone there."""
        ours = {a.lower() for a in self.config.email.addresses}
        others = [a for a in mail.to if a.lower() not in ours and not self._own_domain(a)]
        kept = clean_cc(others, requester=mail.sender, strict=False)
        return frozenset([a for a in kept if await self._operator(a) is None])

    def _own_domain(self, address: str) -> bool:
        return address.lower().rpartition("@")[2] == self._domain

    def _left_out(self, upload: Upload, exc: ChatdeskError, lang: str) -> str:
        """Say why ``upload`` was not attached, in ``lang``."""
        limits, name = self.config.helpdesk.attachments, upload.filename[:100]
        if isinstance(exc, TooLarge):
            per_file = len(upload.data) > limits.max_file
            key, limit = ("file_too_large", limits.max_file) if per_file else (
                "file_ticket_full", limits.max_ticket)  # fmt: skip
            return mail_text(lang, key, name=name, limit=self._size(limit, lang))
        said = _LEFT_OUT.get(exc.code)
        return mail_text(lang, said, name=name) if said else f"{name}: {exc.message}"

    @staticmethod
    def _size(size: int, lang: str) -> str:
        # Limits are set in MB ("20MB"): said as the desk's settings say them.
        shown = f"{size / 2**20:.3g}"
        return mail_text(lang, "megabytes", n=shown if lang == "en" else shown.replace(".", ","))

    async def _guess(self, text: str) -> str:
        if self._guesser is None:
            # Training takes a second: off the event loop, once per process.
            self._guesser = await asyncio.to_thread(LanguageGuesser, {})
        return self._guesser.detect(text) or self.default_lang
