"""Read one ``knowledge/<topic>.yaml`` file: msgspec Structs check each entry, ``file:line``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from ..config import LANGUAGES
from ..deskconfig import PRIORITIES
from .articles import ARTICLE_NAME, Article, read_article
from .entries import Entry, Escalation, LangBlock, Topic
from .normalize import normalize
from .schema import validate
from .yamlsource import Problems, YMap, load_yaml

__all__ = ["Questions", "read_entry_file"]

Slug = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Word = Annotated[str, Meta(min_length=1, max_length=80)]
Priority = Literal["urgent", "high", "normal", "low"]
assert set(Priority.__args__) == set(PRIORITIES)  # type: ignore[attr-defined]


class _Block(Struct, forbid_unknown_fields=True):
    questions: Annotated[list[Annotated[str, Meta(max_length=1000)]], Meta(min_length=1)]
    answer: Annotated[str, Meta(pattern=r"\S", max_length=20_000)]
    article: Annotated[str, Meta(pattern=ARTICLE_NAME, max_length=120)] | None = None


class _Escalate(Struct, forbid_unknown_fields=True):
    department: Slug | None = None
    priority: Priority = "normal"


class _Entry(Struct, forbid_unknown_fields=True, kw_only=True):
    id: Slug
    tags: list[Word] = []
    department: Slug | Literal[""] = ""
    follow_ups: list[Word] = []
    escalate: _Escalate | None = None
    public: bool = True
    fr: _Block | None = None
    nl: _Block | None = None
    en: _Block | None = None


Title = Annotated[str, Meta(pattern=r"\S", max_length=200)]


class _Titles(Struct, forbid_unknown_fields=True):
    fr: Title | None = None
    nl: Title | None = None
    en: Title | None = None


class _File(Struct, forbid_unknown_fields=True):
    entries: list[Any]
    topic: Title | _Titles | None = None


@dataclass(slots=True)
class Questions:
    """Every question read so far, per language, to find duplicates across entries."""

    problems: Problems
    seen: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    by_lang: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def add(self, lang: str, question: str, entry_id: str, where: str) -> None:
        """Record a question; report it if another entry has the same (normalised) one."""
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


def read_entry_file(
    path: Path, problems: Problems, seen: Mapping[str, Entry], questions: Questions
) -> tuple[Topic | None, list[Entry]]:
    """Return the topic and valid entries of ``path``; record every problem in ``problems``.

    :param seen: entries of the files read before (duplicate ids across files).
    """
    name = str(path)
    data = load_yaml(path, problems)
    if data is None:
        if not problems.errors or problems.errors[-1].path != name:
            problems.error(name, 1, "the file is empty; expected `entries:`")
        return None, []
    if not isinstance(data, YMap):
        problems.error(name, 1, "expected a mapping with `entries:` (and optionally `topic:`)")
        return None, []
    parsed = validate(data, _File, name=name, line=1, problems=problems, hint=_file_hint)
    if parsed is None:
        return None, []
    raw_entries = data["entries"]
    result: list[Entry] = []
    local: dict[str, int] = {}
    for item, line in zip(raw_entries, raw_entries.lines, strict=True):
        entry = _read_entry(item, line, path, problems, questions)
        if entry is None:
            continue
        where = seen.get(entry.id)
        if where is not None or entry.id in local:
            first = where.source if where is not None else f"{name}:{local[entry.id]}"
            problems.error(name, line, f"duplicate id `{entry.id}` (also at {first})")
            continue
        local[entry.id] = line
        result.append(entry)
    topic = parsed.topic
    if isinstance(topic, _Titles):
        titles = {lang: t.strip() for lang in LANGUAGES if (t := getattr(topic, lang))}
    else:
        titles = {lang: topic.strip() for lang in LANGUAGES} if topic else {}
    return Topic(path.stem, titles, tuple(e.id for e in result)), result


def _read_entry(
    item: Any, line: int, path: Path, problems: Problems, registry: Questions
) -> Entry | None:
    name = str(path)
    if not isinstance(item, YMap):
        problems.error(name, line, "each entry must be a mapping with an `id`")
        return None
    raw_id = item.get("id")
    entry_id = raw_id if isinstance(raw_id, str) else "?"

    def hint(path: tuple[str, ...], message: str) -> str | None:
        return _entry_hint(path, message, entry_id)

    parsed = validate(item, _Entry, name=name, line=line, problems=problems, hint=hint)
    if parsed is None:
        return None
    blocks = {lang: getattr(parsed, lang) for lang in LANGUAGES if getattr(parsed, lang)}
    if not blocks:
        problems.error(name, line, f"entry `{parsed.id}` has no language (fr, nl or en)")
        return None
    langs: dict[str, LangBlock] = {}
    for lang, block in blocks.items():
        lines = item[lang]["questions"].lines
        for question, question_line in zip(block.questions, lines, strict=True):
            if not normalize(question):
                where = f"entry `{parsed.id}` ({lang})"
                problems.error(name, question_line, f"{where} has an empty or non-text question")
                return None
        for question, question_line in zip(block.questions, lines, strict=True):
            registry.add(lang, question, parsed.id, f"{name}:{question_line}")
        article = Article("", ())
        if block.article is not None:
            at = item[lang].lines["article"]
            owner = f"entry `{parsed.id}` ({lang})"
            found = read_article(
                path.parent, block.article, problems, where=(name, at), owner=owner
            )
            if found is None:
                return None
            article = found
            if not parsed.public:
                problems.warn(name, at, f"{owner} is not public: its article is never shown")
        questions = tuple(q.strip() for q in block.questions)
        langs[lang] = LangBlock(questions, block.answer.strip(), article.text, article.images)
    for lang in LANGUAGES:
        if lang not in langs:
            problems.warn(
                name,
                line,
                f"entry `{parsed.id}` has no `{lang}` version: {lang} visitors get it in "
                f"{next(iter(langs))}, after a note",
            )
    escalate = None
    if parsed.escalate is not None:
        department = parsed.escalate.department or parsed.department or "general"
        escalate = Escalation(department, parsed.escalate.priority)
    return Entry(
        id=parsed.id,
        langs=langs,
        tags=tuple(parsed.tags),
        department=parsed.department,
        follow_ups=tuple(parsed.follow_ups),
        escalate=escalate,
        source=f"{name}:{line}",
        public=parsed.public,
        topic=path.stem,
    )


def _file_hint(path: tuple[str, ...], message: str) -> str | None:
    if message.startswith("unknown key") and path[:1] == ("topic",):
        return f"{message} in `topic` (expected one of: {', '.join(LANGUAGES)})"
    if message.startswith("unknown key"):
        return message
    if path[:1] == ("topic",):
        return "`topic` must be a title, or one per language: `{fr: …, nl: …, en: …}`"
    if path == ("entries",):
        return "`entries` must be a list" if "missing" not in message else "`entries:` is missing"
    if "missing required field `entries`" in message:
        return "`entries:` is missing (a list of entries)"
    return None


def _entry_hint(path: tuple[str, ...], message: str, entry_id: str) -> str | None:
    """Word msgspec's errors about an entry for bot authors."""
    if message.startswith("unknown key"):
        if len(path) == 2 and path[0] in LANGUAGES:
            where = f"entry `{entry_id}` ({path[0]})"
            return f"unknown key `{path[1]}` in {where} (expected `questions`, `answer`, `article`)"
        return message
    if path == ("id",):
        return "`id` must be a slug: lowercase letters, digits and dashes"
    if path in (("tags",), ("follow_ups",)) or path[:1] in (("tags",), ("follow_ups",)):
        return f"`{path[0]}` must be a list of words"
    if path == ("department",):
        return "`department` must be a slug such as `billing`"
    if path == ("public",):
        return "`public` must be true or false"
    if path[:1] == ("escalate",):
        if path == ("escalate", "priority"):
            return f"`escalate.priority` must be one of: {', '.join(PRIORITIES)}"
        if path == ("escalate", "department"):
            return "`escalate.department` must be a slug such as `billing`"
        return "`escalate` must be `{department: ..., priority: ...}`"
    if path[:1] and path[0] in LANGUAGES:
        lang = path[0]
        where = f"entry `{entry_id}` ({lang})"
        if len(path) == 1:
            if "missing required field `answer`" in message:
                return f"{where} has questions but no `answer` in {lang}"
            if "missing required field `questions`" in message:
                return f"{where} needs `questions`: a non-empty list"
            return f"{where} must have `questions` and `answer`"
        if path[1] == "questions":
            if len(path) > 2:
                return f"{where} has an empty or non-text question"
            return f"{where} needs `questions`: a non-empty list"
        if path[1] == "answer":
            return f"{where}: `answer` must be non-empty text"
        if path[1] == "article":
            return (
                f"{where}: `article` must name a Markdown file beside this one "
                "(lowercase letters, digits, `.`, `-`, `_`; ending in `.md`)"
            )
    return None
