"""A knowledge entry: its questions and answer per language, and where it escalates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["HELP_PATH", "Entry", "Escalation", "LangBlock", "Topic"]

#: Where the help centre publishes the public entries (``/help/<lang>/<entry-id>``).
HELP_PATH = "/help"


@dataclass(frozen=True, slots=True)
class LangBlock:
    """An entry in one language: questions (the first is the title), the answer, and
    optionally a longer article (Markdown read from its file) with the images it shows."""

    questions: tuple[str, ...]
    answer: str
    article: str = ""
    #: The article's images, as paths under the knowledge directory (``media/x.png``).
    images: tuple[str, ...] = ()


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
    #: Shown in the help centre (False: the bot's only).
    public: bool = True
    #: The topic (file stem) the entry was read from.
    topic: str = ""

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

    def page_path(self, lang: str) -> str:
        """Return the path of the entry's help-centre page in ``lang``."""
        return f"{HELP_PATH}/{lang}/{self.id}"

    def article_path(self, lang: str) -> str | None:
        """Return the path of the page with the entry's article in ``lang``, or None (not
        public, or no article in that language)."""
        block = self.langs.get(lang)
        return self.page_path(lang) if self.public and block and block.article else None


@dataclass(frozen=True, slots=True)
class Topic:
    """A knowledge file: its slug (file stem), its title per language, its entries in order."""

    slug: str
    titles: Mapping[str, str]
    entry_ids: tuple[str, ...]

    def title(self, lang: str) -> str:
        """Return the topic's title in ``lang`` (else any language it has, else its slug)."""
        return self.titles.get(lang) or next(iter(self.titles.values()), self.slug)
