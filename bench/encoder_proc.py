"""What the sentence encoder in a child process costs the server's process, per call.

Encodes the questions of the shipped suite (knowledge/tests.yaml) one call at a time (or
``--batch`` texts a call) through ``ProcessEncoder`` (the child, CHATDESK_BOT_ENCODER=process)
and through ``SentenceEncoder`` in this thread (``thread``), the variants alternated round by
round in one process, and prints per call, min / median over the rounds:

* the CPU of this process (``time.process_time``, every thread): what the server's process
  pays; with the child, only pickling, the socket and waking up when the answer comes;
* the child's CPU (utime + stime from /proc/<pid>/stat);
* the wall time of a call (noisy on a busy machine: the CPU figures are the ones to trust);
* a pipe round trip to a spawned child that echoes 2 kB without encoding (the IPC alone);
* the child's start (wall and CPU to its first answer) and resident memory after warm-up
  (VmRSS), and this process's growth when it loads the model itself.

Usage::

    .venv/bin/python bench/encoder_proc.py [--rounds 5] [--texts 200] [--batch 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

from chatdesk.bot.embeddings import SentenceEncoder
from chatdesk.bot.encoderproc import ProcessEncoder
from chatdesk.bot.evaluate import load_suite

ROOT = Path(__file__).resolve().parent.parent
_TICK = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int | str = "self") -> int:
    """Return the resident memory of ``pid`` in KiB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError("VmRSS")


def child_cpu(pid: int | None) -> float:
    """Return the CPU seconds ``pid`` has used (0 without a child)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def _echo(conn: Connection) -> None:
    """A child answering each request with 2 kB (one vector's bytes), without encoding."""
    answer = bytes(4 + 512 * 4)
    while True:
        try:
            conn.recv()
        except EOFError:
            return
        conn.send_bytes(answer)


def time_calls(
    calls: Sequence[Callable[[], object]], pid: Callable[[], int | None]
) -> tuple[float, float, float]:
    """Return (this process's CPU, the child's CPU, wall), µs per call."""
    child = child_cpu(pid())
    cpu, wall = time.process_time(), time.perf_counter()
    for call in calls:
        call()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    child = child_cpu(pid()) - child
    return cpu / len(calls) * 1e6, child / len(calls) * 1e6, wall / len(calls) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--texts", type=int, default=200, help="questions per round")
    parser.add_argument("--batch", type=int, default=1, help="texts per encoder call")
    args = parser.parse_args()
    _, suite = load_suite(ROOT / "knowledge")
    texts = [case.text for case in suite][: args.texts]
    batches = [texts[i : i + args.batch] for i in range(0, len(texts), args.batch)]

    before = rss_kib()
    in_thread = SentenceEncoder()
    in_thread.encode(["warm up"])
    grown = rss_kib() - before
    process = ProcessEncoder()
    started = time.perf_counter()
    process.encode(["warm up"])
    first = time.perf_counter() - started
    assert process.pid is not None
    print(
        f"child: first call {first:.2f} s wall, {child_cpu(process.pid):.2f} s of its CPU "
        f"(start, imports, weights); VmRSS after warm-up {rss_kib(process.pid) / 1024:.0f} MiB; "
        f"this process grew {grown / 1024:.0f} MiB loading the model in-thread"
    )

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    echo = context.Process(target=_echo, args=(theirs,), daemon=True)
    echo.start()
    theirs.close()

    def round_trip(batch: list[str]) -> None:
        ours.send(batch)
        ours.recv_bytes()

    variants: dict[str, tuple[list[Callable[[], object]], Callable[[], int | None]]] = {
        "process": ([lambda b=b: process.encode(b) for b in batches], lambda: process.pid),
        "thread": ([lambda b=b: in_thread.encode(b) for b in batches], lambda: None),
        "pipe round trip (echo)": ([lambda b=b: round_trip(b) for b in batches], lambda: echo.pid),
    }
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (calls, pid) in variants.items():
            results[name].append(time_calls(calls, pid))
    print(
        f"{len(batches)} calls of {args.batch} text(s) a round, {args.rounds} rounds, "
        f"load average {os.getloadavg()[0]:.1f}; µs per call, min / median"
    )
    print(f"{'variant':<24} {'this process CPU':>18} {'child CPU':>14} {'wall':>16}")
    for name, rows in results.items():
        cells = []
        for column in range(3):
            values = [row[column] for row in rows]
            cells.append(f"{min(values):,.0f} / {statistics.median(values):,.0f}")
        print(f"{name:<24} {cells[0]:>18} {cells[1]:>14} {cells[2]:>16}")
    ours.close()
    echo.join()
    process.close()


if __name__ == "__main__":
    main()
