"""The bot on: visitors asking real questions beside visitors chatting, one chatdesk process.

Issue 16: with the FAQ bot on, visitors ask questions from the shipped regression suite
(knowledge/tests.yaml, every language; each visitor in one, as people write) at a fixed
total rate; the p99 from a question's send
to the bot's answer arriving must stay <= 50 ms, and the ack p99 of the *other* visitors'
messages must stay within 10% of what it is without the questions. Both phases run against
the same server (`chatdesk serve` with the shipped knowledge, as bench/realtime.py runs it:
pinned to CPU 0, this process on CPU 1), the chatting visitors first alone, then with the
questions. The chatting visitors ask for a person first (`escalate`; nobody is online, so
their conversations wait for one): the bot is then out of their conversations, as for
visitors talking to the team. Open loop: every visitor is due at fixed times whatever
happened before. Usage::

    .venv/bin/python bench/bot_load.py                  # 100 q/s + 300 chatters x 1 msg/s
    .venv/bin/python bench/bot_load.py --questions 50 --chatters 500 --duration 20
    .venv/bin/python bench/bot_load.py --sweep 50,100,150,200,300   # highest sustained
    .venv/bin/python bench/bot_load.py --fixed-decisions   # the loop's own cost of a question
    .venv/bin/python bench/bot_load.py --plain --rounds 3  # also the same texts, bot off
    # (then bare python-socketio's max sustained echo rate, the same run: --bare-clients)

A question counts as answered by the first message event after it on its connection that
is not the visitor's own (the bot's answer, or the desk's when the question goes to a
person); the questions without any answer 5 s after the window are counted and shown
apart (the p99 is over the answered ones: many unanswered means the bot did not keep up).
A 3 s warm-up with the chatters only runs first and is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from bot_load_args import bare_echo_rate, parse_args  # noqa: E402
from bot_load_measure import cpu, quantile, tick  # noqa: E402
from bot_load_report import verdict  # noqa: E402
from loadgen import NAMESPACE, TEXT, Generator  # noqa: E402
from realtime_servers import ROOT, Server  # noqa: E402

_ACK = "43" + NAMESPACE + ","
_MESSAGE = "42" + NAMESPACE + ',["message",'


def questions(*, mixed: bool = False) -> list[list[str]]:
    """The visitor questions of the shipped regression suite the bot answers itself, one
    list per language (a visitor writes in one), or all in one list with ``mixed``."""
    suite = yaml.safe_load((ROOT / "knowledge" / "tests.yaml").read_text(encoding="utf-8"))
    # Not those the bot must hand to a person: once a conversation is escalated the bot
    # no longer answers in it, and a connection asks many questions.
    by_lang: dict[str, list[str]] = {}
    for entry, langs in suite.items():
        if entry == "escalate":
            continue
        for lang, qs in langs.items():
            by_lang.setdefault(lang, []).extend(q for q in qs if isinstance(q, str))
    pools = [by_lang[lang] for lang in sorted(by_lang) if by_lang[lang]]
    return [[q for pool in pools for q in pool]] if mixed else pools


class Visitor:
    """One connection: acks matched by id; the first bot message after a question."""

    def __init__(self, ws: object, cid: str) -> None:
        self.ws = ws
        self.cid = cid
        self.next_id = 0
        self.sent: dict[int, float] = {}  # ack id -> send time
        self.asked: float | None = None  # send time of the question awaiting its answer
        self.question = ""
        #: Escalated after all (the desk answered, not the bot): asks nothing more.
        self.retired = False
        #: The questions this visitor asks, in its language (``questions()``).
        self.pool: list[str] = []
        self.nth = 0
        self.unanswered: list[str] = []
        self.acks: list[float] = []
        self.answers: list[float] = []
        self.errors = 0


async def read(visitor: Visitor) -> None:
    ws = visitor.ws
    while True:
        msg = await ws.receive()  # type: ignore[attr-defined]
        if not isinstance(msg.data, str):
            return
        data: str = msg.data
        if data.startswith(_ACK):
            bracket = data.index("[", len(_ACK))
            sent = visitor.sent.pop(int(data[len(_ACK) : bracket]), None)
            if sent is not None:
                visitor.acks.append(time.monotonic() - sent)
            if not data.startswith('[{"ok":true', bracket):
                visitor.errors += 1
        elif data.startswith(_MESSAGE) and visitor.asked is not None:
            # The bot's answer, or the desk's message when it hands the question to a person.
            message = json.loads(data[len("42" + NAMESPACE + ",") :])[1]
            if message.get("author") != "visitor":
                visitor.answers.append(time.monotonic() - visitor.asked)
                visitor.asked = None
                if message.get("author") == "system" or message.get("kind") == "escalated":
                    visitor.retired = True
        elif data == "2":
            await ws.send_str("3")  # type: ignore[attr-defined]


async def send(visitor: Visitor, text: str, *, question: bool) -> None:
    visitor.next_id += 1
    ack_id = visitor.next_id
    payload = json.dumps({"client_id": f"{visitor.cid}{ack_id}", "text": text})
    now = time.monotonic()
    visitor.sent[ack_id] = now
    if question:
        visitor.asked = now
    await visitor.ws.send_str(f'42{NAMESPACE},{ack_id}["message",{payload}]')  # type: ignore[attr-defined]


async def phase(
    chatters: list[Visitor],
    askers: list[Visitor],
    rate: float,
    args: argparse.Namespace,
    server: Server,
    *,
    bot: bool = True,
) -> dict[str, float]:
    """Chatters at 1 msg/s each and, if any, askers sharing ``rate`` questions/s; with
    ``bot`` false the askers' conversations are with the desk (escalated), so the same
    texts at the same rate are plain messages the bot never sees."""
    for v in chatters + askers:
        v.acks.clear()
        v.answers.clear()
        v.errors = 0
        v.asked = None
        v.unanswered = []
    start = time.monotonic() + 0.2
    end = start + args.duration
    schedule: list[tuple[float, Visitor, bool]] = []
    for i, v in enumerate(chatters):
        t = start + i / len(chatters)
        while t < end:
            schedule.append((t, v, False))
            t += 1.0
    if askers and rate > 0:
        for j in range(int(rate * args.duration)):
            schedule.append((start + j / rate, askers[j % len(askers)], True))
    schedule.sort(key=lambda item: item[0])
    skipped = 0
    # This process's own delays count in every ack: how late its loop runs a 1 ms timer,
    # and its CPU (it has a CPU of its own). Its collector is off in the window, as
    # loadgen.py's is (what was made before is frozen).
    lags: list[float] = []
    ticker = asyncio.ensure_future(tick(lags))
    gc.disable()
    own_before = time.process_time()
    cpu_before, wall_before = cpu(server), time.monotonic()
    for n, (due, v, question) in enumerate(schedule):
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        if question:
            live = [a for a in askers if not a.retired]
            if not live:
                skipped += 1
                continue
            v = live[n % len(live)]
            if v.asked is not None:  # the previous question got no answer in time
                v.unanswered.append(v.question)
            # Its language's questions in turn (each visitor from its own start).
            v.question = v.pool[v.nth % len(v.pool)]
            v.nth += 1
            await send(v, v.question, question=bot)
        else:
            await send(v, TEXT, question=False)
    # The window's CPU (the late answers' after it are not counted).
    cpu_after, wall = cpu(server), time.monotonic() - wall_before
    own = time.process_time() - own_before
    ticker.cancel()
    gc.enable()
    loop, threads, child = (b - a for a, b in zip(cpu_before, cpu_after, strict=True))
    await asyncio.sleep(5.0)  # late acks and answers
    acks = [a for v in chatters for a in v.acks]
    answers = [a for v in askers for a in v.answers]
    missing_acks = sum(len(v.sent) for v in chatters)
    for v in askers:
        if v.asked is not None:
            v.unanswered.append(v.question)
    if not bot:  # nothing was asked of the bot
        answers.clear()
        for v in askers:
            v.unanswered.clear()
    unanswered = [q for v in askers for q in v.unanswered]
    asked_n = sum(1 for _, _, q in schedule if q) - skipped if bot else 0
    if skipped:
        print(f"  {skipped} questions not asked: every asking connection was escalated")
    if unanswered:
        print(f"  {len(unanswered)} questions without an answer, e.g. {unanswered[:4]}")
    return {
        "chatter_msgs": sum(1 for _, _, q in schedule if not q),
        "ack_p50_ms": quantile(acks, 0.5) * 1000,
        "ack_p99_ms": (quantile(acks, 0.99) if not missing_acks else math.inf) * 1000,
        "missing_acks": missing_acks,
        "questions": asked_n,
        "answered": len(answers),
        "unanswered": len(unanswered),
        "answer_p50_ms": quantile(answers, 0.5) * 1000,
        "answer_p99_ms": quantile(answers, 0.99) * 1000,
        "errors": sum(v.errors for v in chatters + askers),
        "loop_cpu": loop / wall,
        "threads_cpu": threads / wall,
        "child_cpu": child / wall,
        "loop_cpu_s": loop,
        "client_cpu": own / wall,
        "client_lag_p99_ms": quantile(lags, 0.99) * 1000,
    }


async def run(args: argparse.Namespace, server: Server) -> dict[str, dict[str, float]]:
    gen = Generator(0, server.url)
    plain_n = args.askers if args.plain and not args.sweep else 0
    got = await gen.connect(args.chatters + args.askers + plain_n, 0)
    if got["failed"]:
        raise RuntimeError(f"{got['failed']} connections failed: {got['errors']}")
    visitors = [Visitor(c.ws, c.cid) for c in gen.clients]
    for c in gen.clients:
        if c.reader is not None:
            c.reader.cancel()  # this script reads the sockets itself
    await asyncio.sleep(0)
    readers = [asyncio.ensure_future(read(v)) for v in visitors]
    chatters = visitors[: args.chatters]
    askers = visitors[args.chatters : args.chatters + args.askers]
    plain = visitors[args.chatters + args.askers :]
    pools = questions(mixed=args.mixed_languages)
    for group in (askers, plain):
        for i, v in enumerate(group):
            v.pool = pools[i % len(pools)]
            v.nth = (i // len(pools)) * 11
    # Chatters talk to the desk, not to the bot: each asks for a person first (no operator
    # is online, so the conversation waits), after which the bot is never asked again. So
    # do the plain visitors, who send the questions' texts with the bot out of the way.
    for v in chatters + plain:
        v.next_id += 1
        v.sent[v.next_id] = time.monotonic()
        await v.ws.send_str(f"42{NAMESPACE},{v.next_id}" + '["escalate",{}]')  # type: ignore[attr-defined]
    for _ in range(600):
        if not any(v.sent for v in chatters + plain):
            break
        await asyncio.sleep(0.05)
    escalated = sum(1 for v in chatters + plain if not v.sent and not v.errors)
    print(f"{escalated}/{len(chatters) + len(plain)} visitors handed to the desk", flush=True)
    try:
        # Warm-up, not counted: the first seconds after connecting are not steady. Chatters
        # only: a backlog of bot work left by questions would spill into the next phase.
        warm = argparse.Namespace(**{**vars(args), "duration": 3.0})
        await phase(chatters, [], 0.0, warm, server)
        results: dict[str, dict[str, float]] = {}
        for n in range(1 if args.sweep else args.rounds):
            # Rounds alternate the phases, so that a slower minute of the machine falls on
            # each of them alike; the results are medians over the rounds.
            tag = f" #{n + 1}" if args.rounds > 1 and not args.sweep else ""
            results["chatters alone" + tag] = await phase(chatters, [], 0.0, args, server)
            if args.sweep:
                break
            if plain:
                results["chatters + plain" + tag] = await phase(
                    chatters, plain, args.questions, args, server, bot=False
                )
            results["chatters + questions" + tag] = await phase(
                chatters, askers, args.questions, args, server
            )
        for rate in args.sweep:  # up to the first rate not sustained
            results[f"{rate:g} questions/s"] = step = await phase(
                chatters, askers, rate, args, server
            )
            print(f"  {rate:g} questions/s: {'ok' if sustained(step) else 'FAIL'}", flush=True)
            if not sustained(step):
                break
    finally:
        for r in readers:
            r.cancel()
        await gen.drop()
        await gen.exit()
    return results


#: A rate of questions is sustained when this share of them is answered and the
#: answers' p99 stays under this bound (bench/realtime.py's bound for acks).
SUSTAINED_SHARE = 0.95
SUSTAINED_P99_MS = 100.0


def sustained(r: dict[str, float]) -> bool:
    """Return whether a phase with questions kept up with them."""
    return (
        r["questions"] > 0
        and r["answered"] >= SUSTAINED_SHARE * r["questions"]
        and r["answer_p99_ms"] < SUSTAINED_P99_MS
        and not r["errors"]
    )


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    if args.sweep:  # each asking connection asks at most once a second
        args.askers = max(args.askers, math.ceil(max(args.sweep)))
    # The bot hands a few percent of the suite's questions to a person, and such a
    # connection asks nothing more: each round needs its own supply of askers.
    args.askers *= max(1, args.rounds)
    os.sched_setaffinity(0, {1})
    with tempfile.TemporaryDirectory(prefix="chatdesk-bot-bench-") as tmp:
        server = Server(
            "chatdesk", Path(tmp), 0, 1, [str(Path(sys.executable).parent / "chatdesk")]
        )
        server.nice = args.nice
        server.env["CHATDESK_KNOWLEDGE_DIR"] = str(ROOT / "knowledge")
        server.env["CHATDESK_BOT_ENCODER"] = args.encoder
        if args.fixed_decisions or args.bot_cpus:
            hook = str(Path(__file__).parent / "server_hooks")
            server.env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [hook, os.environ.get("PYTHONPATH")])
            )
            server.env["BENCH_FIXED_DECISIONS"] = "1" if args.fixed_decisions else ""
            server.env["BENCH_BOT_CPUS"] = args.bot_cpus
        server.start_timeout = 300.0  # the knowledge's index is built before it listens
        started = time.monotonic()
        server.start()
        took = time.monotonic() - started
        print(f"chatdesk with the shipped knowledge listening after {took:.0f} s", flush=True)
        try:
            results = asyncio.run(run(args, server))
        finally:
            server.stop()
            # What went wrong on the server's side, if anything (the log goes with tmp).
            errors = [
                line
                for line in server.log_path.read_text(errors="replace").splitlines()
                if " ERROR " in line or "Traceback" in line
            ]
            for line in errors[:20]:
                print(f"server: {line[:300]}")
    print(
        f"{args.chatters} chatters x 1 msg/s; "
        f"{','.join(f'{r:g}' for r in args.sweep) or f'{args.questions:g}'} questions/s over "
        f"{args.askers} connections; {args.duration:g} s per phase; encoder {args.encoder}"
        f"{' (decisions fixed)' if args.fixed_decisions else ''}"
        f"{' (the bot on CPUs ' + args.bot_cpus + ')' if args.bot_cpus else ''}; "
        f"load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    for name, r in results.items():
        print(
            f"{name:22s} acks p50 {r['ack_p50_ms']:.2f} p99 {r['ack_p99_ms']:.1f} ms "
            f"(missing {r['missing_acks']:.0f}); questions {r['questions']:.0f}, answered "
            f"{r['answered']:.0f}, p50 {r['answer_p50_ms']:.1f} p99 "
            f"{r['answer_p99_ms']:.1f} ms; errors {r['errors']:.0f}; CPU: loop "
            f"{r['loop_cpu']:.0%}, threads {r['threads_cpu']:.0%}, encoder child "
            f"{r['child_cpu']:.0%}; this client: CPU {r['client_cpu']:.0%}, loop lag p99 "
            f"{r['client_lag_p99_ms']:.2f} ms"
        )
    if args.sweep:
        passed = [float(n.split()[0]) for n, r in results.items() if "/s" in n and sustained(r)]
        best = max(passed, default=0.0)
        print(
            f"highest sustained: {best:g} questions/s (>= {SUSTAINED_SHARE:.0%} answered, "
            f"answers p99 < {SUSTAINED_P99_MS:g} ms) beside {args.chatters} chatters"
        )
        if args.bare_clients > 0:
            echo = bare_echo_rate(args.bare_clients)
            print(
                f"bare python-socketio echo on this machine now, {args.bare_clients} clients: "
                f"max sustained {echo:g} msg/s; the bot's {best:g} questions/s are "
                f"{best / echo if echo else math.nan:.3f} of it"
            )
        return
    verdict(results)


if __name__ == "__main__":
    main()
