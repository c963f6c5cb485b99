"""A knowledge entry: its questions and answer per language, and where it escalates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Entry", "Escalation", "LangBlock"]


@dataclass(frozen=True, slots=True)
class LangBlock:
    """An entry in one language: questions (the first is the title) and the answer."""

    questions: tuple[str, ...]
    answer: str


@dataclass(frozen=True, slots=True)
class Escalation:
    """Where an entry that must go to a person is sent."""

    department: str
    priority: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One knowledge entry."""

    id: str
    langs: Mapping[str, LangBlock]
    tags: tuple[str, ...] = ()
    department: str = ""
    follow_ups: tuple[str, ...] = ()
    escalate: Escalation | None = None
    source: str = ""

    def title(self, lang: str) -> str:
        """Return the entry's title in ``lang`` (or any language it has)."""
        block = self.langs.get(lang) or next(iter(self.langs.values()))
        return block.questions[0]

    def block(self, lang: str) -> LangBlock:
        """Return the entry in ``lang``, else in the first language it has."""
        return self.langs[self.answer_lang(lang)]

    def answer_lang(self, lang: str) -> str:
        """Return ``lang`` if the entry is written in it, else its first language."""
        return lang if lang in self.langs else next(iter(self.langs))
