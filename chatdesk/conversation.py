"""ConversationService: the rules of a visitor conversation, returning domain events."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .config import LANGUAGES
from .errors import InvalidPayload, InvalidToken, NotFound
from .events import Event, MessagePosted, TypingChanged
from .models import Author, Conversation, Message, MessageDraft, Visitor, utcnow
from .store import Store
from .tokens import VisitorTokens

__all__ = [
    "ConversationService",
    "Responder",
    "VisitorSession",
    "clean_text",
    "pick_language",
]

log = logging.getLogger(__name__)

# C0/C1 control characters other than tab and newline have no place in a chat message.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Responder(Protocol):
    """Something that may answer a visitor's message (the FAQ bot is one).

    Usage::

        class Echo:
            async def respond(self, conversation, message):
                return [MessageDraft(author=Author.BOT, text=message.text)]
    """

    async def respond(
        self, conversation: Conversation, message: Message
    ) -> Sequence[MessageDraft | Event]:
        """Return messages to post (in order) and events to publish for ``message``.

        :param conversation: the conversation as stored before ``message``.
        :param message: the visitor's message, already stored.
        """
        ...


@dataclass(frozen=True, slots=True)
class VisitorSession:
    """Who is on a visitor connection, as decided at connect time."""

    token: str
    visitor: Visitor
    conversation: Conversation
    created: bool


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
        max_message_length: int = 4000,
        default_lang: str = "en",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.tokens = tokens
        self.responder = responder
        self.max_message_length = max_message_length
        self.default_lang = default_lang
        self.clock = clock

    async def visitor_connected(
        self, *, token: str | None, lang: str | None, page: str
    ) -> VisitorSession:
        """Return the session for a new connection: a new visitor, or the token's one.

        :raises InvalidToken: when the token is forged or its visitor is unknown.
        """
        if token is None:
            chosen = pick_language(lang, self.default_lang)
            visitor, started = await self.store.create_visitor(
                lang=chosen, page=page, now=self.clock()
            )
            return VisitorSession(self.tokens.issue(visitor.id), visitor, started, True)
        visitor_id = self.tokens.verify(token)
        found = await self.store.get_visitor(visitor_id)
        current = await self.store.current_conversation(visitor_id)
        if found is None or current is None:
            raise InvalidToken("this visitor is unknown (forgotten, or another desk's token)")
        conversation = current
        chosen = pick_language(lang, conversation.lang)
        page = page or conversation.page
        if (chosen, page) != (conversation.lang, conversation.page):
            await self.store.note_visit(conversation.id, lang=chosen, page=page)
            conversation = dataclasses.replace(conversation, lang=chosen, page=page)
        return VisitorSession(token, found, conversation, False)

    async def visitor_said(
        self, conversation_id: str, *, client_id: str, text: str
    ) -> tuple[Message, list[Event]]:
        """Store a visitor's message (or find its earlier copy) and return it with events.

        A retry with a known ``client_id`` returns the original message and no events.
        """
        draft = MessageDraft(
            author=Author.VISITOR,
            text=clean_text(text, self.max_message_length),
            client_id=client_id,
            ts=self.clock(),
        )
        message, created = await self.store.append_message(conversation_id, draft)
        return message, [MessagePosted(message)] if created else []

    async def respond(self, message: Message) -> list[Event]:
        """Let the responder answer ``message``; store its replies and return the events.

        This is the seam where the bot plugs in. It runs after the visitor's message
        was acknowledged, so a slow answer never delays the ack.
        """
        if self.responder is None or message.author is not Author.VISITOR:
            return []
        conversation = await self._conversation(message.conversation_id)
        events: list[Event] = []
        for item in await self.responder.respond(conversation, message):
            if isinstance(item, MessageDraft):
                stored, created = await self.store.append_message(conversation.id, item)
                if created:
                    events.append(MessagePosted(stored))
            else:
                events.append(item)
        return events

    async def history(
        self, conversation_id: str, *, since: int, limit: int
    ) -> tuple[list[Message], bool]:
        """Return messages after ``since`` (in order) and whether more follow."""
        return await self.store.list_messages(conversation_id, since=since, limit=limit)

    def visitor_typing(self, conversation_id: str, on: bool) -> list[Event]:
        """Return the event telling the other side the visitor is (not) typing."""
        return [TypingChanged(conversation_id, Author.VISITOR, on)]

    async def _conversation(self, conversation_id: str) -> Conversation:
        conversation = await self.store.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        return conversation
