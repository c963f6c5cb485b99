"""Store benchmark: acked-message latency of chatdesk on PostgreSQL against SQLite, one run.

1,000 visitor connections each send 1 message/s (the latency target of bench/realtime.py) to
one ``chatdesk serve`` on SQLite (the default: the file in its data dir) and to one on
PostgreSQL (a server of our own, started like the tests' one but durable: fsync on, files on
the disk), with synchronous commit on (PostgreSQL's default) and off (see BACKENDS),
interleaved over ``--rounds`` rounds so drift on a shared machine hits all alike. The
chatdesk process is pinned to one CPU and the load generators (bench/loadgen.py) to the
other; PostgreSQL's processes are not pinned (their CPU time is reported) but get the same
priority (``--nice``). After each run, the messages stored are counted against those acked.

Usage (from the repository root)::

    .venv/bin/python bench/store.py              # ~5 minutes
    .venv/bin/python bench/store.py --quick      # a smoke run (< 60 s)

See bench/README.md ("Store") for the latest results.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (BENCH, ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

# bench/ is not a package: these are its sibling modules; the PostgreSQL server is the tests'.
import realtime  # noqa: E402
from realtime_report import Step, fmt_ms  # noqa: E402
from realtime_servers import Generators, Server, process_times  # noqa: E402
from realtime_summary import machine  # noqa: E402

from tests.postgres import PostgresServer, find_binaries  # noqa: E402

#: SQLite (chatdesk's default durability, normal: no fsync at commit), PostgreSQL as it
#: ships (synchronous_commit on: a WAL flush per commit) and PostgreSQL with
#: synchronous_commit off (no flush wait: the nearest to SQLite's normal, though a crash of
#: the database server itself may lose the last moments).
BACKENDS = ("sqlite", "postgresql", "postgresql-async")


@dataclass
class Run:
    """One backend under the load for one round."""

    backend: str
    round: int
    step: Step
    database_cpu: float  # PostgreSQL's processes, fraction of one CPU (SQLite: in the server)
    acked: int
    stored: int


def say(text: str) -> None:
    print(text, flush=True)


def postgres_pids(server: PostgresServer) -> list[int]:
    """Return the PostgreSQL cluster's processes: the postmaster and its children."""
    main = int((server.data / "postmaster.pid").read_text().split()[0])
    pids = []
    for pid in process_times():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if pid == main or int(stat[stat.rindex(")") + 2 :].split()[1]) == main:
            pids.append(pid)
    return pids


def postgres_cpu(server: PostgresServer) -> float:
    """CPU seconds used so far by the PostgreSQL cluster's processes."""
    times = process_times()
    return sum(times[p][1] for p in postgres_pids(server) if p in times) / os.sysconf("SC_CLK_TCK")


def renice(server: PostgresServer, nice: int | None) -> None:
    """Give PostgreSQL the priority of the servers under test (its backends, forked later,
    inherit the postmaster's): at the default it would lose the CPU to them."""
    if nice is None:
        return
    for pid in postgres_pids(server):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, nice)


async def _count_postgres(url: str) -> int:
    db = await asyncpg.connect(url)
    try:
        return int(await db.fetchval("SELECT COUNT(*) FROM messages"))
    finally:
        await db.close()


async def _no_sync_commit(pg: PostgresServer, url: str) -> None:
    admin = await asyncpg.connect(pg.url())
    try:
        await admin.execute(f"ALTER DATABASE {url.rpartition('/')[2]} SET synchronous_commit = off")
    finally:
        await admin.close()


def one_run(
    backend: str,
    index: int,
    args: argparse.Namespace,
    workdir: Path,
    pg: PostgresServer,
    serial: int,
) -> Run:
    """Start chatdesk on ``backend``, connect the visitors, offer the load once, stop."""
    server = Server("chatdesk", workdir, args.server_cpu, serial, args.chatdesk)
    server.nice = args.nice
    url = ""
    if backend.startswith("postgresql"):
        url = asyncio.run(pg.create_database())
        if backend == "postgresql-async":
            asyncio.run(_no_sync_commit(pg, url))
        server.env = {"CHATDESK_DATABASE_URL": url}
        if args.pool_size:
            server.env["CHATDESK_DATABASE_POOL_SIZE"] = str(args.pool_size)
    server.start()
    gens = Generators(args.generators, server.url, args.load_cpu, args.nice)
    try:
        connected = gens.connect(args.clients, 0)
        if connected["failed"]:
            raise RuntimeError(f"{connected['failed']} connections failed: {connected['errors']}")
        server.wait_idle()
        ours = {os.getpid(), server.pid, *(p.pid for p in gens.procs)}
        realtime.wait_quiet(args, ours)
        db0 = postgres_cpu(pg)
        t0 = time.monotonic()
        step = realtime.run_step(server, gens, args.clients, args.rate, args, args.duration)
        database_cpu = (postgres_cpu(pg) - db0) / (time.monotonic() - t0)
        acked = sum(r["acked_ok"] for r in gens.call("step_stats", [{}] * len(gens.pipes)))
    finally:
        gens.close()
        server.stop()
    if url:
        stored = asyncio.run(_count_postgres(url))
        asyncio.run(pg.drop_database(url))
        database_cpu_shown = database_cpu
    else:
        with contextlib.closing(sqlite3.connect(server.db_path)) as db:
            stored = db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        database_cpu_shown = 0.0
    run = Run(backend, index, step, database_cpu_shown, acked, stored)
    say(
        f"  round {index} {backend:<16} p50 {fmt_ms(step.p50)} p99 {fmt_ms(step.p99)} "
        f"p99.9 {fmt_ms(step.p999)} max {fmt_ms(step.max)} ms, {step.achieved:.0f} msg/s, "
        f"lost {step.lost}, errors {step.errors}, chatdesk CPU {step.server_cpu:.0%}, "
        f"PostgreSQL CPU {run.database_cpu:.0%}, stored {stored} / acked {acked}"
    )
    return run


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def render(runs: list[Run], args: argparse.Namespace, info: dict[str, Any]) -> str:
    """Return the markdown report: every run, the medians, and the PostgreSQL/SQLite ratio."""
    lines = [
        f"{info['date']} · {info['cpu']} · {info['cpus']} CPUs · "
        f"{args.clients} visitors x {args.rate / args.clients:g} msg/s, "
        f"{args.duration:g} s measured per run, {args.rounds} round(s), "
        f"pool size {args.pool_size or 'default'}",
        "",
        "| backend | round | p50 ms | p99 ms | p99.9 ms | max ms | achieved msg/s | lost | "
        "errors | chatdesk CPU | PostgreSQL CPU | stored / acked |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        s = run.step
        lines.append(
            f"| {run.backend} | {run.round} | {fmt_ms(s.p50)} | {fmt_ms(s.p99)} | "
            f"{fmt_ms(s.p999)} | {fmt_ms(s.max)} | {s.achieved:.0f} | {s.lost} | {s.errors} | "
            f"{s.server_cpu:.0%} | {run.database_cpu:.0%} | {run.stored} / {run.acked} |"
        )
    medians = {
        backend: {
            q: _median([getattr(r.step, q) for r in runs if r.backend == backend])
            for q in ("p50", "p99", "p999")
        }
        for backend in BACKENDS
    }
    lines += ["", "| median of the rounds | p50 ms | p99 ms | p99.9 ms |", "|---|---|---|---|"]
    for backend, m in medians.items():
        lines.append(
            f"| {backend} | {fmt_ms(m['p50'])} | {fmt_ms(m['p99'])} | {fmt_ms(m['p999'])} |"
        )
    lost = [r for r in runs if r.stored < r.acked]
    lines.append("")
    for backend in BACKENDS[1:]:
        ratio = medians[backend]["p99"] / medians["sqlite"]["p99"]
        lines.append(
            f"{backend} / sqlite acked-message p99: **{ratio:.2f}x** "
            f"({fmt_ms(medians[backend]['p99'])} vs {fmt_ms(medians['sqlite']['p99'])} ms)."
        )
    lines += [
        "Every acked message stored: "
        + ("yes." if not lost else f"**NO** ({', '.join(r.backend for r in lost)})."),
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="acked-message latency: PostgreSQL vs SQLite")
    parser.add_argument("--quick", action="store_true", help="a smoke run (< 60 s)")
    parser.add_argument("--clients", type=int, help="visitor connections (default 1000)")
    parser.add_argument("--duration", type=float, help="seconds measured per run (default 20)")
    parser.add_argument("--rounds", type=int, help="rounds of every backend (default 2)")
    parser.add_argument(
        "--pool-size", type=int, help="CHATDESK_DATABASE_POOL_SIZE (default: chatdesk's, 10)"
    )
    parser.add_argument(
        "--out", type=Path, default=BENCH / "results", help="where to keep json + markdown"
    )
    own, rest = parser.parse_known_args(argv)
    # The load generators, pinning and steps of bench/realtime.py, with its options.
    args = realtime.parse_args(["--quick", *rest] if own.quick else rest)
    args.clients = own.clients or (200 if own.quick else 1000)
    args.rate = float(args.clients)  # 1 msg/s per visitor
    args.duration = own.duration or (3.0 if own.quick else 20.0)
    args.rounds = own.rounds or (1 if own.quick else 2)
    args.out = own.out
    args.pool_size = own.pool_size
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    binaries = find_binaries()
    if binaries is None:
        say("PostgreSQL is not installed (make system-deps installs it as root)")
        return 2
    if args.nice is not None:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        except PermissionError:
            args.nice = None
    if args.load_cpu is not None:
        os.sched_setaffinity(0, {args.load_cpu})
    info = machine()
    pg = PostgresServer(binaries, durable=True)
    runs: list[Run] = []
    t0 = time.monotonic()
    try:
        pg.start()
        pg.make_template()
        renice(pg, args.nice)
        say(f"PostgreSQL on port {pg.port} ({pg.dir}); chatdesk on CPU {args.server_cpu}")
        with tempfile.TemporaryDirectory(prefix="chatdesk-bench-store-") as tmp:
            serial = 0
            for index in range(1, args.rounds + 1):
                for backend in BACKENDS:
                    serial += 1
                    runs.append(one_run(backend, index, args, Path(tmp), pg, serial))
    finally:
        pg.stop()
    report = render(runs, args, info)
    say("\n" + report)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (args.out / f"store-{stamp}.md").write_text(report + "\n", encoding="utf-8")
    raw = {"machine": info, "seconds": time.monotonic() - t0, "runs": [asdict(r) for r in runs]}
    (args.out / f"store-{stamp}.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    say(f"kept in {args.out / f'store-{stamp}'}.{{md,json}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
