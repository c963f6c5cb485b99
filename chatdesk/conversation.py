"""ConversationService: the rules of a visitor conversation, returning domain events."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from .config import LANGUAGES
from .errors import Forbidden, InvalidPayload, InvalidToken, NotFound
from .events import ConversationEscalated, Event, LanguageChanged, MessagePosted, TypingChanged
from .models import (
    MAX_PAGE,
    MAX_SEQ,
    PEOPLE_MODES,
    Author,
    BotMiss,
    Conversation,
    LangSource,
    Message,
    MessageDraft,
    Mode,
    Visitor,
    format_ts,
    utcnow,
)
from .seams import Handover, KeyedLocks, Responder
from .store import Store
from .tokens import VisitorTokens

__all__ = [
    "ConversationService",
    "Handover",
    "Responder",
    "VisitorSession",
    "clean_text",
    "pick_language",
]

log = logging.getLogger(__name__)

# C0/C1 control characters other than tab and newline have no place in a chat message.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Compare-and-set attempts at storing replies before giving up (each loses only to
#: another process that answered meanwhile).
_REPLY_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class VisitorSession:
    """Who is on a visitor connection, as decided at connect time."""

    token: str
    visitor: Visitor
    conversation: Conversation
    created: bool
    welcome: dict[str, Any] | None = None


def pick_language(requested: str | None, fallback: str) -> str:
    """Map a requested language tag (``fr-BE``, ``NL``) to a supported one, else ``fallback``."""
    if requested:
        primary = requested.strip().lower().replace("_", "-").split("-", 1)[0]
        if primary in LANGUAGES:
            return primary
    return fallback


def clean_text(text: str, max_length: int) -> str:
    """Return ``text`` trimmed and without control characters, or raise InvalidPayload."""
    text = _CONTROL.sub("", text).strip()
    if not text:
        raise InvalidPayload("the message is empty", code="text_empty")
    if len(text) > max_length:
        raise InvalidPayload(
            f"the message is longer than {max_length} characters", code="text_too_long"
        )
    return text


class ConversationService:
    """Start and continue visitor conversations; every change returns domain events.

    :param store: where conversations live.
    :param tokens: signs and verifies visitor tokens.
    :param responder: answers visitor messages (the bot); ``None`` stays silent.
    :param handover: takes escalated conversations (tickets and operators).
    :param max_message_length: longest text accepted, in characters.
    :param default_lang: language when the visitor's is unknown.
    :param clock: returns the current UTC time (tests move it).
    """

    def __init__(
        self,
        store: Store,
        tokens: VisitorTokens,
        *,
        responder: Responder | None = None,
        handover: Handover | None = None,
        max_message_length: int = 4000,
        default_lang: str = "en",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.responder = responder
        self.handover = handover
        self.max_message_length = max_message_length
        self.default_lang = default_lang
        self.clock = clock
        self._reply_locks = KeyedLocks()

    async def visitor_connected(
        self,
        *,
        token: str | None,
        lang: str | None,
        page: str,
        lang_source: LangSource = LangSource.BROWSER,
    ) -> VisitorSession:
        """Return the session for a new connection: a new visitor, or the token's one.

        :param lang: a language tag the widget sends (``nl-BE``), from ``lang_source``:
            the page's language or the visitor's choice replaces the conversation's; the
            browser's only replaces a default or another browser guess.
        :raises InvalidToken: when the token is forged or its visitor is unknown.
        :raises Forbidden: ``blocked``: an operator blocked this visitor, until a time.
        """
        wanted = pick_language(lang, "")
        if token is None:
            source = lang_source if wanted else LangSource.DEFAULT
            visitor, started = await self.store.conversations.create_visitor(
                lang=wanted or self.default_lang, page=page, now=self.clock(), lang_source=source
            )
            return VisitorSession(
                self.tokens.issue(visitor.id), visitor, started, True, self._welcome(started)
            )
        visitor_id = self.tokens.verify(token)
        found = await self.store.conversations.get_visitor(visitor_id)
        current = await self.store.conversations.current_conversation(visitor_id)
        if found is None or current is None:
            raise InvalidToken("this visitor is unknown (forgotten, or another desk's token)")
        if found.blocked_at(self.clock()):
            assert found.blocked_until is not None
            until = format_ts(found.blocked_until)
            raise Forbidden(f"this chat is closed to you until {until}", code="blocked")
        conversation = current
        lang, source = conversation.lang, conversation.lang_source
        # The page's language and the visitor's own choice are what this connection says
        # explicitly; the browser's languages only replace a weaker guess.
        explicit = lang_source in (LangSource.SITE, LangSource.VISITOR)
        if wanted and (explicit or lang_source.rank >= source.rank):
            lang, source = wanted, lang_source
        page = page or conversation.page
        if (lang, source, page) != (conversation.lang, conversation.lang_source, conversation.page):
            await self.store.conversations.note_visit(
                conversation.id, lang=lang, page=page, lang_source=source
            )
            conversation = msgspec.structs.replace(
                conversation, lang=lang, lang_source=source, page=page
            )
        return VisitorSession(token, found, conversation, False, self._welcome(conversation))

    async def visitor_chose_language(
        self, conversation_id: str, lang: str
    ) -> tuple[Conversation, list[Event]]:
        """The visitor picked the conversation's language in the widget: it holds from now
        on (system lines, the bot, the ticket), and every tab switches to it.

        :raises InvalidPayload: for a language the desk does not speak.
        """
        chosen = pick_language(lang, "")
        if not chosen:
            raise InvalidPayload(f"`lang` must be one of: {', '.join(LANGUAGES)}")
        conversation = await self._conversation(conversation_id)
        return await self._switch_language(conversation, chosen, LangSource.VISITOR)

    async def _switch_language(
        self, conversation: Conversation, lang: str, source: LangSource
    ) -> tuple[Conversation, list[Event]]:
        changed = lang != conversation.lang
        await self.store.conversations.note_visit(
            conversation.id, lang=lang, page=conversation.page, lang_source=source
        )
        conversation = msgspec.structs.replace(conversation, lang=lang, lang_source=source)
        if not changed:
            return conversation, []
        return conversation, [LanguageChanged(conversation.id, lang, self._welcome(conversation))]

    async def visitor_said(
        self, conversation_id: str, *, client_id: str, text: str
    ) -> tuple[Message, list[Event], bool]:
        """Store a visitor's message (or find its earlier copy).

        :returns: the message, the events to publish, and whether :meth:`respond` has work
            to do for it (a retry, or a bot conversation without a bot, has none).
        """
        draft = MessageDraft(
            author=Author.VISITOR,
            text=clean_text(text, self.max_message_length),
            client_id=client_id,
            ts=self.clock(),
        )
        message, created, conversation = await self.store.conversations.append_and_read(
            conversation_id, draft
        )
        if not created:
            return message, [], False
        return message, [MessagePosted(message)], self._has_follow_up(conversation)

    async def visitor_chose(
        self, conversation_id: str, *, entry_id: str, client_id: str | None
    ) -> tuple[Message, list[Event]]:
        """Store the visitor picking a suggestion, quick reply or starter (as their message,
        the choice's title, with ``choice`` = the entry id); the responder answers it."""
        conversation = await self._conversation(conversation_id)
        title = self.responder.title(entry_id, conversation.lang) if self.responder else None
        if title is None:
            raise NotFound(f"there is no entry {entry_id!r} to choose", code="unknown_entry")
        draft = MessageDraft(
            author=Author.VISITOR,
            text=title,
            client_id=client_id,
            extra={"choice": entry_id},
            ts=self.clock(),
        )
        message, created = await self.store.conversations.append_message(conversation_id, draft)
        if not created:
            return message, []
        await self.store.feedback.record_choice(conversation_id, message.id, entry_id, self.clock())
        return message, [MessagePosted(message)]

    async def visitor_forgot(self, visitor_id: str) -> None:
        """Delete the visitor and everything of theirs ("Forget me")."""
        await self.store.conversations.delete_visitor(visitor_id)

    async def visitor_rated(self, conversation_id: str, *, message_id: str, useful: bool) -> None:
        """Store the visitor's rating of a bot answer of their own conversation."""
        await self.store.feedback.record_feedback(
            conversation_id, message_id, useful=useful, now=self.clock()
        )

    async def respond(self, message: Message) -> list[Event]:
        """Let the responder answer ``message``; store its replies and return the events.

        This is the seam where the bot plugs in. It runs after the visitor's message
        was acknowledged, so a slow answer never delays the ack. Once the conversation
        is escalated the responder is not asked again. Every visitor message is answered
        once and in order, whichever process runs this: the replies are stored with a
        compare-and-set on the conversation's ``answered_seq`` (visitor messages not yet
        answered, e.g. after a crash, are answered first).
        """
        if message.author is not Author.VISITOR:
            return []
        # In-process, one reply at a time per conversation (no compare-and-set conflicts).
        async with self._reply_locks.hold(message.conversation_id):
            for _ in range(_REPLY_ATTEMPTS):
                events = await self._respond(message)
                if events is not None:
                    return events
        log.warning("gave up answering %s: other processes kept answering", message.id)
        return []

    async def _respond(self, message: Message) -> list[Event] | None:
        """Answer the visitor messages up to ``message``; None if another process did
        meanwhile (the caller tries again from where it got)."""
        conversation = await self._conversation(message.conversation_id)
        if conversation.answered_seq >= message.seq and conversation.mode not in PEOPLE_MODES:
            return []
        events: list[Event] = []
        if self.handover is not None and conversation.mode is not Mode.BOT:
            handed, now = await self.handover.visitor_wrote(conversation)
            events += handed
            if now is None:
                raise NotFound("no such conversation")
            conversation = now
        if self.responder is not None and conversation.lang_source.rank < LangSource.VISITOR.rank:
            # Neither the page nor the visitor chose the language: follow what they write.
            detected = self.responder.detect_language(message.text)
            if detected and detected != conversation.lang:
                conversation, switched = await self._switch_language(
                    conversation, detected, LangSource.DETECTED
                )
                events += switched
        drafts: list[MessageDraft] = []
        misses: list[bool] = []
        after: list[Event] = []
        if self.responder is not None and conversation.mode is Mode.BOT:
            for pending in await self._unanswered(conversation, message):
                for item in await self.responder.respond(conversation, pending):
                    if isinstance(item, MessageDraft):
                        drafts.append(item)
                    elif isinstance(item, BotMiss):
                        misses.append(item.missed)
                    elif isinstance(item, ConversationEscalated) and item.trigger_seq is None:
                        after.append(dataclasses.replace(item, trigger_seq=pending.seq))
                    else:
                        after.append(item)
                if any(isinstance(e, ConversationEscalated) for e in after):
                    break  # from now on people answer
        if conversation.answered_seq >= message.seq and not (drafts or misses or after):
            # People have the conversation: its messages count as answered once stored
            # (ConversationStore.append_message), so there is nothing to write.
            return events
        stored = await self.store.conversations.append_replies(
            conversation.id,
            drafts,
            answered_from=conversation.answered_seq,
            answered_to=message.seq,
            misses=misses,
        )
        if stored is None:
            return None
        events += [MessagePosted(m) for m in stored]
        for item in after:
            events += await self._after_reply(conversation, item)
        return events

    async def _after_reply(self, conversation: Conversation, item: Event) -> list[Event]:
        if not isinstance(item, ConversationEscalated):
            return [item]
        if self.handover is not None:
            return await self.handover.escalate(item)
        # Without people behind the desk the ticket can only wait. Compare-and-set:
        # exactly one escalation even if two replies race.
        if await self.store.conversations.set_mode(conversation.id, Mode.WAITING, expect=Mode.BOT):
            return [item]
        return []

    async def _unanswered(self, conversation: Conversation, last: Message) -> list[Message]:
        """Return the visitor messages not yet answered, up to ``last``."""
        if conversation.answered_seq == last.seq - 1:
            return [last]  # the usual case: only the message at hand (no read)
        messages, _ = await self.store.conversations.list_messages(
            conversation.id, since=conversation.answered_seq, limit=MAX_PAGE
        )
        return [m for m in messages if m.author is Author.VISITOR and m.seq <= last.seq]

    async def history(
        self, conversation_id: str, *, since: int, limit: int
    ) -> tuple[list[Message], bool]:
        """Return messages after ``since`` (in order) and whether more follow."""
        return await self.store.conversations.list_messages(
            conversation_id, since=min(since, MAX_SEQ), limit=limit
        )

    def visitor_typing(self, conversation_id: str, on: bool) -> list[Event]:
        """Return the event telling the other side the visitor is (not) typing."""
        return [TypingChanged(conversation_id, Author.VISITOR, on)]

    def _has_follow_up(self, conversation: Conversation) -> bool:
        if conversation.mode is Mode.BOT:
            return self.responder is not None
        return self.handover is not None

    def bot_name(self, conversation: Conversation) -> str:
        """Return the bot's name in the conversation's language ("" without a bot)."""
        welcome = self.responder.welcome(conversation) if self.responder is not None else None
        return str(welcome.get("name", "")) if welcome else ""

    def welcome(self, conversation: Conversation) -> dict[str, Any] | None:
        """Return the bot's welcome (name, greeting, starters) in the conversation's
        language, or None when the bot does not have the conversation."""
        return self._welcome(conversation)

    def _welcome(self, conversation: Conversation) -> dict[str, Any] | None:
        if self.responder is None or conversation.mode is not Mode.BOT:
            return None
        return self.responder.welcome(conversation)

    async def _conversation(self, conversation_id: str) -> Conversation:
        conversation = await self.store.conversations.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        return conversation
