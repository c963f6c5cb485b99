"""The bot at one moment: knowledge plus the models trained on it, deciding per message."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import LANGUAGES
from .botfile import PolicyConfig
from .embeddings import Embedder
from .human import HumanRequest
from .knowledge import Entry, Knowledge
from .language import LanguageGuesser
from .matcher import Calibration, Candidate, FaqMatcher, Matcher
from .policy import Decision, Kind, decide
from .smalltalk import SmallTalk

__all__ = ["Bot"]


@dataclass(frozen=True, slots=True)
class Bot:
    """An immutable snapshot; hot reload builds a new one and swaps it in whole."""

    knowledge: Knowledge
    matcher: Matcher
    languages: LanguageGuesser
    human: HumanRequest
    small_talk: SmallTalk
    build_seconds: float = 0.0

    @classmethod
    def build(
        cls,
        knowledge: Knowledge,
        *,
        embedder: Embedder | None = None,
        semantic: bool | None = None,
        calibration: Calibration | None = None,
    ) -> Bot:
        """Train every model on ``knowledge`` (CPU-bound: run it off the event loop).

        :param embedder: sentence embeddings (default: the shared encoder, no cache).
        :param semantic: fuse embeddings in (default: ``matcher.semantic`` of _bot.yaml).
        """
        started = time.perf_counter()
        config = knowledge.bot.matcher
        if semantic is None:
            semantic = config.semantic
        matcher = FaqMatcher.build(
            knowledge,
            embedder=(embedder or Embedder()) if semantic else None,
            calibration=calibration,
            weight=config.embedding_weight,
        )
        samples: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
        for entry in knowledge.entries.values():
            for lang, block in entry.langs.items():
                samples[lang].extend((*block.questions, block.answer))
        texts = knowledge.bot.texts
        phrases = [p for block in texts.values() for p in block.human_phrases]
        names = {block.name for block in texts.values()}
        return cls(
            knowledge,
            matcher,
            LanguageGuesser(samples),
            HumanRequest(phrases),
            SmallTalk(texts, names),
            time.perf_counter() - started,
        )

    def entry(self, entry_id: str) -> Entry | None:
        """Return an entry by id, or None."""
        return self.knowledge.entries.get(entry_id)

    def language(self, text: str, conversation_lang: str) -> str:
        """Return the language to answer ``text`` in: its own when detected with
        confidence (:meth:`detect_language`), else the conversation's."""
        return self.languages.guess(text, conversation_lang)

    def detect_language(self, text: str) -> str | None:
        """Return the language ``text`` is written in (fr, nl or en), or None when unsure.

        Confident means at least three words, a probability of at least 0.95 from a
        character n-gram model trained on the knowledge and on everyday sentences of each
        language, and, from six words on, both halves of the text agreeing (mixed texts
        get None). "merci", "ok" or "VPS?" are too short to tell.
        """
        return self.languages.detect(text)

    def decide(self, text: str, lang: str, *, misses: int = 0) -> Decision:
        """Decide what to do with ``text`` (already known to be in ``lang``)."""
        if self.human(text):
            return Decision(Kind.ESCALATE, reason="visitor_request")
        small_talk = self.small_talk.match(text, lang)
        if small_talk is not None:
            kind, reply_lang = small_talk
            return Decision(Kind.SMALL_TALK, reason=kind, lang=reply_lang)
        candidates = self.matcher.rank(text, lang, k=5)
        return self.apply_policy(candidates, self.knowledge.bot.policy, misses=misses)

    def apply_policy(
        self, candidates: Sequence[Candidate], policy: PolicyConfig, *, misses: int = 0
    ) -> Decision:
        """Return the decision ``policy`` takes on ranked ``candidates``."""
        decision = decide(candidates, policy, misses=misses)
        if decision.kind is Kind.ANSWER and decision.entry_id is not None:
            entry = self.knowledge.entries[decision.entry_id]
            if entry.escalate is not None:
                return dataclasses.replace(decision, kind=Kind.ESCALATE, reason="entry")
        return decision
