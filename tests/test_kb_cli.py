"""``chatdesk kb check | ask | eval``, run as the command line runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chatdesk.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
KNOWLEDGE = FIXTURES / "knowledge"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the embedding cache of each test in its own directory."""
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "kb", "check", str(KNOWLEDGE))
    assert status == 0
    assert "ok: 5 entries" in out


def test_check_reports_errors_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(KNOWLEDGE, tmp_path / "k")
    bad = tmp_path / "k" / "bad.yaml"
    bad.write_text(
        "entries:\n  - id: x\n    follow_ups: [ghost]\n    en: {questions: [q], answer: a}\n"
    )
    status, out, _ = run(capsys, "kb", "check", str(tmp_path / "k"))
    assert status == 1
    assert f"{bad}:2: entry `x` follows up with unknown id `ghost`" in out


def test_ask_shows_candidates_and_decision(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "kb", "ask", "je cherche ma facture", "--lang", "fr", "--dir", str(KNOWLEDGE)
    )
    assert status == 0
    assert "invoices" in out and "decision: answer invoices" in out


def test_eval_json_gives_known_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "kb", "eval", str(FIXTURES / "eval.jsonl"), "--json", "--lexical")
    assert status == 0
    report = json.loads(out)
    assert (report["n_test"], report["n_in_scope"], report["n_oos"]) == (8, 6, 2)
    assert report["in_scope_accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert report["answered_right"] == pytest.approx(4 / 6, abs=1e-4)
    assert report["answered_wrong"] == 0.0
    assert report["suggested"] == pytest.approx(2 / 6, abs=1e-4)
    assert report["escalated"] == 0.0
    assert report["oos_recall"] == 1.0
    assert report["baseline_accuracy"] == pytest.approx(5 / 6, abs=1e-4)
    for key in ("index_seconds", "query_ms_p50", "query_ms_p99"):
        assert report[key] >= 0
    assert {f["text"] for f in report["failures"]} == {
        "convert my balance",
        "the money I added is not on my card",
    }


def test_eval_shots_and_thresholds(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "kb",
        "eval",
        str(FIXTURES / "eval.jsonl"),
        "--json",
        "--shots",
        "1",
        "--no-baseline",
        "--min-right",
        "0.99",
    )
    assert status == 1  # below the required level
    assert json.loads(out)["baseline_accuracy"] is None


def test_eval_knowledge_suite_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "kb", "eval", str(KNOWLEDGE), "--max-wrong", "0.0")
    assert status == 0
    assert "answered_right" in out and "baseline: rapidfuzz" in out


def test_eval_tune_prints_a_policy(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "kb", "eval", str(FIXTURES / "eval.jsonl"), "--tune")
    assert status == 0
    assert "policy:" in out and "answer_threshold:" in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        ('{"text": "a", "label": "b", "split": "train"}', "`lang` must be"),
        ('{"text": "a", "label": "b", "split": "later", "lang": "en"}', "`split` must be"),
        ('{"text": "a", "label": "oos", "split": "train", "lang": "en"}', "cannot be labelled oos"),
        ("[1, 2]", "expected an object"),
    ],
)
def test_eval_bad_data_names_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, line: str, message: str
) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text('{"text": "hi", "label": "x", "split": "train", "lang": "en"}\n' + line + "\n")
    status, _, err = run(capsys, "kb", "eval", str(data))
    assert status == 1
    assert f"{data}:2:" in err and message in err


def test_check_warns_about_a_missing_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(KNOWLEDGE, tmp_path / "k")
    extra = tmp_path / "k" / "extra.yaml"
    extra.write_text(
        "entries:\n  - id: only-fr\n    fr: {questions: [Bonjour le monde], answer: Oui.}\n"
    )
    status, out, _ = run(capsys, "kb", "check", str(tmp_path / "k"))
    assert status == 0
    assert f"{extra}:2: warning: entry `only-fr` has no `nl` version" in out
    assert "nl visitors get it in fr, after a note" in out
