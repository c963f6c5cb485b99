"""Does the bot's worker thread delay the event loop? An in-process experiment.

Builds the shipped bot, then runs an event loop kept busy by a stand-in for chatting
visitors (0.7 ms of pure-Python work per "message", at ``--load`` of the CPU) while
questions from the shipped suite arrive at ``--rate`` per second and are decided on six
worker threads (``Bot.decide``, as the server's responder runs it). Variants ("niceness of
the worker threads / GIL switch interval in ms") alternate four times in one process, so
that other processes on a shared machine disturb them alike; for each, the answers' p50/p99
and how late the loop's work started (p50/p99/p99.9). Pinned to one CPU, as the server.
Usage::

    .venv/bin/python bench/bot_priority.py [--load 0.4] [--rate 100] [--variants 0/5,10/5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from chatdesk.bot.brain import Bot
from chatdesk.bot.embeddings import Embedder
from chatdesk.bot.evaluate import load_suite

ROOT = Path(__file__).resolve().parent.parent


def busy(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3 if ordered else 0.0


async def run(bot: Bot, cases: list[tuple[str, str]], args: argparse.Namespace) -> None:
    tids: list[int] = []
    pool = ThreadPoolExecutor(6, initializer=lambda: tids.append(threading.get_native_id()))
    asyncio.get_running_loop().set_default_executor(pool)
    list(pool.map(lambda _: time.sleep(0.05), range(6)))  # start all six threads
    variants = args.variants.split(",")
    answers: dict[str, list[float]] = {v: [] for v in variants}
    lateness: dict[str, list[float]] = {v: [] for v in variants}
    current: list[str | None] = [None]
    stop = asyncio.Event()

    async def chatter() -> None:
        period = 0.0007 / args.load
        due = time.monotonic()
        while not stop.is_set():
            due += period
            if (delay := due - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            if current[0] is not None:
                lateness[current[0]].append(time.monotonic() - due)
            busy(0.0007)

    async def ask(variant: str, text: str, lang: str) -> None:
        started = time.monotonic()
        await asyncio.to_thread(bot.decide, text, lang)
        answers[variant].append(time.monotonic() - started)

    chatting = asyncio.ensure_future(chatter())
    n = 0
    for _ in range(4):
        for variant in variants:
            nice, switch = variant.split("/")
            for tid in tids:
                os.setpriority(os.PRIO_PROCESS, tid, int(nice))
            sys.setswitchinterval(float(switch) / 1000)
            await asyncio.sleep(0.3)
            current[0] = variant
            start, tasks = time.monotonic(), []
            for i in range(int(args.rate * args.duration)):
                await asyncio.sleep(max(0.0, start + i / args.rate - time.monotonic()))
                tasks.append(asyncio.ensure_future(ask(variant, *cases[n % len(cases)])))
                n += 1
            await asyncio.gather(*tasks)
            current[0] = None
    stop.set()
    await chatting
    for variant in variants:
        a, lag = answers[variant], lateness[variant]
        print(
            f"niceness/switch ms {variant}: answer p50 {quantile(a, 0.5):.1f} p99 "
            f"{quantile(a, 0.99):.1f} ms; loop lateness p50 {quantile(lag, 0.5):.2f} p99 "
            f"{quantile(lag, 0.99):.2f} p99.9 {quantile(lag, 0.999):.2f} ms ({len(a)} questions)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", type=float, default=0.4, help="the loop's own CPU share")
    parser.add_argument("--rate", type=float, default=100.0, help="questions/s")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per variant")
    parser.add_argument("--variants", default="0/5,10/5,0/1,10/1")
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file")
    parser.add_argument("--cpu", type=int, default=1)
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    knowledge, suite = load_suite(ROOT / "knowledge")
    bot = Bot.build(knowledge, embedder=Embedder(cache_path=args.cache))
    bot.decide("warm up", "en")
    asyncio.run(run(bot, [(c.text, c.lang) for c in suite], args))


if __name__ == "__main__":
    main()
