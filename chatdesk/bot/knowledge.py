"""Knowledge: entries loaded and validated from ``knowledge/*.yaml`` (see docs/knowledge.md)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from ..config import LANGUAGES
from ..deskconfig import PRIORITIES
from ..errors import ChatdeskError
from .botfile import BOT_FILE, BotConfig, load_bot_config
from .entries import Entry, Escalation, LangBlock, Topic
from .entryfile import Questions, read_entry_file
from .yamlsource import Problem, Problems

__all__ = [
    "PRIORITIES",
    "TESTS_FILE",
    "Entry",
    "Escalation",
    "Knowledge",
    "KnowledgeError",
    "LangBlock",
    "Topic",
    "load_knowledge",
]

TESTS_FILE = "tests.yaml"
#: Questions this similar (rapidfuzz token-sort ratio) across entries draw a warning.
_NEAR_DUPLICATE = 92.0


class KnowledgeError(ChatdeskError):
    """The knowledge has errors; ``problems`` lists each as ``file:line: message``."""

    code = "knowledge_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if not p.warning]
        super().__init__("\n".join(str(p) for p in errors) or "invalid knowledge")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Knowledge:
    """A complete, validated knowledge base; immutable so it can be swapped atomically."""

    entries: Mapping[str, Entry]
    bot: BotConfig = field(default_factory=BotConfig)
    warnings: tuple[Problem, ...] = ()
    version: str = ""
    #: The entry files, in order (the help centre groups entries by them).
    topics: tuple[Topic, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the languages any entry is written in, in :data:`LANGUAGES` order."""
        used = {lang for entry in self.entries.values() for lang in entry.langs}
        return tuple(lang for lang in LANGUAGES if lang in used) or LANGUAGES

    @classmethod
    def from_questions(
        cls, rows: Iterable[tuple[str, str, str]], bot: BotConfig | None = None
    ) -> Knowledge:
        """Build knowledge from ``(entry_id, lang, question)`` rows (for evaluation data).

        Answers are empty: such knowledge is for measuring the matcher.
        """
        grouped: dict[str, dict[str, list[str]]] = {}
        for entry_id, lang, question in rows:
            grouped.setdefault(entry_id, {}).setdefault(lang, []).append(question)
        entries = {
            entry_id: Entry(
                id=entry_id,
                langs={lang: LangBlock(tuple(qs), "") for lang, qs in langs.items()},
            )
            for entry_id, langs in grouped.items()
        }
        return cls(entries=entries, bot=bot or BotConfig(), version=_digest(repr(grouped)))


def knowledge_files(directory: Path) -> list[Path]:
    """Return the entry files of a knowledge directory, sorted."""
    return sorted(
        p
        for p in directory.iterdir()
        if p.suffix in (".yaml", ".yml")
        and p.name not in (BOT_FILE, TESTS_FILE)
        and not p.name.startswith(".")
    )


def load_knowledge(directory: Path) -> Knowledge:
    """Load and validate every file of ``directory``.

    :raises KnowledgeError: listing every error (and the warnings) as ``file:line``.
    """
    problems = Problems()
    if not directory.is_dir():
        problems.error(str(directory), 0, "the knowledge directory does not exist")
        raise KnowledgeError(problems.items)
    entries: dict[str, Entry] = {}
    topics: list[Topic] = []
    questions = Questions(problems)
    digest = hashlib.sha256()
    for path in knowledge_files(directory):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        topic, read = read_entry_file(path, problems, entries, questions)
        for entry in read:
            entries[entry.id] = entry
            for block in entry.langs.values():
                # An edited article is a new version too (hot reload swaps it in).
                digest.update(block.article.encode() + b"\0")
        if topic is not None:
            topics.append(topic)
    # After an entry failed to load, "unknown id" errors would only be noise.
    complete = not problems.errors
    bot_path = directory / BOT_FILE
    if bot_path.exists():
        digest.update(bot_path.read_bytes())
    bot = load_bot_config(bot_path, problems, known_ids=entries.keys() if complete else None)
    if complete:
        _check_references(entries, problems)
    for lang, items in questions.by_lang.items():
        _near_duplicates(items, lang, problems)
    if not entries and not problems.errors:
        problems.error(str(directory), 0, "no knowledge entries found (knowledge/*.yaml)")
    if problems.errors:
        raise KnowledgeError(problems.items)
    return Knowledge(entries, bot, tuple(problems.warnings), digest.hexdigest()[:16], tuple(topics))


def _check_references(entries: Mapping[str, Entry], problems: Problems) -> None:
    for entry in entries.values():
        path, _, line = entry.source.rpartition(":")
        for follow_up in entry.follow_ups:
            if follow_up not in entries:
                problems.error(
                    path, int(line), f"entry `{entry.id}` follows up with unknown id `{follow_up}`"
                )


def _near_duplicates(items: list[tuple[str, str, str]], lang: str, problems: Problems) -> None:
    if len(items) < 2 or len(items) > 5000:
        return  # beyond a few thousand questions this check costs more than it tells
    texts = [text for text, _, _ in items]
    scores = process.cdist(
        texts, texts, scorer=fuzz.token_sort_ratio, score_cutoff=_NEAR_DUPLICATE, workers=1
    )
    reported: set[tuple[str, str]] = set()
    for i, j in zip(*scores.nonzero(), strict=True):
        (a_text, a, where), (b_text, b, other) = items[i], items[j]
        if a >= b or a_text == b_text or (a, b) in reported:
            continue
        reported.add((a, b))
        path, _, line = where.rpartition(":")
        problems.warn(
            path,
            int(line),
            f"entry `{a}` has a question close to one of `{b}` "
            f"({lang}: {a_text!r} ~ {b_text!r} at {other}); the bot may hesitate",
        )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
