"""The CPU one visitor question costs the server's bot, stage by stage, in-process.

Builds the shipped bot once (knowledge/, sentence embeddings on, as ``chatdesk serve``
builds it), then runs every question of the shipped regression suite (knowledge/tests.yaml,
every language) through each stage of ``Bot.decide`` and through ``decide`` whole, and
reports the CPU time per question (``time.thread_time``: this thread only, so other
processes on the machine barely disturb it), the min over several rounds. Usage::

    .venv/bin/python bench/bot_cost.py [--rounds 5] [--cache /tmp/emb.sqlite3] [--path]
    # pinned to one CPU, as the server runs:
    taskset -c 1 .venv/bin/python bench/bot_cost.py
    # another commit: git archive <commit> chatdesk | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python bench/bot_cost.py

``--path`` also times the whole per-question path of the server without sockets: the
visitor's message stored, the language detected, ``BotResponder.respond`` (the worker-thread
hop included), the replies stored (``ConversationService.respond``) and published, on a real
app and SQLite store; CPU of the whole process (all threads) per question.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from aiohttp import web

from chatdesk.app import PUBLISHER, create_app
from chatdesk.bot.brain import Bot
from chatdesk.bot.embeddings import Embedder
from chatdesk.bot.evaluate import load_suite
from chatdesk.bot.matcher import FaqMatcher
from chatdesk.bot.normalize import normalize
from chatdesk.config import Settings
from chatdesk.models import LangSource
from chatdesk.web.appkeys import LIBRARY, SERVICES

ROOT = Path(__file__).resolve().parent.parent


def cpu_per_call(calls: Sequence[Callable[[], object]], rounds: int) -> tuple[float, float]:
    """Return (min, median) over ``rounds`` of the thread CPU per call, in µs."""
    per_round = []
    for _ in range(rounds):
        started = time.thread_time()
        for call in calls:
            call()
        per_round.append((time.thread_time() - started) / len(calls) * 1e6)
    return min(per_round), statistics.median(per_round)


class OneByOne(Embedder):
    """Each visitor text in its own encoder call, as before query batching."""

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.encoder.encode([text])[0].astype(np.float16)
        return vector.astype(np.float32)


def concurrent_cpu(
    bot: Bot, cases: Sequence[tuple[str, str]], rounds: int, threads: int
) -> dict[str, tuple[float, float]]:
    """Return (min, median) of the process CPU per question (µs) of ``decide`` over
    ``cases`` from ``threads`` worker threads at once, as the server's thread pool runs it,
    with visitor texts batched and one by one (rounds alternated, same process)."""
    matcher = bot.matcher
    assert isinstance(matcher, FaqMatcher) and matcher.embedder is not None
    embedders = {"batched": matcher.embedder, "one by one": OneByOne(matcher.embedder.encoder)}
    per_round: dict[str, list[float]] = {name: [] for name in embedders}
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(rounds):
            for name, embedder in embedders.items():
                matcher.embedder = embedder
                started = time.process_time()
                list(pool.map(lambda case: bot.decide(*case), cases))
                per_round[name].append((time.process_time() - started) / len(cases) * 1e6)
    matcher.embedder = embedders["batched"]
    return {name: (min(v), statistics.median(v)) for name, v in per_round.items()}


def stages(bot: Bot, cases: Sequence[tuple[str, str]]) -> dict[str, list[Callable[[], object]]]:
    """Return the calls of each stage of ``decide``, one per question."""
    matcher = bot.matcher
    assert isinstance(matcher, FaqMatcher)
    embedder = matcher.embedder
    indexes = matcher._indexes  # a benchmark looks inside
    out: dict[str, list[Callable[[], object]]] = {
        "decide (whole)": [lambda t=t, lang=lang: bot.decide(t, lang) for t, lang in cases],
        "  person request (HumanRequest)": [lambda t=t: bot.human(t) for t, _ in cases],
        "  small talk": [lambda t=t, lang=lang: bot.small_talk.match(t, lang) for t, lang in cases],
        "  matcher.rank (k=5)": [
            lambda t=t, lang=lang: matcher.rank(t, lang, k=5) for t, lang in cases
        ],
    }
    if embedder is not None:
        out["    embed_query (sentence encoder)"] = [
            lambda t=t: embedder.embed_query(t) for t, _ in cases
        ]
        vectors = {t: embedder.embed_query(t) for t, _ in cases}
    else:
        vectors = {}
    out["    index.features (given the vector)"] = [
        lambda t=t, lang=lang: indexes[lang].features(t, vectors.get(t)) for t, lang in cases
    ]
    out["      typo correction (_correct)"] = [
        lambda t=t, lang=lang: indexes[lang]._correct(normalize(t)) for t, lang in cases
    ]
    out["      TF-IDF (_vectorize)"] = [
        lambda t=t, lang=lang: indexes[lang]._vectorize(normalize(t)) for t, lang in cases
    ]
    out["  language detection (event loop)"] = [
        lambda t=t: bot.detect_language(t) for t, _ in cases
    ]
    return out


def thread_cpu() -> dict[str, float]:
    """Return the CPU seconds of this process's threads so far, by kind of thread."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        name = names.get(int(task.name), "other")
        kind = (
            "event loop"
            if name == "MainThread"
            else "bot (worker threads)"
            if name.startswith(("asyncio_", "chatdesk-bot"))
            else "other threads (SQLite...)"
        )
        out[kind] = out.get(kind, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


async def whole_path(
    cases: Sequence[tuple[str, str]], rounds: int, askers: int, cache: Path | None
) -> list[float]:
    """Return the process CPU per question (µs) of each round over the whole server path."""
    data = Path(tempfile.mkdtemp(prefix="chatdesk-botcost-"))
    if cache is not None and os.path.exists(cache):  # noqa: ASYNC240 (before any load)
        shutil.copy(cache, data / "embeddings.sqlite3")
    settings = Settings(
        data_dir=data,
        knowledge_dir=ROOT / "knowledge",
        config_file=data / "none.toml",
        log_level="WARNING",
        # In this process: the CPU counted below includes the encoder's (bench/encoder_proc.py
        # measures the child of CHATDESK_BOT_ENCODER=process).
        bot_encoder="thread",
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()  # builds the bot
    try:
        conversations, publisher = app[SERVICES].conversations, app[PUBLISHER]
        assert app[LIBRARY].current is not None
        sent = 0
        # As bench/bot_load.py: the suite's questions but those meant for a person.
        asked = [(t, lang) for t, lang in cases if not app[LIBRARY].current.human(t)]

        async def asker(mine: Sequence[tuple[str, str]]) -> None:
            nonlocal sent
            conversation_id = ""
            for text, lang in mine:
                if not conversation_id:
                    connected = await conversations.visitor_connected(
                        token=None, lang=lang, page="", lang_source=LangSource("browser")
                    )
                    conversation_id = connected.conversation.id
                sent += 1
                message, events, _ = await conversations.visitor_said(
                    conversation_id, client_id=f"c{sent}", text=text
                )
                await publisher.publish(events)
                replies = await conversations.respond(message)
                await publisher.publish(replies)
                if any(e.name == "conversation_escalated" for e in replies):
                    conversation_id = ""  # a person answers from now on: a new visitor

        per_round = []
        threads_before = thread_cpu()
        for _ in range(rounds):
            started = time.process_time()
            await asyncio.gather(*(asker(asked[i::askers]) for i in range(askers)))
            per_round.append((time.process_time() - started) / len(asked) * 1e6)
        threads = thread_cpu()
        for kind, used in sorted(threads.items()):
            share = (used - threads_before.get(kind, 0.0)) / (len(asked) * rounds) * 1e6
            print(f"  {kind}: {share:.0f} µs per question (mean of the rounds, 10 ms ticks)")
        embedder = getattr(app[LIBRARY].current.matcher, "embedder", None)
        batches = getattr(embedder, "batches", None)  # None before query batching
        if batches is not None and batches[0]:
            print(
                f"{batches[1]} texts in {batches[0]} encoder calls "
                f"({batches[1] / batches[0]:.2f} a call)"
            )
        return per_round
    finally:
        await runner.cleanup()
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file")
    parser.add_argument("--only", default="", help="run only stages containing this text")
    parser.add_argument("--path", action="store_true", help="the whole server path instead")
    parser.add_argument("--askers", type=int, default=10, help="concurrent visitors (--path)")
    args = parser.parse_args()
    knowledge, suite = load_suite(ROOT / "knowledge")
    cases = [(c.text, c.lang) for c in suite]
    if args.path:
        values = asyncio.run(whole_path(cases, args.rounds, args.askers, args.cache))
        print(
            f"whole path, {len(cases)} questions, {args.askers} visitors at a time: process "
            f"CPU (all threads) per question, min {min(values):.0f} µs, median "
            f"{statistics.median(values):.0f} µs of {args.rounds} rounds"
        )
        return
    started = time.perf_counter()
    bot = Bot.build(knowledge, embedder=Embedder(cache_path=args.cache))
    print(
        f"bot built in {time.perf_counter() - started:.1f} s; {len(cases)} questions; "
        f"CPU {os.sched_getaffinity(0)}; µs of thread CPU per question, "
        f"min / median of {args.rounds} rounds"
    )
    for name, calls in stages(bot, cases).items():
        if args.only and args.only not in name:
            continue
        best, median = cpu_per_call(calls, args.rounds)
        print(f"{name:<40} {best:>9.0f} {median:>9.0f}")
    if args.only in "decide, 6 threads at once":
        for how, (best, median) in concurrent_cpu(bot, cases, args.rounds, 6).items():
            name = f"decide, 6 threads at once, {how}"
            print(f"{name:<40} {best:>9.0f} {median:>9.0f}  (process CPU)")


if __name__ == "__main__":
    main()
