"""``chatdesk kb check | ask | eval | gaps``: tools for bot authors."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from ..bot.brain import Bot
from ..bot.embeddings import EMBEDDINGS_FILE, Embedder
from ..bot.evaluate import Case, DataError, Report, evaluate, load_jsonl, load_suite
from ..bot.gapreport import undismissed
from ..bot.gaps import find_gaps
from ..bot.knowledge import Knowledge, KnowledgeError, load_knowledge
from ..bot.tuning import tune
from ..config import LANGUAGES, Settings
from ..models import Miss
from ..store import SqliteStore, Store, create_store

__all__ = ["add_parser"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kb`` and its sub-commands to the command line."""
    kb = commands.add_parser("kb", help="check, query and measure the bot's knowledge")
    sub = kb.add_subparsers(dest="kb_command", required=True)

    check = sub.add_parser("check", help="validate knowledge files (exit 1 on errors)")
    check.add_argument("dir", nargs="?", type=Path, help="knowledge directory")
    check.set_defaults(func=_check)

    ask = sub.add_parser("ask", help="show the top entries and the bot's decision for a text")
    ask.add_argument("text")
    ask.add_argument("--lang", choices=LANGUAGES, help="the conversation's language")
    ask.add_argument("--dir", type=Path, help="knowledge directory")
    ask.add_argument("--lexical", action="store_true", help=_LEXICAL)
    ask.set_defaults(func=_ask)

    ev = sub.add_parser("eval", help="measure the matcher and policy on labelled questions")
    ev.add_argument("data", type=Path, help="a DATA.jsonl file, or a knowledge dir with tests.yaml")
    ev.add_argument("--shots", type=int, help="keep only the first N train lines per label")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--no-baseline", action="store_true", help="skip the rapidfuzz baseline")
    ev.add_argument("--tune", action="store_true", help="search thresholds on the val lines")
    ev.add_argument("--lexical", action="store_true", help=_LEXICAL)
    ev.add_argument("--min-right", type=float, help="exit 1 if answered_right is lower")
    ev.add_argument("--max-wrong", type=float, help="exit 1 if answered_wrong is higher")
    ev.add_argument("--min-oos-recall", type=float, help="exit 1 if oos_recall is lower")
    ev.set_defaults(func=_eval)

    gaps = sub.add_parser("gaps", help="group what the bot missed by meaning; propose knowledge")
    gaps.add_argument(
        "--data-dir",
        type=Path,
        help="where the desk's SQLite database is (CHATDESK_DATA_DIR; without it, a desk on"
        " PostgreSQL is read from CHATDESK_DATABASE_URL)",
    )
    gaps.add_argument("--knowledge", type=Path, help="knowledge directory")
    gaps.add_argument("--since", type=_date, help="only misses from this date (YYYY-MM-DD)")
    gaps.add_argument("--min-count", type=int, default=2, help="smallest group shown (default 2)")
    gaps.add_argument("--json", action="store_true", help="print one JSON object")
    gaps.add_argument("--write", type=Path, help="write the YAML snippets to this file")
    gaps.set_defaults(func=_gaps)


#: The SQLite store's file in the data directory (as create_store names it).
DATABASE_FILE = "chatdesk.sqlite3"

_LEXICAL = "TF-IDF alone, without sentence embeddings (to compare)"


def _build(knowledge: Knowledge, args: argparse.Namespace, settings: Settings) -> Bot:
    """Train the bot as the server would, embeddings cached in the data directory."""
    embedder = Embedder(cache_path=settings.data_dir / EMBEDDINGS_FILE)
    return Bot.build(knowledge, embedder=embedder, semantic=False if args.lexical else None)


def _directory(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(
        getattr(args, "dir", None)
        or getattr(args, "knowledge", None)
        or settings.knowledge_dir
        or "knowledge"
    )


def _date(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _gaps(args: argparse.Namespace, settings: Settings) -> int:
    out = Console(highlight=False, soft_wrap=True)
    data_dir = args.data_dir or settings.data_dir
    store: Store
    if settings.backend == "postgresql" and args.data_dir is None:
        store = create_store(settings)  # the desk's PostgreSQL (CHATDESK_DATABASE_URL)
    else:
        database = data_dir / DATABASE_FILE
        if not database.exists():
            out.print(f"[red]no desk database in {data_dir} ({DATABASE_FILE})[/]")
            return 1
        store = SqliteStore(database)
    if args.min_count < 1:
        out.print("[red]--min-count must be at least 1[/]")
        return 1
    try:
        knowledge = load_knowledge(_directory(args, settings))
    except KnowledgeError as exc:
        out.print(f"[red]{escape(exc.message)}[/]")
        return 1
    embedder = Embedder(cache_path=data_dir / EMBEDDINGS_FILE)
    bot = Bot.build(knowledge, embedder=embedder, semantic=False)
    misses = asyncio.run(_read_misses(store, args.since))
    gaps = find_gaps(bot, misses, embedder=embedder, min_count=args.min_count)
    sources = {e.id: e.source.rpartition(":")[0] for e in knowledge.entries.values()}
    snippets = "\n".join(g.snippet(sources.get(g.entry_id or "", "")) for g in gaps)
    if args.write is not None:
        args.write.write_text(snippets, encoding="utf-8")
    if args.json:
        print(json.dumps({"misses": len(misses), "gaps": [g.to_json() for g in gaps]}))
        return 0
    table = Table("misses", "kinds", "lang", "proposal", "nearest entry", "examples")
    for gap in gaps:
        table.add_row(
            str(gap.count),
            ", ".join(f"{k} {n}" for k, n in sorted(gap.kinds.items())),
            gap.lang,
            "add questions" if gap.proposal == "add_questions" else "new entry",
            f"{gap.entry_id} ({gap.similarity:.2f})",
            "\n".join(gap.examples[:3]),
        )
    out.print(table)
    out.print(f"{len(misses)} misses, {len(gaps)} group(s) of at least {args.min_count}")
    if args.write is not None:
        out.print(f"snippets written to {args.write}")
    return 0


async def _read_misses(store: Store, since: datetime | None) -> list[Miss]:
    await store.open()
    try:
        return await undismissed(store, since=since)  # as the console's page shows them
    finally:
        await store.close()


def _check(args: argparse.Namespace, settings: Settings) -> int:
    out = Console(highlight=False, soft_wrap=True)
    directory = _directory(args, settings)
    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            # Problems quote the files ("[link](/x)", "[desk]"): text, not markup.
            text = escape(str(problem))
            out.print(f"[red]{text}[/]" if not problem.warning else f"[yellow]{text}[/]")
        out.print(f"[red]{len([p for p in exc.problems if not p.warning])} error(s)[/]")
        return 1
    for problem in knowledge.warnings:
        out.print(f"[yellow]{escape(str(problem))}[/]")
    questions = sum(len(b.questions) for e in knowledge.entries.values() for b in e.langs.values())
    out.print(
        f"[green]ok[/]: {len(knowledge.entries)} entries, {questions} questions in "
        f"{', '.join(knowledge.languages)}; {len(knowledge.warnings)} warning(s)"
    )
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    out = Console(highlight=False, soft_wrap=True)
    try:
        bot = _build(load_knowledge(_directory(args, settings)), args, settings)
    except KnowledgeError as exc:
        out.print(f"[red]{escape(exc.message)}[/]")
        return 1
    lang = bot.language(args.text, args.lang or bot.knowledge.languages[0])
    table = Table("entry", "title", "confidence", "score", "similarity", "meaning")
    for c in bot.matcher.rank(args.text, lang, k=5):
        entry = bot.knowledge.entries[c.entry_id]
        table.add_row(
            c.entry_id,
            entry.title(lang),
            f"{c.confidence:.3f}",
            f"{c.score:.3f}",
            f"{c.similarity:.3f}",
            f"{c.semantic:.3f}",
        )
    out.print(table)
    decision = bot.decide(args.text, lang)
    out.print(
        f"language: {lang}  decision: [bold]{decision.kind.value}[/]"
        + (f" {decision.entry_id}" if decision.entry_id else "")
        + (f" ({decision.reason})" if decision.reason else "")
    )
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    val: list[Case] = []
    try:
        if args.data.is_dir():
            knowledge, cases = load_suite(args.data)
        else:
            knowledge, val, cases = load_jsonl(args.data, shots=args.shots)
    except (DataError, KnowledgeError, OSError) as exc:
        err.print(f"[red]{exc}[/]")
        return 1
    bot = _build(knowledge, args, settings)
    report = _run(bot, cases, baseline=not args.no_baseline, console=err)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        _print_report(report, knowledge, Console(highlight=False, soft_wrap=True))
    if args.tune:
        print(tune(bot, val or cases).describe(), file=sys.stderr if args.json else sys.stdout)
    failed = [
        name
        for name, ok in (
            ("answered_right", args.min_right is None or report.answered_right >= args.min_right),
            ("answered_wrong", args.max_wrong is None or report.answered_wrong <= args.max_wrong),
            ("oos_recall", args.min_oos_recall is None or report.oos_recall >= args.min_oos_recall),
        )
        if not ok
    ]
    if failed:
        err.print(f"[red]below the required level: {', '.join(failed)}[/]")
        return 1
    return 0


def _run(bot: Bot, cases: list[Case], *, baseline: bool, console: Console) -> Report:
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("evaluating", total=len(cases))
        return evaluate(bot, cases, baseline=baseline, progress=lambda n: progress.advance(task, n))


def _print_report(report: Report, knowledge: Knowledge, out: Console) -> None:
    table = Table(
        "measure",
        "value",
        title=f"{len(knowledge.entries)} entries, "
        f"{report.n_test} test lines ({report.n_in_scope} in scope, {report.n_oos} oos)",
    )
    rows = [
        ("in_scope_accuracy (top-1)", report.in_scope_accuracy),
        *((f"  accuracy {lang}", acc) for lang, acc in report.accuracy_by_lang.items()),
        ("answered_right", report.answered_right),
        ("answered_wrong", report.answered_wrong),
        ("suggested", report.suggested),
        ("escalated", report.escalated),
        ("oos_recall", report.oos_recall),
    ]
    for name, value in rows:
        table.add_row(name, f"{value:.3f}")
    if report.baseline_accuracy is not None:
        table.add_row("baseline: rapidfuzz 1-nearest alternate", f"{report.baseline_accuracy:.3f}")
    table.add_row("index_seconds", f"{report.index_seconds:.2f}")
    table.add_row("query_ms p50 / p99", f"{report.query_ms_p50:.2f} / {report.query_ms_p99:.2f}")
    out.print(table)
