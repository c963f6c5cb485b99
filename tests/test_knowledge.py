"""Knowledge loading: valid files load; every bad file is reported as file:line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from chatdesk.bot.knowledge import KnowledgeError, load_knowledge

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"
SHIPPED = Path(__file__).parent.parent / "knowledge"

GOOD_ENTRY = """\
  - id: {id}
    fr:
      questions: [{question}]
      answer: Réponse.
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(directory)
    return [str(p) for p in info.value.problems if not p.warning]


def test_fixture_and_shipped_knowledge_load() -> None:
    fixture = load_knowledge(FIXTURE)
    assert set(fixture.entries) == {
        "invoices",
        "payment-methods",
        "refund-dispute",
        "password-reset",
        "business-hours",
    }
    assert fixture.languages == ("fr", "nl", "en")
    invoices = fixture.entries["invoices"]
    assert invoices.title("nl") == "Waar vind ik mijn facturen?"
    assert invoices.follow_ups == ("payment-methods",)
    refund = fixture.entries["refund-dispute"].escalate
    assert refund is not None and (refund.department, refund.priority) == ("billing", "high")
    assert fixture.bot.text("fr").starters == ("invoices", "password-reset")
    assert fixture.bot.text("fr").name == "Testbot"
    shipped = load_knowledge(SHIPPED)
    assert len(shipped.entries) >= 30
    assert all(set(e.langs) == {"fr", "nl", "en"} for e in shipped.entries.values())


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        """\
        entries:
          - id: one
            answr: typo
            fr:
              questions: [Bonjour]
              answer: Salut.
        """,
    )
    assert any(e.startswith(f"{path}:3: unknown key `answr`") for e in errors_of(tmp_path))


def test_question_without_answer(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        """\
        entries:
          - id: one
            en:
              questions: [Hello]
              answer: Hi.
            nl:
              questions: [Hallo]
        """,
    )
    errors = errors_of(tmp_path)
    assert f"{path}:6: entry `one` (nl) has questions but no `answer` in nl" in errors


def test_duplicate_id_names_both_places(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", "entries:\n" + GOOD_ENTRY.format(id="same", question="Un"))
    second = write(tmp_path, "b.yaml", "entries:\n" + GOOD_ENTRY.format(id="same", question="Deux"))
    assert f"{second}:2: duplicate id `same` (also at {first}:2)" in errors_of(tmp_path)


def test_follow_up_to_unknown_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        """\
        entries:
          - id: one
            follow_ups: [nowhere]
            fr: {questions: [Un], answer: Réponse.}
        """,
    )
    assert f"{path}:2: entry `one` follows up with unknown id `nowhere`" in errors_of(tmp_path)


def test_empty_question(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        """\
        entries:
          - id: one
            fr:
              questions:
                - Bonjour
                - "  ?! "
              answer: Salut.
        """,
    )
    assert f"{path}:6: entry `one` (fr) has an empty or non-text question" in errors_of(tmp_path)


def test_same_normalised_question_in_two_entries(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.yaml",
        "entries:\n"
        + GOOD_ENTRY.format(id="one", question="Où est ma facture")
        + GOOD_ENTRY.format(id="two", question="ou est ma FACTURE."),
    )
    errors = errors_of(tmp_path)
    assert any(
        e.startswith(
            f"{path}:8: question 'ou est ma FACTURE.' (fr) is also in entry `one` ({path}:4)"
        )
        for e in errors
    ), errors


def test_near_duplicate_questions_are_warnings(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "entries:\n"
        + GOOD_ENTRY.format(id="one", question="comment changer mon mot de passe")
        + GOOD_ENTRY.format(id="two", question="comment changer mon mot de passe svp"),
    )
    knowledge = load_knowledge(tmp_path)
    assert any("close to one of `two`" in str(w) for w in knowledge.warnings)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("entries:\n  - id: one\n    fr: [oops\n", 4, "YAML syntax error"),
        ("entries: nothing\n", 1, "`entries` must be a list"),
        ("- just a list\n", 1, "expected a mapping with `entries:`"),
        ("entries:\n  - id: Not A Slug\n    fr: {questions: [a], answer: b}\n", 2, "`id` must be"),
        ("entries:\n  - id: one\n    fr: {questions: a, answer: b}\n", 3, "needs `questions`"),
        ("entries:\n  - id: one\n    fr: {questions: [a], answer: 3}\n", 3, "`answer` must be"),
        (
            "entries:\n  - id: one\n    tags: urgent\n    fr: {questions: [a], answer: b}\n",
            3,
            "`tags` must be a list",
        ),
        (
            "entries:\n  - id: one\n    escalate: {priority: asap}\n"
            "    fr: {questions: [a], answer: b}\n",
            3,
            "`escalate.priority` must be one of",
        ),
        ("entries:\n  - id: one\n", 2, "has no language"),
        (
            "entries:\n  - id: one\n    id: two\n    fr: {questions: [a], answer: b}\n",
            3,
            "`id` is given twice",
        ),
        ("topic: x\ntopics: y\nentries: []\n", 2, "unknown key `topics`"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, "a.yaml", text)
    errors = errors_of(tmp_path)
    assert any(e.startswith(f"{path}:{line}:") and message in e for e in errors), errors


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("fr:\n  greting: Salut\n", 2, "unknown key `greting`"),
        ("fr:\n  starters: [nowhere]\n", 2, "starter `nowhere` is not a known entry id"),
        ("policy:\n  answer_threshold: 2\n", 2, "between 0 and 1"),
        ("policy:\n  max_suggestions: 0\n", 2, "between 1 and 10"),
        ("policy:\n  threshold: 0.5\n", 2, "unknown key `threshold` in `policy`"),
        ("policy:\n  margin: yes\n", 2, "`margin` must be a number between 0 and 1"),
        ("matcher:\n  semantic: maybe\n", 2, "`matcher.semantic`: Expected `bool`"),
        ("matcher:\n  encoder: bert\n", 2, "unknown key `encoder` in `matcher`"),
        ("fr:\n  greeting: '   '\n", 2, "`fr.greeting` must be non-empty text"),
        ("nl:\n  other_language: Alleen in het Frans\n", 2, "must contain {language}"),
        (
            "en:\n  small_talk:\n    - {kind: hi, phrases: [], reply: Hi!}\n",
            3,
            "`en.small_talk.phrases`: expected a list of length >= 1",
        ),
        (
            "en:\n  small_talk:\n    - {kind: hi, phrases: [hey], answer: Hi!}\n",
            3,
            "unknown key `answer`",
        ),
        ("en:\n  small_talk:\n    - kind: hi\n      phrases: [hey]\n", 3, "missing required field"),
        (
            "fr:\n  small_talk:\n    - {kind: hi, phrases: [a], reply: b}\n"
            "    - {kind: hi, phrases: [c], reply: d}\n",
            4,
            "small talk `hi` is given twice",
        ),
        ("en:\n  out_of_hours: Back soon\n", 2, "must contain {next_open}"),
        ("de:\n  greeting: Hallo\n", 1, "unknown key `de`"),
        ("policy:\n  answer_threshold: 0.3\n  suggest_threshold: 0.5\n", 1, "must not exceed"),
    ],
)
def test_malformed_bot_file(tmp_path: Path, text: str, line: int, message: str) -> None:
    write(tmp_path, "a.yaml", "entries:\n" + GOOD_ENTRY.format(id="one", question="Un"))
    path = write(tmp_path, "_bot.yaml", text)
    errors = errors_of(tmp_path)
    assert any(e.startswith(f"{path}:{line}:") and message in e for e in errors), errors


def test_empty_and_missing_directories(tmp_path: Path) -> None:
    assert any("no knowledge entries" in e for e in errors_of(tmp_path))
    assert any("does not exist" in e for e in errors_of(tmp_path / "missing"))


def test_errors_are_all_reported_at_once(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "k")
    write(tmp_path / "k", "bad1.yaml", "entries:\n  - id: x\n    fr: {questions: [q]}\n")
    write(
        tmp_path / "k",
        "bad2.yaml",
        "entries:\n  - id: y\n    zz: 1\n    fr: {questions: [r], answer: s}\n",
    )
    assert len(errors_of(tmp_path / "k")) == 2
