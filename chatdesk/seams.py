"""The seams of a conversation: who answers a visitor (Responder), where an escalated
conversation goes (Handover), and one-at-a-time work per conversation."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

from .events import ConversationEscalated, Event
from .models import BotMiss, Conversation, Message, MessageDraft

__all__ = ["Handover", "KeyedLocks", "Responder"]


class Responder(Protocol):
    """Something that may answer a visitor's message (the FAQ bot is one).

    Usage::

        class Echo:
            async def respond(self, conversation, message):
                return [MessageDraft(author=Author.BOT, text=message.text)]
    """

    async def respond(
        self, conversation: Conversation, message: Message
    ) -> Sequence[MessageDraft | Event | BotMiss]:
        """Return messages to post (in order) and events to publish for ``message``, and
        optionally a :class:`~chatdesk.models.BotMiss` (counts the misses in a row).

        :param conversation: the conversation (its ``mode`` is ``bot``).
        :param message: the visitor's message, already stored.
        """
        ...

    def welcome(self, conversation: Conversation) -> dict[str, Any] | None:
        """Return what to show a visitor opening the chat (name, greeting, starters)."""
        ...

    def title(self, entry_id: str, lang: str) -> str | None:
        """Return the title of a choice the visitor may pick, or None if unknown."""
        ...

    def detect_language(self, text: str) -> str | None:
        """Return the language ``text`` is written in, or None unless confident."""
        ...


class Handover(Protocol):
    """Where escalated conversations go (the escalation service implements it)."""

    async def escalate(self, event: ConversationEscalated) -> list[Event]:
        """Hand the conversation to people; return [] if it already is."""
        ...

    async def visitor_wrote(
        self, conversation: Conversation
    ) -> tuple[list[Event], Conversation | None]:
        """React to a visitor message in a conversation that is not (only) the bot's;
        return the events and the conversation as it is now (None: gone)."""
        ...


class KeyedLocks:
    """One asyncio lock per key, forgotten when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
