"""Measure the FAQ bot against the issue's targets, in one run.

Runs ``chatdesk kb eval`` (the same code path, in process) on the shared data sets and on
the shipped knowledge's regression suite, prints each against a plain rapidfuzz
1-nearest-alternate baseline measured in the same run, then times an index build over
15,000 alternates. Usage::

    .venv/bin/python bench/bot.py [--data ../shared/data] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from chatdesk.bot.brain import Bot
from chatdesk.bot.evaluate import Case, Report, evaluate, load_jsonl, load_suite
from chatdesk.bot.knowledge import Knowledge

ROOT = Path(__file__).resolve().parent.parent


def run_dataset(path: Path, shots: int | None) -> Report:
    knowledge, _val, test = load_jsonl(path, shots=shots)
    return evaluate(Bot.build(knowledge), test)


def build_15k(data: Path) -> tuple[int, list[float], Report]:
    """Time Bot.build over 15,000 alternates: banking77 and xsid texts plus the shipped
    knowledge's questions, as one knowledge (en, nl and fr indexes)."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for name in ("banking77", "banking77_oos", "xsid_nl_en"):
        for line in (data / name / "data.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            key = (row["lang"], row["text"])
            if row["label"] == "oos" or key in seen:
                continue
            seen.add(key)
            rows.append((f"{name}:{row['label']}", row["lang"], row["text"]))
    shipped, _ = load_suite(ROOT / "knowledge")
    rows.extend(
        (entry.id, lang, question)
        for entry in shipped.entries.values()
        for lang, block in entry.langs.items()
        for question in block.questions
    )
    rows = rows[:15_000]
    knowledge = Knowledge.from_questions(rows)
    timings = []
    bot = None
    for _ in range(3):
        started = time.perf_counter()
        bot = Bot.build(knowledge)
        timings.append(time.perf_counter() - started)
    assert bot is not None
    # Query latency on the big index: the banking77 test lines.
    cases = [
        Case(json.loads(line)["text"], None, "en")
        for line in (data / "banking77" / "data.jsonl").read_text().splitlines()
        if json.loads(line)["split"] == "test"
    ][:2000]
    return len(rows), timings, evaluate(bot, cases, baseline=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no data sets in {args.data}", file=sys.stderr)
        return 1

    results: dict[str, Any] = {}
    runs = [
        ("banking77_oos", args.data / "banking77_oos" / "data.jsonl", None),
        ("xsid_nl_en", args.data / "xsid_nl_en" / "data.jsonl", None),
        ("banking77 --shots 10", args.data / "banking77" / "data.jsonl", 10),
        ("banking77 --shots 5", args.data / "banking77" / "data.jsonl", 5),
        ("banking77 (all train)", args.data / "banking77" / "data.jsonl", None),
    ]
    header = (
        f"{'data set':24} {'acc':>6} {'base':>6} {'right':>6} {'wrong':>6} "
        f"{'sugg':>6} {'esc':>6} {'oosR':>6} {'index s':>8} {'p50 ms':>7} {'p99 ms':>7}"
    )
    print(header)
    for name, path, shots in runs:
        report = run_dataset(path, shots)
        results[name] = report.to_json()
        _row(name, report)
    knowledge, cases = load_suite(ROOT / "knowledge")
    suite = evaluate(Bot.build(knowledge), cases)
    results["shipped knowledge (tests.yaml)"] = suite.to_json()
    _row("shipped tests.yaml", suite)
    for name in ("xsid_nl_en", "shipped knowledge (tests.yaml)"):
        print(f"  {name} accuracy by language: {results[name]['accuracy_by_lang']}")

    n, timings, big = build_15k(args.data)
    results["index_15k"] = {
        "alternates": n,
        "build_seconds": [round(t, 3) for t in timings],
        "query_ms_p50": round(big.query_ms_p50, 3),
        "query_ms_p99": round(big.query_ms_p99, 3),
    }
    print(
        f"\nindex over {n} alternates: build {statistics.median(timings):.2f} s (median of 3: "
        f"{', '.join(f'{t:.2f}' for t in timings)}); query p50 {big.query_ms_p50:.2f} ms, "
        f"p99 {big.query_ms_p99:.2f} ms"
    )

    targets = [
        (
            "banking77_oos in_scope_accuracy >= 0.93",
            results["banking77_oos"]["in_scope_accuracy"] >= 0.93,
        ),
        (
            "banking77_oos answered_wrong <= 0.03",
            results["banking77_oos"]["answered_wrong"] <= 0.03,
        ),
        (
            "banking77_oos answered_right >= 0.85",
            results["banking77_oos"]["answered_right"] >= 0.85,
        ),
        ("banking77_oos oos_recall >= 0.60", results["banking77_oos"]["oos_recall"] >= 0.60),
        ("xsid_nl_en accuracy en >= 0.92", results["xsid_nl_en"]["accuracy_by_lang"]["en"] >= 0.92),
        ("xsid_nl_en accuracy nl >= 0.92", results["xsid_nl_en"]["accuracy_by_lang"]["nl"] >= 0.92),
        (
            "banking77 --shots 10 accuracy >= 0.85",
            results["banking77 --shots 10"]["in_scope_accuracy"] >= 0.85,
        ),
        ("index build <= 3 s for 15,000 alternates", statistics.median(timings) <= 3.0),
        (
            "query p99 <= 5 ms",
            max(
                r["query_ms_p99"]
                for r in results.values()
                if isinstance(r, dict) and "query_ms_p99" in r
            )
            <= 5.0,
        ),
    ]
    print()
    for label, ok in targets:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _row(name: str, r: Report) -> None:
    base = f"{r.baseline_accuracy:.3f}" if r.baseline_accuracy is not None else "-"
    print(
        f"{name:24} {r.in_scope_accuracy:6.3f} {base:>6} {r.answered_right:6.3f} "
        f"{r.answered_wrong:6.3f} {r.suggested:6.3f} {r.escalated:6.3f} {r.oos_recall:6.3f} "
        f"{r.index_seconds:8.2f} {r.query_ms_p50:7.2f} {r.query_ms_p99:7.2f}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
