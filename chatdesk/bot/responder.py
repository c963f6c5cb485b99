"""The FAQ bot as the conversation's :class:`~chatdesk.conversation.Responder`."""

from __future__ import annotations

import asyncio
import functools
import html
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from ..events import ConversationEscalated, Event
from ..models import Author, BotMiss, Conversation, Message, MessageDraft, utcnow
from ..threadprio import BACKGROUND_NICENESS, lower_this_thread
from .botfile import LANGUAGE_NAMES
from .brain import Bot
from .knowledge import Entry
from .library import KnowledgeLibrary
from .markdown import render_answer
from .policy import Decision, Kind

__all__ = ["BotResponder"]

#: How much lower than the event loop's the bot threads' priority is (Linux niceness).
BOT_NICENESS = BACKGROUND_NICENESS


class BotResponder:
    """Answer, suggest, admit ignorance or escalate, from the library's current bot.

    :param library: holds the current bot (hot-reloaded).
    :param default_department: where a plain "I want a person" goes.
    """

    def __init__(
        self,
        library: KnowledgeLibrary,
        *,
        default_department: str = "general",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.library = library
        self.default_department = default_department
        self.clock = clock
        #: How many decisions of each kind (answer, suggest...) this process made.
        self.decisions: Counter[str] = Counter()
        # The bot's own worker threads, at a lower priority than the event loop: a question
        # costs milliseconds of CPU, and on the loop's CPU that must not delay every other
        # connection's acks (bench/README.md, "Bot cost per question"). Several threads, so
        # that questions arriving together share an encoder call.
        self._threads = ThreadPoolExecutor(
            thread_name_prefix="chatdesk-bot", initializer=lower_this_thread
        )
        weakref.finalize(self, self._threads.shutdown, wait=False)

    async def respond(
        self, conversation: Conversation, message: Message
    ) -> Sequence[MessageDraft | Event | BotMiss]:
        """Return the bot's reply (and an escalation, if any) to ``message``, and whether
        it missed."""
        bot = self.library.current
        if bot is None:
            return []
        choice = message.extra.get("choice")
        if isinstance(choice, str) and bot.entry(choice) is not None:
            lang = conversation.lang
            decision = Decision(Kind.ANSWER, choice, 1.0, reason="chosen")
        else:
            # One language per conversation: the conversation service already followed
            # what the visitor writes when neither the page nor the visitor chose one.
            lang = conversation.lang
            # On a worker thread: embedding the text takes milliseconds of numpy, which
            # must not hold up every other connection's events.
            decision = await asyncio.get_running_loop().run_in_executor(
                self._threads,
                functools.partial(bot.decide, message.text, lang, misses=conversation.bot_misses),
            )
        self.decisions[decision.kind.value] += 1
        reply = self._reply(bot, conversation, decision, lang)
        if decision.kind is not Kind.SMALL_TALK:  # "merci" is neither a miss nor a hit
            reply.append(BotMiss(decision.is_miss))
        return reply

    def welcome(self, conversation: Conversation) -> dict[str, Any] | None:
        """Return the bot's name, greeting and starter questions in the conversation's
        language (sent in ``session``; not stored)."""
        bot = self.library.current
        if bot is None:
            return None
        texts = bot.knowledge.bot.text(conversation.lang)
        return {
            "name": texts.name,
            "greeting": texts.greeting,
            "starters": _choices(bot, texts.starters, conversation.lang),
        }

    def title(self, entry_id: str, lang: str) -> str | None:
        """Return the title of ``entry_id`` in ``lang``, or None if there is no such entry."""
        bot = self.library.current
        entry = bot.entry(entry_id) if bot is not None else None
        return entry.title(lang) if entry is not None else None

    def detect_language(self, text: str) -> str | None:
        """Return the language ``text`` is written in, when the bot is confident."""
        bot = self.library.current
        return bot.detect_language(text) if bot is not None else None

    def _reply(
        self, bot: Bot, conversation: Conversation, decision: Decision, lang: str
    ) -> list[MessageDraft | Event | BotMiss]:
        texts = bot.knowledge.bot.text(lang)
        base: dict[str, Any] = {
            "lang": lang,
            "feedback": None,
            "entry_id": None,
            "confidence": None,
            "suggestions": [],
            "follow_ups": [],
            "offer_person": decision.offer_person,
        }
        if decision.entry_id is not None and decision.kind in (Kind.ANSWER, Kind.ESCALATE):
            entry = bot.knowledge.entries[decision.entry_id]
            reply: list[MessageDraft | Event | BotMiss] = [
                self._answer(bot, entry, decision, lang, base)
            ]
            if entry.escalate is not None:
                reply.append(
                    ConversationEscalated(
                        conversation.id,
                        "entry",
                        entry.escalate.department,
                        entry.escalate.priority,
                        entry.id,
                    )
                )
            return reply
        if decision.kind is Kind.ESCALATE:
            return [
                _draft(texts.escalated, base, kind="escalated", offer_person=False),
                ConversationEscalated(
                    conversation.id, decision.reason, self.default_department, "normal"
                ),
            ]
        if decision.kind is Kind.SMALL_TALK:
            words = bot.small_talk.reply(decision.reason, decision.lang)
            return [
                _draft(
                    words, {**base, "lang": decision.lang}, kind="small_talk", offer_person=False
                )
            ]
        if decision.kind is Kind.SUGGEST:
            suggestions = [
                {
                    "entry_id": c.entry_id,
                    "title": bot.knowledge.entries[c.entry_id].title(lang),
                    "confidence": round(c.confidence, 3),
                }
                for c in decision.suggestions
            ]
            return [
                _draft(
                    texts.did_you_mean,
                    base,
                    kind="suggest",
                    suggestions=suggestions,
                    confidence=round(decision.confidence, 3),
                )
            ]
        return [
            _draft(
                texts.no_answer,
                base,
                kind="no_answer",
                offer_person=True,
                confidence=round(decision.confidence, 3),
            )
        ]

    def _answer(
        self, bot: Bot, entry: Entry, decision: Decision, lang: str, base: dict[str, Any]
    ) -> MessageDraft:
        answer_lang = entry.answer_lang(lang)
        answer = entry.langs[answer_lang].answer
        text, html_text, note = answer, render_answer(answer), None
        if answer_lang != lang:
            # Written in another language only: say so in the visitor's, then the answer.
            note = bot.knowledge.bot.text(lang).other_language.format(
                language=LANGUAGE_NAMES[lang][answer_lang]
            )
            text = f"{note}\n\n{answer}"
            html_text = f"<p><em>{html.escape(note)}</em></p>{html_text}"
        return MessageDraft(
            author=Author.BOT,
            text=text,
            ts=self.clock(),
            extra={
                **base,
                "kind": "answer",
                "entry_id": entry.id,
                "answer_lang": answer_lang,
                "note": note,
                "confidence": round(decision.confidence, 3),
                "follow_ups": _choices(bot, entry.follow_ups, lang),
                "html": html_text,
                # The longer article on the help centre ("Read more"), when there is one.
                **({"article_url": url} if (url := entry.article_path(answer_lang)) else {}),
            },
        )


def _choices(bot: Bot, entry_ids: Sequence[str], lang: str) -> list[dict[str, str]]:
    return [
        {"entry_id": entry_id, "title": entry.title(lang)}
        for entry_id in entry_ids
        if (entry := bot.entry(entry_id)) is not None
    ]


def _draft(text: str, base: dict[str, Any], **extra: Any) -> MessageDraft:
    return MessageDraft(
        author=Author.BOT,
        text=text,
        extra={**base, **extra, "html": f"<p>{html.escape(text)}</p>"},
    )
