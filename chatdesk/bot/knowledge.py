"""Knowledge: entries loaded and validated from ``knowledge/*.yaml`` (see docs/knowledge.md)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from ..config import LANGUAGES
from ..deskconfig import PRIORITIES
from ..errors import ChatdeskError
from .botfile import BOT_FILE, BotConfig, load_bot_config
from .normalize import normalize
from .yamlsource import Problem, Problems, YList, YMap, load_yaml

__all__ = [
    "PRIORITIES",
    "TESTS_FILE",
    "Entry",
    "Escalation",
    "Knowledge",
    "KnowledgeError",
    "LangBlock",
    "load_knowledge",
]

TESTS_FILE = "tests.yaml"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ENTRY_KEYS = {"id", "tags", "department", "follow_ups", "escalate", *LANGUAGES}
#: Questions this similar (rapidfuzz token-sort ratio) across entries draw a warning.
_NEAR_DUPLICATE = 92.0


@dataclass(slots=True)
class _Questions:
    """Every question read so far, per language, to find duplicates across entries."""

    problems: Problems
    seen: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    by_lang: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def add(self, lang: str, question: str, entry_id: str, where: str) -> None:
        key = normalize(question)
        owner = self.seen.get((lang, key))
        path, _, line = where.rpartition(":")
        if owner is not None and owner[0] != entry_id:
            self.problems.error(
                path,
                int(line),
                f"question {question!r} ({lang}) is also in "
                f"entry `{owner[0]}` ({owner[1]}): the bot could not tell them apart",
            )
            return
        self.seen.setdefault((lang, key), (entry_id, where))
        self.by_lang.setdefault(lang, []).append((key, entry_id, where))


class KnowledgeError(ChatdeskError):
    """The knowledge has errors; ``problems`` lists each as ``file:line: message``."""

    code = "knowledge_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if not p.warning]
        super().__init__("\n".join(str(p) for p in errors) or "invalid knowledge")
        self.problems = problems


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


@dataclass(frozen=True, slots=True)
class Knowledge:
    """A complete, validated knowledge base; immutable so it can be swapped atomically."""

    entries: Mapping[str, Entry]
    bot: BotConfig = field(default_factory=BotConfig)
    warnings: tuple[Problem, ...] = ()
    version: str = ""

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
    questions = _Questions(problems)
    digest = hashlib.sha256()
    for path in knowledge_files(directory):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        for entry in _read_entry_file(path, problems, entries, questions):
            entries[entry.id] = entry
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
    return Knowledge(entries, bot, tuple(problems.warnings), digest.hexdigest()[:16])


def _read_entry_file(
    path: Path, problems: Problems, seen: Mapping[str, Entry], questions: _Questions
) -> list[Entry]:
    name = str(path)
    data = load_yaml(path, problems)
    if data is None:
        if not problems.errors or problems.errors[-1].path != name:
            problems.error(name, 1, "the file is empty; expected `entries:`")
        return []
    if not isinstance(data, YMap):
        problems.error(name, 1, "expected a mapping with `entries:` (and optionally `topic:`)")
        return []
    for key in data:
        if key not in ("topic", "entries"):
            problems.error(
                name, data.lines[key], f"unknown key `{key}` (expected `topic`, `entries`)"
            )
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, YList):
        problems.error(name, data.lines.get("entries", data.line), "`entries` must be a list")
        return []
    result: list[Entry] = []
    local: dict[str, int] = {}
    for item, line in zip(raw_entries, raw_entries.lines, strict=True):
        entry = _read_entry(item, line, name, problems, questions)
        if entry is None:
            continue
        where = seen.get(entry.id)
        if where is not None or entry.id in local:
            first = where.source if where is not None else f"{name}:{local[entry.id]}"
            problems.error(name, line, f"duplicate id `{entry.id}` (also at {first})")
            continue
        local[entry.id] = line
        result.append(entry)
    return result


def _read_entry(
    item: Any, line: int, name: str, problems: Problems, questions: _Questions
) -> Entry | None:
    if not isinstance(item, YMap):
        problems.error(name, line, "each entry must be a mapping with an `id`")
        return None
    ok = True
    for key in item:
        if key not in _ENTRY_KEYS:
            hint = ", ".join(sorted(_ENTRY_KEYS))
            problems.error(name, item.lines[key], f"unknown key `{key}` (expected one of: {hint})")
            ok = False
    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not _SLUG.match(entry_id):
        problems.error(
            name,
            item.lines.get("id", item.line),
            "`id` must be a slug: lowercase letters, digits and dashes",
        )
        return None
    langs = {}
    for lang in LANGUAGES:
        if lang in item:
            block = _read_block(
                item[lang], item.lines[lang], name, entry_id, lang, problems, questions
            )
            ok = ok and block is not None
            if block is not None:
                langs[lang] = block
    if not any(lang in item for lang in LANGUAGES):
        problems.error(name, item.line, f"entry `{entry_id}` has no language (fr, nl or en)")
        return None
    for lang in LANGUAGES:
        if lang not in item:
            problems.warn(name, item.line, f"entry `{entry_id}` has no `{lang}` version")
    tags = _str_list(item, "tags", name, problems)
    follow_ups = _str_list(item, "follow_ups", name, problems)
    department = item.get("department", "")
    if not isinstance(department, str) or (department and not _SLUG.match(department)):
        problems.error(
            name,
            item.lines.get("department", item.line),
            "`department` must be a slug such as `billing`",
        )
        ok = False
    escalate, escalate_ok = _read_escalation(item, name, problems)
    if not ok or tags is None or follow_ups is None or not escalate_ok:
        return None
    return Entry(
        id=entry_id,
        langs=langs,
        tags=tuple(tags),
        department=department,
        follow_ups=tuple(follow_ups),
        escalate=escalate,
        source=f"{name}:{line}",
    )


def _read_block(
    data: Any,
    line: int,
    name: str,
    entry_id: str,
    lang: str,
    problems: Problems,
    registry: _Questions,
) -> LangBlock | None:
    where = f"entry `{entry_id}` ({lang})"
    if not isinstance(data, YMap):
        problems.error(name, line, f"{where} must have `questions` and `answer`")
        return None
    for key in data:
        if key not in ("questions", "answer"):
            problems.error(
                name,
                data.lines[key],
                f"unknown key `{key}` in {where} (expected `questions`, `answer`)",
            )
            return None
    questions = data.get("questions")
    if not isinstance(questions, YList) or not questions:
        problems.error(
            name, data.lines.get("questions", line), f"{where} needs `questions`: a non-empty list"
        )
        return None
    for question, qline in zip(questions, questions.lines, strict=True):
        if not isinstance(question, str) or not normalize(question):
            problems.error(name, qline, f"{where} has an empty or non-text question")
            return None
    answer = data.get("answer")
    if answer is None:
        problems.error(name, line, f"{where} has questions but no `answer` in {lang}")
        return None
    if not isinstance(answer, str) or not answer.strip():
        problems.error(name, data.lines["answer"], f"{where}: `answer` must be non-empty text")
        return None
    for question, qline in zip(questions, questions.lines, strict=True):
        registry.add(lang, question, entry_id, f"{name}:{qline}")
    return LangBlock(tuple(q.strip() for q in questions), answer.strip())


def _str_list(item: YMap, key: str, name: str, problems: Problems) -> list[str] | None:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.error(name, item.lines.get(key, item.line), f"`{key}` must be a list of words")
        return None
    return list(value)


def _read_escalation(item: YMap, name: str, problems: Problems) -> tuple[Escalation | None, bool]:
    """Return (escalation or None, whether it was valid)."""
    data = item.get("escalate")
    if data is None:
        return None, True
    line = item.lines["escalate"]
    if not isinstance(data, YMap) or set(data) - {"department", "priority"}:
        problems.error(name, line, "`escalate` must be `{department: ..., priority: ...}`")
        return None, False
    department = data.get("department", item.get("department") or "general")
    priority = data.get("priority", "normal")
    if not isinstance(department, str) or not _SLUG.match(department):
        problems.error(name, line, "`escalate.department` must be a slug such as `billing`")
        return None, False
    if priority not in PRIORITIES:
        problems.error(name, line, f"`escalate.priority` must be one of: {', '.join(PRIORITIES)}")
        return None, False
    return Escalation(department, priority), True


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
