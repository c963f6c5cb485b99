"""bench/bot_load.py's command line, and bare python-socketio's echo rate to read its
questions/s against."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import realtime
from realtime_args import parse_args as realtime_args

__all__ = ["bare_echo_rate", "parse_args"]


def parse_args(description: str) -> argparse.Namespace:
    """Return bot_load.py's arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--questions", type=float, default=100.0, help="questions/s in total")
    parser.add_argument("--askers", type=int, default=100, help="connections asking them")
    parser.add_argument("--chatters", type=int, default=300, help="visitors at 1 msg/s each")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per phase")
    parser.add_argument("--nice", type=int, default=-10 if os.geteuid() == 0 else None)
    parser.add_argument(
        "--encoder",
        choices=("process", "thread"),
        default="process",
        help="CHATDESK_BOT_ENCODER (the child process inherits the server's CPU)",
    )
    parser.add_argument(
        "--fixed-decisions",
        action="store_true",
        help="the bot answers every question with its first entry without computing it "
        "(bench/server_hooks/): what the questions cost the event loop alone",
    )
    parser.add_argument(
        "--bot-cpus",
        default="",
        help="CPUs the bot's threads and the encoder's child may use, e.g. 0,1 (default: "
        "the server's one, CPU 0; bench/server_hooks/): a spare CPU for the bot",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also a phase with the same texts at the same rate from visitors whose "
        "conversations wait for a person (the bot never sees them): what turning the bot "
        "on, rather than the messages themselves, does to the chatters' acks",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the phases this many times, alternated, and read the medians",
    )
    parser.add_argument(
        "--mixed-languages",
        action="store_true",
        help="each visitor asks questions of every language (before 2026-12-01: the bot "
        "then follows the visitor's language on most questions)",
    )
    parser.add_argument(
        "--sweep",
        type=lambda text: [float(x) for x in text.split(",") if x],
        default=[],
        help="question rates to step through instead of --questions (e.g. 50,100,150,200): "
        "the highest sustained one is reported",
    )
    parser.add_argument(
        "--bare-clients",
        type=int,
        default=100,
        help="with --sweep: also bare python-socketio's max sustained echo rate at this many "
        "clients, measured the way bench/realtime.py does, so that the questions/s can be "
        "read against this machine's speed (0: skip)",
    )
    return parser.parse_args()


def bare_echo_rate(clients: int) -> float:
    """Bare python-socketio's max sustained echo rate here, now (bench/realtime.py's sweep
    and definition, the server on CPU 0 as chatdesk's was)."""
    args = realtime_args(["--servers", "bare", "--clients", str(clients), "--idle", "0"])
    with tempfile.TemporaryDirectory(prefix="chatdesk-bot-bare-") as tmp:
        load = realtime.run_load("bare", clients, args.rates, args, Path(tmp), 0)
    return load.max_sustained
