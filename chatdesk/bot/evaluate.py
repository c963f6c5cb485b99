"""Measure the bot: labelled questions through the same matcher and policy as the server."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from ..config import LANGUAGES
from .brain import Bot
from .knowledge import TESTS_FILE, Knowledge, load_knowledge
from .normalize import normalize
from .policy import Decision, Kind
from .yamlsource import Problems, YList, YMap, load_yaml

__all__ = ["Case", "DataError", "Report", "evaluate", "load_jsonl", "load_suite"]

#: Label meaning "should not be answered" (data sets say "oos", tests.yaml says "escalate").
OUT_OF_SCOPE = None


class DataError(ValueError):
    """An evaluation file is malformed; the message names ``file:line``."""


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled visitor question; ``expected`` None means "must not be answered"."""

    text: str
    expected: str | None
    lang: str


@dataclass(slots=True)
class Report:
    """The numbers ``chatdesk kb eval --json`` prints (fractions are of in-scope lines,
    except ``oos_recall``)."""

    n_test: int = 0
    n_in_scope: int = 0
    n_oos: int = 0
    in_scope_accuracy: float = 0.0
    answered_right: float = 0.0
    answered_wrong: float = 0.0
    suggested: float = 0.0
    escalated: float = 0.0
    oos_recall: float = 0.0
    index_seconds: float = 0.0
    query_ms_p50: float = 0.0
    query_ms_p99: float = 0.0
    accuracy_by_lang: dict[str, float] = field(default_factory=dict)
    baseline_accuracy: float | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict, rounded for reading."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, float):
                data[key] = round(value, 4)
        data["accuracy_by_lang"] = {k: round(v, 4) for k, v in self.accuracy_by_lang.items()}
        return data


def load_jsonl(
    path: Path, *, shots: int | None = None, train_langs: Collection[str] | None = None
) -> tuple[Knowledge, list[Case], list[Case]]:
    """Read ``{"text","label","split","lang"}`` lines: train → knowledge, val and test → cases.

    :param shots: keep only the first ``shots`` train lines of each label.
    :param train_langs: keep only the train lines in these languages (across languages:
        train in English, test in Dutch).
    """
    rows: list[tuple[str, str, str]] = []
    val: list[Case] = []
    test: list[Case] = []
    kept: Counter[tuple[str, str]] = Counter()
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            row = _parse_row(line, path, number)
            text, label, split, lang = row["text"], row["label"], row["split"], row["lang"]
            if split == "train":
                if label == "oos":
                    raise DataError(f"{path}:{number}: a train line cannot be labelled oos")
                if train_langs is not None and lang not in train_langs:
                    continue
                if shots is None or kept[(label, lang)] < shots:
                    kept[(label, lang)] += 1
                    rows.append((label, lang, text))
            else:
                case = Case(text, None if label == "oos" else label, lang)
                (val if split == "val" else test).append(case)
    if not rows:
        raise DataError(f"{path}: no train lines")
    return Knowledge.from_questions(rows), val, test


def _parse_row(line: str, path: Path, number: int) -> dict[str, str]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{number}: not JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise DataError(f"{path}:{number}: expected an object")
    for key in ("text", "label", "split", "lang"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise DataError(f"{path}:{number}: `{key}` must be a non-empty string")
    if row["split"] not in ("train", "val", "test"):
        raise DataError(f"{path}:{number}: `split` must be train, val or test")
    if row["lang"] not in LANGUAGES:
        raise DataError(f"{path}:{number}: `lang` must be one of {', '.join(LANGUAGES)}")
    return row


def load_suite(directory: Path) -> tuple[Knowledge, list[Case]]:
    """Read a knowledge directory and its ``tests.yaml`` regression suite."""
    knowledge = load_knowledge(directory)
    path = directory / TESTS_FILE
    problems = Problems()
    data = load_yaml(path, problems) if path.exists() else None
    if problems.errors:
        raise DataError(str(problems.errors[0]))
    if not isinstance(data, YMap):
        raise DataError(f"{path}:1: expected a mapping of entry id (or `escalate`) to languages")
    cases: list[Case] = []
    for key, langs in data.items():
        line = data.lines[key]
        if key != "escalate" and key not in knowledge.entries:
            raise DataError(f"{path}:{line}: `{key}` is not a known entry id (nor `escalate`)")
        if not isinstance(langs, YMap):
            raise DataError(f"{path}:{line}: `{key}` must map languages to lists of questions")
        for lang, texts in langs.items():
            where = langs.lines[lang]
            if lang not in LANGUAGES:
                raise DataError(f"{path}:{where}: unknown language `{lang}`")
            if not isinstance(texts, YList) or not all(isinstance(t, str) for t in texts):
                raise DataError(f"{path}:{where}: expected a list of questions")
            cases.extend(Case(t, None if key == "escalate" else key, lang) for t in texts)
    return knowledge, cases


def evaluate(
    bot: Bot,
    cases: Sequence[Case],
    *,
    baseline: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Run every case through ``bot`` exactly as the server would; return the report."""
    report = Report(n_test=len(cases), index_seconds=bot.build_seconds)
    outcome: Counter[str] = Counter()
    by_lang: dict[str, list[bool]] = {}
    timings: list[float] = []
    for case in cases:
        started = time.perf_counter()
        lang = bot.language(case.text, case.lang)
        ranked = bot.matcher.rank(case.text, lang, k=5)
        if bot.human(case.text):
            decision = Decision(Kind.ESCALATE, reason="visitor_request")
        elif (small_talk := bot.small_talk.match(case.text, lang)) is not None:
            decision = Decision(Kind.SMALL_TALK, reason=small_talk[0], lang=small_talk[1])
        else:
            decision = bot.apply_policy(ranked, bot.knowledge.bot.policy)
        timings.append((time.perf_counter() - started) * 1000)
        answered = decision.entry_id is not None and decision.kind in (Kind.ANSWER, Kind.ESCALATE)
        if case.expected is OUT_OF_SCOPE:
            outcome["oos_refused" if not answered else "oos_answered"] += 1
            if answered:
                _fail(report, case, decision.entry_id, decision.kind)
        else:
            right_top = bool(ranked) and ranked[0].entry_id == case.expected
            by_lang.setdefault(case.lang, []).append(right_top)
            outcome["top1_right"] += right_top
            if answered:
                key = "answered_right" if decision.entry_id == case.expected else "answered_wrong"
            else:
                key = "suggested" if decision.kind is Kind.SUGGEST else "escalated"
            outcome[key] += 1
            if key != "answered_right":
                _fail(report, case, decision.entry_id, decision.kind)
        if progress is not None:
            progress(1)
    n_in = sum(len(v) for v in by_lang.values())
    report.n_in_scope, report.n_oos = n_in, len(cases) - n_in
    if n_in:
        report.in_scope_accuracy = outcome["top1_right"] / n_in
        for key in ("answered_right", "answered_wrong", "suggested", "escalated"):
            setattr(report, key, outcome[key] / n_in)
    if report.n_oos:
        report.oos_recall = outcome["oos_refused"] / report.n_oos
    report.accuracy_by_lang = {lang: sum(v) / len(v) for lang, v in sorted(by_lang.items())}
    if timings:
        report.query_ms_p50 = float(np.percentile(timings, 50))
        report.query_ms_p99 = float(np.percentile(timings, 99))
    if baseline:
        report.baseline_accuracy = nearest_alternate_accuracy(bot.knowledge, cases)
    return report


def nearest_alternate_accuracy(knowledge: Knowledge, cases: Iterable[Case]) -> float | None:
    """Return the in-scope accuracy of plain rapidfuzz (Levenshtein `ratio`): the entry of
    the closest alternate, as a baseline."""
    scored = right = 0
    for lang in knowledge.languages:
        alternates = _alternates(knowledge, lang)
        queries = [c for c in cases if c.expected is not None and c.lang == lang]
        if not alternates or not queries:
            continue
        texts = [a for a, _ in alternates]
        for start in range(0, len(queries), 256):
            chunk = queries[start : start + 256]
            scores = process.cdist(
                [normalize(c.text) for c in chunk], texts, scorer=fuzz.ratio, workers=-1
            )
            for case, row in zip(chunk, scores.argmax(axis=1), strict=True):
                right += alternates[int(row)][1] == case.expected
            scored += len(chunk)
    return right / scored if scored else None


def _alternates(knowledge: Knowledge, lang: str) -> list[tuple[str, str]]:
    return [
        (normalize(question), entry.id)
        for entry in knowledge.entries.values()
        if lang in entry.langs
        for question in entry.langs[lang].questions
    ]


def _fail(report: Report, case: Case, got: str | None, kind: Kind) -> None:
    report.failures.append(
        {
            "text": case.text,
            "lang": case.lang,
            "expected": case.expected or "escalate",
            "got": got,
            "decision": kind.value,
        }
    )
