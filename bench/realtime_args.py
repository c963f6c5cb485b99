"""The command line of bench/realtime.py (its options and their defaults)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from realtime_report import SERVERS

BENCH = Path(__file__).resolve().parent

#: The sweep stops at the first failing rate, so high rates cost nothing unless reached.
DEFAULT_RATES = "1000,2000,3000,4000,5000,6000,7000,8000,10000,12000,14000"


def _numbers(text: str) -> list[float]:
    return [float(x) for x in text.replace(" ", "").split(",") if x]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="chatdesk vs bare python-socketio: ack latency, max sustained msg/s, "
        "idle RSS per connection.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run < 60 s: 100 clients at 100-2000 msg/s, 300 idle connections",
    )
    parser.add_argument(
        "--clients", help="client counts, comma-separated (default 100,1000; 0 = no sweeps)"
    )
    parser.add_argument(
        "--rates", help=f"offered total msg/s, comma-separated (default {DEFAULT_RATES})"
    )
    parser.add_argument("--duration", type=float, help="seconds measured per rate (default 5)")
    parser.add_argument(
        "--latency-duration",
        type=float,
        help="seconds measured at 1 msg/s per client, the latency target (default 10)",
    )
    parser.add_argument(
        "--latency-rounds",
        type=int,
        help="extra runs of the latency step at the most clients, each server fresh, bare "
        "and chatdesk alternated; the p99 target takes the median ratio (default 2; "
        "--quick: 0)",
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--drain", type=float, default=2.0, help="seconds to wait for late acks")
    parser.add_argument("--refine", type=int, help="bisection steps after the first failure")
    parser.add_argument("--idle", type=int, help="idle connections (default 10000; 0 = skip)")
    parser.add_argument(
        "--idle-modes",
        help="deflate (client offers permessage-deflate like a browser) and/or plain "
        "(default both; --quick: deflate)",
    )
    parser.add_argument("--settle", type=float, default=2.0, help="seconds before reading RSS")
    parser.add_argument(
        "--hold",
        type=float,
        default=10.0,
        help="seconds every idle visitor stays connected after the full GC (loop stalls)",
    )
    parser.add_argument("--generators", type=int, default=2, help="load generator processes")
    parser.add_argument(
        "--load-deflate",
        action="store_true",
        help="offer permessage-deflate in the rate sweeps too (default: not)",
    )
    parser.add_argument("--servers", default="bare,chatdesk", help="which servers to run")
    parser.add_argument("--max-p99", type=float, default=100.0, help="ms, sustained-rate bound")
    parser.add_argument(
        "--min-achieved", type=float, default=0.95, help="fraction of the offered rate"
    )
    parser.add_argument(
        "--max-foreign",
        type=float,
        default=0.15,
        help="CPU (fraction of one) other processes may use during a step before it is rerun",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20.0,
        help="seconds to wait before a step for other processes to calm down",
    )
    parser.add_argument(
        "--retries", type=int, default=2, help="reruns of a step disturbed by other processes"
    )
    parser.add_argument(
        "--chatdesk",
        default=str(Path(sys.executable).parent / "chatdesk"),
        help="the chatdesk program (default: the chatdesk script next to this Python); "
        "extra words are passed before `serve`",
    )
    parser.add_argument(
        "--loop",
        choices=("asyncio", "uvloop"),
        help="the servers' event loop: CHATDESK_LOOP for chatdesk, the same for bare "
        "(default: asyncio for both)",
    )
    parser.add_argument(
        "--sqlite-synchronous",
        choices=("full", "normal"),
        help="chatdesk's CHATDESK_SQLITE_SYNCHRONOUS (default: chatdesk's own default)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=-10,
        help="scheduling priority of the servers and generators (needs root below 0; "
        "falls back to 0): favours them over other processes on a shared machine",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="print the report of an earlier run from its JSON file (nothing is measured)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    parser.add_argument(
        "--out", type=Path, default=BENCH / "results", help="where to keep json + markdown"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    if args.clients is None:
        args.clients = "100" if quick else "100,1000"
    args.clients = [int(x) for x in _numbers(args.clients) if x > 0]  # 0: no rate sweeps
    default_rates = "500,1000,2000" if quick else DEFAULT_RATES
    args.rates = sorted(_numbers(args.rates or default_rates))
    args.duration = args.duration or (1.5 if quick else 5.0)
    args.latency_duration = args.latency_duration or (2.0 if quick else 10.0)
    if args.latency_rounds is None:
        args.latency_rounds = 0 if quick else 2
    if args.refine is None:
        args.refine = 0 if quick else 2
    if args.idle is None:
        args.idle = 300 if quick else 10_000
    if quick:
        args.warmup = min(args.warmup, 0.5)
        args.drain = min(args.drain, 1.0)
        args.settle = min(args.settle, 1.0)
        args.hold = min(args.hold, 1.0)
        args.retries = min(args.retries, 1)
        args.quiet_wait = min(args.quiet_wait, 3.0)
    args.chatdesk = shlex.split(args.chatdesk)
    if args.idle_modes is None:
        args.idle_modes = "deflate" if quick else "deflate,plain"
    args.idle_modes = [m for m in args.idle_modes.split(",") if m]
    args.servers = [s for s in args.servers.split(",") if s]
    for s in args.servers:
        if s not in SERVERS:
            parser.error(f"unknown server {s!r}")
    cpus = sorted(os.sched_getaffinity(0))
    if args.no_pin or len(cpus) < 2:
        args.server_cpu = args.load_cpu = None
    else:
        args.server_cpu, args.load_cpu = cpus[0], cpus[1]
    return args
