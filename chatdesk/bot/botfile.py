"""The bot's own texts, small talk, matcher and policy settings: ``knowledge/_bot.yaml``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from ..config import LANGUAGES
from .defaulttexts import DEFAULT_TEXTS, LANGUAGE_NAMES, BotTexts, SmallTalkEntry, Text
from .schema import validate
from .yamlsource import Problems, YMap, load_yaml

__all__ = [
    "BOT_FILE",
    "DEFAULT_TEXTS",
    "LANGUAGE_NAMES",
    "BotConfig",
    "BotTexts",
    "MatcherConfig",
    "PolicyConfig",
    "SmallTalkEntry",
    "load_bot_config",
]

BOT_FILE = "_bot.yaml"

Unit = Annotated[float, Meta(ge=0.0, le=1.0)]
Count = Annotated[int, Meta(ge=1, le=10)]
Slug = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]


class PolicyConfig(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Thresholds of the answer / suggest / escalate decision (see bot/policy.py).

    The defaults were tuned on validation data (bench/README.md, ``bench/bot.py --split val``).
    """

    answer_threshold: Unit = 0.725
    margin: Unit = 0.1
    suggest_threshold: Unit = 0.3
    max_suggestions: Count = 3
    misses_before_escalation: Count = 2


class MatcherConfig(Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How entries are ranked (see bot/matcher.py).

    ``semantic`` fuses sentence embeddings with the TF-IDF features (off: TF-IDF alone,
    faster to build, blind to meaning and to other languages).
    """

    semantic: bool = True
    embedding_weight: Annotated[float, Meta(gt=0.0, le=10.0)] = 2.0


class _TextsFile(Struct, forbid_unknown_fields=True, kw_only=True):
    """One language block of ``_bot.yaml``: each key overrides the default text."""

    name: Text | None = None
    greeting: Text | None = None
    did_you_mean: Text | None = None
    no_answer: Text | None = None
    escalated: Text | None = None
    out_of_hours: Text | None = None
    other_language: Text | None = None
    starters: tuple[Slug, ...] | None = None
    human_phrases: tuple[Text, ...] | None = None
    small_talk: tuple[SmallTalkEntry, ...] | None = None


class _BotFile(Struct, forbid_unknown_fields=True, kw_only=True):
    policy: PolicyConfig = PolicyConfig()
    matcher: MatcherConfig = MatcherConfig()
    fr: _TextsFile | None = None
    nl: _TextsFile | None = None
    en: _TextsFile | None = None


class BotConfig(Struct, frozen=True, kw_only=True):
    """Texts per language, the matcher settings and the policy."""

    texts: Mapping[str, BotTexts] = msgspec.field(default_factory=lambda: dict(DEFAULT_TEXTS))
    policy: PolicyConfig = PolicyConfig()
    matcher: MatcherConfig = MatcherConfig()

    def text(self, lang: str) -> BotTexts:
        """Return the texts for ``lang`` (falling back to English)."""
        return self.texts.get(lang) or self.texts["en"]


def load_bot_config(
    path: Path, problems: Problems, *, known_ids: Collection[str] | None
) -> BotConfig:
    """Read ``_bot.yaml`` if it exists; report problems as ``file:line``.

    :param known_ids: entry ids starters may name (None: do not check them).
    """
    if not path.exists():
        return BotConfig()
    name = str(path)
    data = load_yaml(path, problems)
    if data is None:
        return BotConfig()
    if not isinstance(data, YMap):
        problems.error(name, 1, "expected a mapping with `policy` and per-language texts")
        return BotConfig()
    parsed = validate(data, _BotFile, name=name, line=1, problems=problems, hint=_hint)
    if parsed is None:
        return BotConfig()
    texts = dict(DEFAULT_TEXTS)
    for lang in LANGUAGES:
        block: _TextsFile | None = getattr(parsed, lang)
        if block is not None:
            texts[lang] = _merge(DEFAULT_TEXTS[lang], block)
            _check_texts(data[lang], lang, texts[lang], name, problems, known_ids)
    policy = parsed.policy
    if policy.suggest_threshold > policy.answer_threshold:
        problems.error(
            name,
            data.lines.get("policy", 1),
            "`suggest_threshold` must not exceed `answer_threshold`",
        )
    return BotConfig(texts=texts, policy=policy, matcher=parsed.matcher)


def _merge(default: BotTexts, block: _TextsFile) -> BotTexts:
    values: dict[str, object] = {
        field: value.strip() if isinstance(value, str) else value
        for field in block.__struct_fields__
        if (value := getattr(block, field)) is not None
    }
    if block.small_talk is not None:  # a desk's small talk adds to (or replaces) the defaults
        values["small_talk"] = {**default.small_talk, **{e.kind: e for e in block.small_talk}}
    return msgspec.structs.replace(default, **values)


def _check_texts(
    data: YMap,
    lang: str,
    texts: BotTexts,
    name: str,
    problems: Problems,
    known_ids: Collection[str] | None,
) -> None:
    """Checks a schema cannot say: placeholders present, starters naming real entries."""
    for key, placeholder in (("out_of_hours", "{next_open}"), ("other_language", "{language}")):
        if key in data and placeholder not in getattr(texts, key):
            problems.error(name, data.lines[key], f"`{lang}.{key}` must contain {placeholder}")
    kinds: set[str] = set()
    small_talk = data.get("small_talk") or []
    for item, item_line in zip(small_talk, getattr(small_talk, "lines", []), strict=True):
        if item["kind"] in kinds:
            problems.error(name, item_line, f"small talk `{item['kind']}` is given twice")
        kinds.add(item["kind"])
    starters = data.get("starters")
    if known_ids is not None and starters is not None:
        for item, item_line in zip(starters, starters.lines, strict=True):
            if item not in known_ids:
                problems.error(name, item_line, f"starter `{item}` is not a known entry id")


def _hint(path: tuple[str, ...], message: str) -> str | None:
    """Word msgspec's type and range errors for bot authors."""
    if message.startswith("unknown key"):
        return message
    if len(path) == 2 and path[0] == "policy":
        key = path[1]
        if key in ("max_suggestions", "misses_before_escalation"):
            return f"`{key}` must be a whole number between 1 and 10"
        return f"`{key}` must be a number between 0 and 1"
    if len(path) >= 2 and path[0] in LANGUAGES:
        lang, key = path[0], path[1]
        if key in ("starters", "human_phrases"):
            return f"`{lang}.{key}` must be a list of texts" + (
                " (entry ids)" if key == "starters" else ""
            )
        if key == "small_talk":
            where = ".".join(p for p in path if p != "[]")
            return f"`{where}`: {_plain(message)} (each: `{{kind, phrases: [...], reply}}`)"
        return f"`{lang}.{key}` must be non-empty text"
    return None


def _plain(message: str) -> str:
    return message.replace("Expected `array`", "expected a list").replace(
        "Expected `object`", "expected a mapping"
    )
