"""A chat's transcript by e-mail: on the visitor's request ("Email me this conversation"),
or sent by an operator from the console to the requester or a colleague elsewhere.

The request stores a small outbox row (the conversation and its last message then); the
mail is written when it is sent, from what the conversation holds at that moment. The
row's key names the conversation: "Forget me" deletes it with the visitor (the address
they typed included), so one said in between mails nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from limits import RateLimitItem

from ..attachments import file_size
from ..audit import AuditTrail
from ..bot.markdown import plain_text
from ..errors import Conflict, NotFound, RateLimited
from ..models import MAX_PAGE, AuditAction, Author, Conversation, Message, Operator, new_id, utcnow
from ..models.mail import OutboxMail
from ..operators import normalize_email
from ..store import Store
from ..store.conversations import transcript_key
from ..systemtexts import format_when
from ..throttle import Throttle
from .content import Content, ThreadLine
from .texts import mail_text

if TYPE_CHECKING:  # the outbox's composer imports this module
    from .outbox import Outbox

__all__ = ["MAX_LINES", "TRANSCRIPT", "Transcripts", "transcript_content"]

#: The outbox kind of a transcript.
TRANSCRIPT = "transcript"
#: A mail holds at most this many of the conversation's latest messages.
MAX_LINES = 200
#: How many transcripts one visitor may ask for, one address may receive, and the whole
#: desk may send: anyone may type any address, so the chat must not become a way to mail
#: strangers (the same throttles hold on every process with Redis).
LIMITS = (("visitor", "3/hour"), ("address", "3/day"), ("desk", "200/hour"))
#: An operator is logged in and on the audit log, yet a script in a stolen session must
#: not mail the desk's chats away by the hundred: per operator, per address, and the
#: desk's share it has with visitors.
OPERATOR_LIMITS = (("operator", "30/hour"), ("address", "20/day"), ("desk", "200/hour"))


class Transcripts:
    """Queue a conversation's transcript for the address a visitor gives.

    :param check_sender: refuses a blocked address (the block list's ``check``).
    :param bot_name: the bot's name in a conversation's language ("" without a bot).
    """

    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        *,
        throttle: Throttle,
        check_sender: Callable[[str, str], Awaitable[None]] | None = None,
        bot_name: Callable[[Conversation], str] = lambda _: "",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.throttle = throttle
        self.check_sender = check_sender
        self.bot_name = bot_name
        self.clock = clock
        self.audit: AuditTrail | None = None
        self._limits = [(name, Throttle.limit(text)) for name, text in LIMITS]
        self._operator_limits = [(name, Throttle.limit(text)) for name, text in OPERATOR_LIMITS]

    @property
    def enabled(self) -> bool:
        """Return whether transcripts can be sent (the desk sends e-mail)."""
        return self.outbox.enabled

    async def request(self, conversation_id: str, email: str) -> OutboxMail:
        """Queue the transcript of ``conversation_id`` for ``email``; return its mail.

        :raises InvalidPayload: ``invalid_email``.
        :raises Conflict: ``unavailable`` (no e-mail on this desk), ``nothing_to_send``.
        :raises Forbidden: ``blocked`` (a blocked address or domain).
        :raises RateLimited: one of :data:`LIMITS` is reached.
        """
        conversation, address = await self._checked(conversation_id, email)
        keys = {"visitor": conversation.visitor_id, "address": address, "desk": "all"}
        await self._count(self._limits, keys)
        return await self._queue(conversation, address, {})

    async def send(self, operator: Operator, conversation_id: str, email: str) -> OutboxMail:
        """Queue, as ``operator``, the transcript of ``conversation_id`` for ``email`` (the
        requester, or someone the desk works with): the mail names who sent it and calls
        the visitor by the name on its ticket (else "Visitor") instead of "you". On the audit
        log, since it hands a conversation to an address.

        Raises as :meth:`request` (the limits are :data:`OPERATOR_LIMITS`).
        """
        conversation, address = await self._checked(conversation_id, email)
        keys = {"operator": operator.id, "address": address, "desk": "all"}
        await self._count(self._operator_limits, keys)
        ticket = await self.store.tickets.current_ticket(conversation.id)
        extra = {"by": operator.name, "requester": ticket.requester_name if ticket else ""}
        mail = await self._queue(conversation, address, extra)
        if self.audit is not None:
            # The log holds no one's address (an erasure leaves no copy there): its domain.
            domain = address.rpartition("@")[2]
            await self.audit.record(
                operator, AuditAction.TRANSCRIPT_SENT, f"conversation {conversation.id}",
                f"to an address at {domain}",
            )  # fmt: skip
        return mail

    async def _checked(self, conversation_id: str, email: str) -> tuple[Conversation, str]:
        if not self.enabled:
            raise Conflict("this desk sends no e-mail", code="unavailable")
        address = normalize_email(email)
        conversation = await self.store.conversations.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        if conversation.last_seq == 0:
            raise Conflict("the conversation has no message yet", code="nothing_to_send")
        if self.check_sender is not None:
            await self.check_sender(address, conversation.lang)
        return conversation, address

    async def _count(self, limits: list[tuple[str, RateLimitItem]], keys: dict[str, str]) -> None:
        for name, limit in limits:
            if not await self.throttle.allows(limit, "transcript", name, keys[name]):
                raise RateLimited("too many transcripts asked for; try again later")
        for name, limit in limits:
            await self.throttle.count(limit, "transcript", name, keys[name])

    async def _queue(
        self, conversation: Conversation, address: str, extra: dict[str, Any]
    ) -> OutboxMail:
        data: dict[str, Any] = {
            "conversation_id": conversation.id,
            "until": conversation.last_seq,
            "bot": self.bot_name(conversation),
            **extra,
        }
        mail_id = new_id()
        key = transcript_key(conversation.id, mail_id)  # "forget me" finds it by its key
        mail = OutboxMail(
            TRANSCRIPT, address, conversation.lang, self.clock(), data=data, key=key, id=mail_id
        )
        await self.outbox.enqueue([mail])  # stored before anyone hears "sent"
        return mail


async def transcript_content(
    store: Store, mail: OutboxMail, *, desk: str, timezone: ZoneInfo, public_url: str
) -> Content:
    """Return what a transcript mail says, read from the conversation now.

    :raises NotFound: the conversation is gone (forgotten, or past the retention).
    """
    conversation_id = str(mail.data.get("conversation_id", ""))
    until = int(mail.data.get("until", 0))
    conversation = await store.conversations.get_conversation(conversation_id)
    if conversation is None:
        raise NotFound("the conversation of this transcript is gone")
    messages = await _messages(store, conversation_id, until)
    if not messages:
        raise NotFound("the conversation of this transcript has no message left")
    lang = mail.lang
    bot = str(mail.data.get("bot") or "") or mail_text(lang, "transcript_bot")
    by = str(mail.data.get("by") or "")  # an operator sent it: the visitor is not "you"
    visitor = mail_text(lang, "transcript_you")
    if by:
        visitor = str(mail.data.get("requester") or "") or mail_text(lang, "transcript_visitor")
    lines: list[ThreadLine] = []
    day = ""
    for message in messages:
        local = message.ts.astimezone(timezone)
        # The day once, on its first line; then the time alone.
        when = format_datetime(local, "HH:mm", tzinfo=timezone, locale=lang)
        if local.date().isoformat() != day:
            day, when = local.date().isoformat(), format_when(message.ts, lang, timezone)
        who = _who(message, visitor=visitor, bot=bot, desk=desk)
        lines.append(ThreadLine(who, when, _text(message, lang, public_url)))
    if by:
        paragraphs = [mail_text(lang, "transcript_sent_1", name=by, desk=desk)]
    else:
        paragraphs = [mail_text(lang, "transcript_1", desk=desk)]
    if messages[0].seq > 1:
        paragraphs.append(mail_text(lang, "transcript_more", n=len(messages)))
    if not by:  # before the thread: read first
        paragraphs.append(mail_text(lang, "transcript_2"))
    subject = "transcript_sent_subject" if by else "transcript_subject"
    return Content(
        subject=mail_text(lang, subject, desk=desk),
        greeting=mail_text(lang, "hello_anonymous"),
        paragraphs=tuple(paragraphs),
        thread_title=mail_text(lang, "transcript_title"),
        thread=tuple(lines),
        footer=mail_text(lang, "footer_plain", desk=desk),
    )


async def _messages(store: Store, conversation_id: str, until: int) -> list[Message]:
    """The conversation's messages up to ``until``, the last :data:`MAX_LINES` of them."""
    since, found = max(0, until - MAX_LINES), []
    while since < until:
        page, more = await store.conversations.list_messages(
            conversation_id, since=since, limit=MAX_PAGE
        )
        found += [m for m in page if m.seq <= until]
        if not more or not page:
            break
        since = page[-1].seq
    return found


def _who(message: Message, *, visitor: str, bot: str, desk: str) -> str:
    if message.author is Author.VISITOR:
        return visitor
    if message.author is Author.BOT:
        return bot
    if message.author is Author.OPERATOR:
        operator = message.extra.get("operator")
        name = operator.get("name") if isinstance(operator, dict) else None
        return str(name or desk)
    return desk  # the desk's own lines: "your request has the number #000042"


def _text(message: Message, lang: str, public_url: str) -> str:
    text = plain_text(message.text, public_url) if message.author is Author.BOT else message.text
    files = [f for f in message.extra.get("attachments") or () if isinstance(f, dict)]
    if not files:
        return text
    # A visitor's file is a message whose text is its name; an operator's reply said in
    # the chat keeps its words. Files are named, never linked: the mail may reach someone
    # other than the visitor who holds the chat's links.
    said = [] if text in {f.get("name") for f in files} else [text]
    return "\n".join(said + [
        mail_text(lang, "transcript_file", name=f.get("name", ""),
                  size=file_size(int(f.get("size", 0)), lang))
        for f in files
    ])  # fmt: skip
