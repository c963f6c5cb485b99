"""Realtime benchmark: chatdesk against a bare python-socketio echo server, same load, one run.

For each server (run one at a time, as real subprocesses, pinned to one CPU) and each load
(100 and 1,000 visitor connections by default), separate load-generator processes (pinned to the
other CPU) offer an open-loop rate sweep of acked ``message`` events and measure the ack latency
of every message. Then each server gets 10,000 idle visitor connections and its RSS per
connection is read from /proc. It prints per-step tables, the chatdesk/bare ratios and a
PASS/FAIL summary for the targets, and keeps the results in bench/results/ (git-ignored).

Usage (from the repository root)::

    .venv/bin/python bench/realtime.py            # the full run (~6 minutes when quiet)
    .venv/bin/python bench/realtime.py --quick    # a smoke run (< 60 s)

Modules: this one (steps, sweeps), realtime_idle.py (the idle phases), realtime_args.py
(the command line),
realtime_servers.py (the server and generator processes, /proc readings),
realtime_report.py (results, tables), realtime_summary.py (targets, the report),
loadgen.py (the lean Socket.IO load generator), bare_server.py (the baseline).

See bench/README.md ("Realtime") for what is measured, how, and the latest results.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import resource
import signal
import sqlite3
import sys
import tempfile
import time
from array import array
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

# bench/ is not a package: these are its sibling modules.
from realtime_args import parse_args  # noqa: E402
from realtime_idle import run_idle  # noqa: E402
from realtime_report import (  # noqa: E402
    Idle,
    Load,
    Step,
    fmt_ms,
    quantile,
    step_line,
)
from realtime_servers import (  # noqa: E402
    Generators,
    Server,
    busy_fraction,
    core_times,
    process_times,
    top_foreign,
)
from realtime_summary import machine, render, targets  # noqa: E402


def round_rate(rate: float) -> float:
    step = 50 if rate < 2000 else 100
    return float(round(rate / step) * step)


def say(text: str) -> None:
    print(text, flush=True)


def wait_quiet(args: argparse.Namespace, ours: set[int]) -> tuple[float, str]:
    """Before a step (our own processes idle): wait up to ``args.quiet_wait`` seconds until the
    machine's other processes use at most ``args.max_foreign`` of a CPU. Return the seconds
    waited and who was busy."""
    t0 = time.monotonic()
    tick = os.sysconf("SC_CLK_TCK")
    who = ""
    while True:
        cores0, procs0 = core_times(), process_times()
        time.sleep(0.5)
        cores1, procs1 = core_times(), process_times()
        mine = sum(procs1[p][1] - procs0[p][1] for p in ours if p in procs0 and p in procs1)
        busy = busy_fraction(cores0, cores1, None) - mine / tick / 0.5
        if busy <= args.max_foreign or time.monotonic() - t0 > args.quiet_wait:
            return time.monotonic() - t0, who
        who = top_foreign(procs0, procs1, ours, 0.5)


def run_step(
    server: Server,
    gens: Generators,
    clients: int,
    rate: float,
    args: argparse.Namespace,
    duration: float,
) -> Step:
    """Offer ``rate`` messages/s in total, split over the generators by their client share."""
    t_start = time.monotonic() + 0.3
    w0 = t_start + args.warmup
    t_end = w0 + duration
    kwargs = [
        {
            "rate": rate * share / clients,
            "t_start": t_start,
            "warmup": args.warmup,
            "duration": duration,
            "drain": args.drain,
            "phase": index / len(gens.shares),
        }
        for index, share in enumerate(gens.shares)
    ]
    gens.send("step", kwargs)
    time.sleep(max(0.0, w0 - time.monotonic()))
    cpu0 = server.cpu_seconds()
    split0 = server.thread_cpu_seconds()
    cores0 = core_times()
    procs0 = process_times()
    time.sleep(max(0.0, t_end - time.monotonic()))
    cpu1 = server.cpu_seconds()
    split1 = server.thread_cpu_seconds()
    cores1 = core_times()
    procs1 = process_times()
    replies = gens.recv()
    lat_send: array[float] = array("d")
    lat_sched: array[float] = array("d")
    for reply in replies:
        lat_send.frombytes(reply["lat_send"])
        lat_sched.frombytes(reply["lat_sched"])
    lost = sum(r["lost"] for r in replies)
    by_send = sorted(lat_send)
    by_sched = sorted(lat_sched)

    def ms(q: float, values: Sequence[float] = by_send) -> float:
        return quantile(values, lost, q) * 1000

    step = Step(
        server=server.kind,
        clients=clients,
        rate=rate,
        duration=duration,
        scheduled=sum(r["scheduled"] for r in replies),
        achieved=sum(r["acks_in_window"] for r in replies) / duration,
        p50=ms(0.5),
        p90=ms(0.9),
        p99=ms(0.99),
        p999=ms(0.999),
        max=ms(1.0),
        p99_sched=ms(0.99, by_sched),
        lost=lost,
        errors=sum(r["errors"] for r in replies),
        first_error=next((r["first_error"] for r in replies if r["first_error"]), ""),
        events_per_s=sum(r["events_in_window"] for r in replies) / duration,
        server_cpu=(cpu1 - cpu0) / duration,
        server_loop_cpu=(split1[0] - split0[0]) / duration,
        server_threads_cpu=(split1[1] - split0[1]) / duration,
        gen_cpu=sum(r["cpu"] for r in replies) / duration,
        gen_lag_p99=max(r["lag_p99"] for r in replies) * 1000,
        foreign_cpu=0.0,
    )
    # Everything this benchmark runs (server, generators, this process: ~0) is accounted for;
    # the rest of the machine's busy time belongs to someone else.
    step.foreign_cpu = max(
        0.0, busy_fraction(cores0, cores1, None) - step.server_cpu - step.gen_cpu
    )
    ours = {os.getpid(), server.pid, *(p.pid for p in gens.procs)}
    step.foreign_top = top_foreign(procs0, procs1, ours, duration)
    reasons = []
    if step.achieved < args.min_achieved * rate:
        reasons.append(f"achieved {step.achieved / rate:.0%}")
    if not step.p99 < args.max_p99:
        reasons.append(f"p99 {fmt_ms(step.p99)} ms")
    if step.errors:
        reasons.append(f"{step.errors} error acks")
    step.passed = not reasons
    if step.gen_cpu > 0.9 or step.gen_lag_p99 > 50:
        reasons.append("generator-bound?")
    step.why = ", ".join(reasons)
    return step


def run_load(
    kind: str,
    clients: int,
    rates: list[float],
    args: argparse.Namespace,
    workdir: Path,
    serial: int,
) -> Load:
    """Start ``kind``, connect ``clients`` visitors, sweep ``rates``, stop."""
    server = Server(kind, workdir, args.server_cpu, serial, args.chatdesk)
    server.nice = args.nice
    server.synchronous = args.sqlite_synchronous
    server.loop = args.loop
    server.start()
    gens = Generators(args.generators, server.url, args.load_cpu, args.nice)
    try:
        conn = gens.connect(clients, 15 if args.load_deflate else 0)
        if conn["failed"]:
            raise RuntimeError(f"{kind}: {conn['failed']} connections failed: {conn['errors']}")
        load = Load(kind, clients, conn["seconds"])
        say(f"{kind}, {clients} clients (connected in {conn['seconds']:.1f} s)")
        server.wait_idle()
        last_pass: float | None = None
        first_fail: float | None = None

        def one(rate: float) -> Step:
            duration = args.duration
            if rate == clients * 1.0:
                duration = max(duration, args.latency_duration)
            attempts = []
            for _ in range(1 + args.retries):
                ours = {os.getpid(), server.pid, *(p.pid for p in gens.procs)}
                waited, who = wait_quiet(args, ours)
                if waited > 1:
                    say(f"    waited {waited:.0f} s for a quieter machine ({who})")
                step = run_step(server, gens, clients, rate, args, duration)
                say("  " + step_line(step))
                server.wait_idle()
                attempts.append(step)
                if step.foreign_cpu <= args.max_foreign:
                    break
                say(f"    disturbed by other processes ({step.foreign_top}): again")
            # Keep the least disturbed attempt, whatever its result.
            step = min(attempts, key=lambda s: s.foreign_cpu)
            step.attempts = len(attempts)
            if step.foreign_cpu > args.max_foreign:
                step.why = ", ".join(filter(None, [step.why, "disturbed"]))
            load.steps.append(step)
            return step

        for rate in rates:
            if one(rate).passed:
                last_pass = rate
            else:
                first_fail = rate
                break
        for _ in range(args.refine):
            if first_fail is None:
                break
            low = last_pass or 0.0
            mid = round_rate((low + first_fail) / 2)
            if mid <= low or mid >= first_fail:
                break
            if one(mid).passed:
                last_pass = mid
            else:
                first_fail = mid
        load.max_sustained = last_pass or 0.0
        load.saturated = first_fail is not None
        load.acked_ok = sum(r["acked_ok"] for r in gens.call("step_stats", [{}] * len(gens.pipes)))
    finally:
        gens.close()
        server.stop()
    if kind == "chatdesk" and server.db_path.exists():
        with contextlib.closing(sqlite3.connect(server.db_path)) as db:
            load.stored_messages = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    return load


def latency_rounds(args: argparse.Namespace, workdir: Path, serial: int) -> list[Load]:
    """``--latency-rounds`` more runs of the latency step at the most clients, each server
    fresh, bare and chatdesk alternated (the p99 target takes their median ratio)."""
    if not args.clients or not args.latency_rounds or len(args.servers) < 2:
        return []
    clients = max(args.clients)
    once = argparse.Namespace(**{**vars(args), "refine": 0})  # the one step, no bisection
    rounds: list[Load] = []
    for n in range(1, args.latency_rounds + 1):
        say(f"latency round {n} of {args.latency_rounds}")
        for kind in args.servers:
            serial += 1
            load = run_load(kind, clients, [float(clients)], once, workdir, serial)
            load.round = n
            rounds.append(load)
    return rounds


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # Clean up (servers, generators) on Ctrl-C and on kill, even when started in background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    if args.nice is not None:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        except PermissionError:
            say(f"cannot set priority {args.nice} (not root): running at the default")
            args.nice = None
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.load_cpu is not None:
        os.sched_setaffinity(0, {args.load_cpu})
    info = machine()
    loads: list[Load]
    idles: list[Idle]
    command = "python bench/realtime.py " + " ".join(sys.argv[1:] if argv is None else argv)
    if args.report:
        raw = json.loads(args.report.read_text(encoding="utf-8"))
        loads = [
            Load(**{**load, "steps": [Step(**step) for step in load["steps"]]})
            for load in raw["loads"]
        ]
        rounds = [
            Load(**{**load, "steps": [Step(**step) for step in load["steps"]]})
            for load in raw.get("latency_rounds", [])
        ]
        fields = {f.name for f in dataclasses.fields(Idle)}
        idles = [Idle(**{k: v for k, v in i.items() if k in fields}) for i in raw["idle"]]
        args.clients = sorted({load.clients for load in loads})
        say(render(loads, idles, args, raw["machine"], raw["command"], raw["seconds"], rounds))
        return 0
    say(f"{info['date']} · {info['cpu']} · {info['cpus']} CPUs · Python {info['python']}")
    say(
        f"servers on CPU {args.server_cpu}, {args.generators} load generators (+ this process) "
        f"on CPU {args.load_cpu}; sweeps {args.clients} clients x {args.rates} msg/s"
    )
    t0 = time.monotonic()
    loads = []
    idles = []
    serial = 0
    with tempfile.TemporaryDirectory(prefix="chatdesk-bench-") as tmp:
        workdir = Path(tmp)
        for clients in args.clients:
            rates = (
                sorted(set(args.rates) | {float(clients)})
                if clients == max(args.clients)
                else args.rates
            )
            # Interleaved (bare, chatdesk) so drift on a shared machine hits both alike.
            for kind in args.servers:
                serial += 1
                loads.append(run_load(kind, clients, rates, args, workdir, serial))
        rounds = latency_rounds(args, workdir, serial)
        serial += len(rounds)
        if args.idle:
            for mode in args.idle_modes:
                for kind in args.servers:
                    serial += 1
                    idles.append(run_idle(kind, args.idle, mode, args, workdir, serial))
    elapsed = time.monotonic() - t0
    report = render(loads, idles, args, info, command, elapsed, rounds)
    say("\n" + report)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (args.out / f"realtime-{stamp}.md").write_text(report, encoding="utf-8")
    raw = {
        "machine": info,
        "command": command,
        "seconds": elapsed,
        "loads": [asdict(load) for load in loads],
        "idle": [asdict(i) | {"per_conn_kb": i.per_conn_kb} for i in idles],
        "latency_rounds": [asdict(load) for load in rounds],
        "targets": [asdict(t) for t in targets(loads, idles, args, rounds)],
    }
    (args.out / f"realtime-{stamp}.json").write_text(
        json.dumps(raw, indent=1, default=str), encoding="utf-8"
    )
    say(f"kept in {args.out / f'realtime-{stamp}'}.{{md,json}} ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
