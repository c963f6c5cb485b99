"""The bot's own texts and policy thresholds, from ``knowledge/_bot.yaml`` over defaults."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import LANGUAGES
from .yamlsource import Problems, YList, YMap, load_yaml

__all__ = [
    "BOT_FILE",
    "DEFAULT_TEXTS",
    "BotConfig",
    "BotTexts",
    "MatcherConfig",
    "PolicyConfig",
    "load_bot_config",
]

BOT_FILE = "_bot.yaml"


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """Thresholds of the answer / suggest / escalate decision (see bot/policy.py).

    The defaults were tuned with ``chatdesk kb eval`` on the data sets in bench/README.md.
    """

    answer_threshold: float = 0.725
    margin: float = 0.1
    suggest_threshold: float = 0.3
    max_suggestions: int = 3
    misses_before_escalation: int = 2


@dataclass(frozen=True, slots=True)
class MatcherConfig:
    """How entries are ranked (see bot/matcher.py).

    ``semantic`` fuses sentence embeddings with the TF-IDF features (off: TF-IDF alone,
    faster to build, blind to meaning and to other languages).
    """

    semantic: bool = True
    embedding_weight: float = 2.0


@dataclass(frozen=True, slots=True)
class BotTexts:
    """What the bot says, in one language."""

    name: str
    greeting: str
    did_you_mean: str
    no_answer: str
    escalated: str
    out_of_hours: str
    starters: tuple[str, ...] = ()
    human_phrases: tuple[str, ...] = ()


DEFAULT_TEXTS: Mapping[str, BotTexts] = {
    "fr": BotTexts(
        name="Assistant",
        greeting="Bonjour ! Posez-moi votre question.",
        did_you_mean="Vouliez-vous dire :",
        no_answer="Je n'ai pas de réponse sûre à cette question. "
        "Voulez-vous parler à une personne ?",
        escalated="Je transmets votre demande à notre équipe.",
        out_of_hours="Notre équipe est absente pour le moment ; nous vous répondrons dès "
        "{next_open}.",
    ),
    "nl": BotTexts(
        name="Assistent",
        greeting="Hallo! Stel gerust uw vraag.",
        did_you_mean="Bedoelt u:",
        no_answer="Ik heb geen zeker antwoord op deze vraag. Wilt u met een medewerker spreken?",
        escalated="Ik geef uw vraag door aan ons team.",
        out_of_hours="Ons team is momenteel afwezig; we antwoorden u vanaf {next_open}.",
    ),
    "en": BotTexts(
        name="Assistant",
        greeting="Hello! Ask me your question.",
        did_you_mean="Did you mean:",
        no_answer="I don't have a sure answer to that. Would you like to talk to a person?",
        escalated="I'm passing your request to our team.",
        out_of_hours="Our team is away right now; we will answer you from {next_open}.",
    ),
}

_TEXT_KEYS = ("name", "greeting", "did_you_mean", "no_answer", "escalated", "out_of_hours")


@dataclass(frozen=True, slots=True)
class BotConfig:
    """Texts per language and the policy."""

    texts: Mapping[str, BotTexts] = field(default_factory=lambda: dict(DEFAULT_TEXTS))
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    matcher: MatcherConfig = field(default_factory=MatcherConfig)

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
    texts = dict(DEFAULT_TEXTS)
    policy = PolicyConfig()
    for key, value in data.items():
        line = data.lines[key]
        if key == "policy":
            policy = _read_policy(value, line, name, problems)
        elif key in LANGUAGES:
            texts[key] = _read_texts(value, line, name, key, problems, known_ids)
        else:
            problems.error(name, line, f"unknown key `{key}` (expected `policy`, `fr`, `nl`, `en`)")
    return BotConfig(texts, policy)


def _read_policy(data: Any, line: int, name: str, problems: Problems) -> PolicyConfig:
    if not isinstance(data, YMap):
        problems.error(name, line, "`policy` must be a mapping")
        return PolicyConfig()
    values: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(PolicyConfig)}
    for key, value in data.items():
        where = data.lines[key]
        kind = fields[key].type if key in fields else None
        if kind is None:
            problems.error(
                name, where, f"unknown policy key `{key}` (expected one of: {', '.join(fields)})"
            )
        elif kind == "float" and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1
        ):
            problems.error(name, where, f"`{key}` must be a number between 0 and 1")
        elif kind == "int" and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10
        ):
            problems.error(name, where, f"`{key}` must be a whole number between 1 and 10")
        else:
            values[key] = float(value) if kind == "float" else value
    policy = PolicyConfig(**values)
    if policy.suggest_threshold > policy.answer_threshold:
        problems.error(name, line, "`suggest_threshold` must not exceed `answer_threshold`")
    return policy


def _read_texts(
    data: Any,
    line: int,
    name: str,
    lang: str,
    problems: Problems,
    known_ids: Collection[str] | None,
) -> BotTexts:
    default = DEFAULT_TEXTS[lang]
    if not isinstance(data, YMap):
        problems.error(name, line, f"`{lang}` must be a mapping of the bot's texts")
        return default
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = data.lines[key]
        if key in _TEXT_KEYS:
            if not isinstance(value, str) or not value.strip():
                problems.error(name, where, f"`{lang}.{key}` must be non-empty text")
            elif key == "out_of_hours" and "{next_open}" not in value:
                problems.error(name, where, f"`{lang}.out_of_hours` must contain {{next_open}}")
            else:
                values[key] = value.strip()
        elif key in ("starters", "human_phrases"):
            if not isinstance(value, YList) or not all(isinstance(v, str) and v for v in value):
                problems.error(name, where, f"`{lang}.{key}` must be a list of texts")
                continue
            if key == "starters" and known_ids is not None:
                for item, item_line in zip(value, value.lines, strict=True):
                    if item not in known_ids:
                        problems.error(name, item_line, f"starter `{item}` is not a known entry id")
            values[key] = tuple(value)
        else:
            problems.error(
                name,
                where,
                f"unknown key `{key}` in `{lang}` (expected one of: "
                f"{', '.join((*_TEXT_KEYS, 'starters', 'human_phrases'))})",
            )
    return dataclasses.replace(default, **values)
