"""bench/realtime.py's idle phase: a fresh server holding many idle visitors, then losing
them all at once (RSS per connection, the longest loop stall, a full GC, the CPU of
connecting and of leaving)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from realtime_report import Idle, fmt_ms
from realtime_servers import Generators, Server


def say(text: str) -> None:
    print(text, flush=True)


def connected_window(
    before: dict[float, int] | None, after: dict[float, int] | None
) -> tuple[int, int, float] | None:
    """(wake-ups, wake-ups over 50 ms late, the worst one's bucket bound in ms) between
    two readings of the loop-lag histogram; None without one (bare)."""
    if not before or not after:
        return None
    moved = {le: after[le] - before.get(le, 0) for le in after}
    total = moved.get(float("inf"), 0)
    over = total - moved.get(0.05, 0)
    worst = min((le for le, n in moved.items() if n == total), default=float("inf"))
    return total, over, worst * 1000


def window_text(idle: Idle) -> str:
    if idle.connected_wakeups is None:
        return "-"
    return (
        f"{idle.connected_over_50} of {idle.connected_wakeups} probe wake-ups over 50 ms late, "
        f"the worst <= {idle.connected_worst_ms:g} ms"
    )


def run_idle(
    kind: str, n: int, mode: str, args: argparse.Namespace, workdir: Path, serial: int
) -> Idle:
    """A fresh ``kind`` process; RSS before and after ``n`` idle visitor connections."""
    compress = 15 if mode == "deflate" else 0
    server = Server(kind, workdir, args.server_cpu, serial, args.chatdesk)
    server.nice = args.nice
    server.synchronous = args.sqlite_synchronous
    server.loop = args.loop
    server.gc_signal = True
    server.start()
    gens = Generators(args.generators, server.url, args.load_cpu, args.nice)
    try:
        # Warm the server's code paths (imports, caches) so they don't count per connection.
        gens.connect(20, compress)
        gens.drop()
        server.wait_idle()
        time.sleep(0.5)
        before = server.rss_kb()
        connect_cpu = server.cpu_seconds()
        conn = gens.connect(n, compress)
        server.wait_idle()
        connect_cpu = server.cpu_seconds() - connect_cpu
        time.sleep(args.settle)
        after = server.rss_kb()
        # The longest event-loop stall while connecting (chatdesk's probe), then one full
        # collection with every connection held, and the stall it caused.
        lag_connect = server.loop_lag_max_ms()
        # Then a window with every visitor connected (their pings, the full collection,
        # ``--hold`` seconds): how many wake-ups of the probe came over 50 ms late, and the
        # worst one's histogram bucket. The stalls above are since start, the connect
        # storm's included (a saturated loop: a turn holds dozens of handshakes).
        counts_before = server.loop_lag_counts()
        gc_times = server.full_gc_ms()
        time.sleep(args.hold)
        lag_gc = server.loop_lag_max_ms()
        window = connected_window(counts_before, server.loop_lag_counts())
        # Then everyone leaves at once: what the server spends until it is idle again.
        cpu_before, started = server.cpu_seconds(), time.monotonic()
        gens.drop()
        server.wait_idle(timeout=600)
        drop_seconds = time.monotonic() - started
        drop_cpu = server.cpu_seconds() - cpu_before
        idle = Idle(
            server=kind,
            mode=mode,
            requested=n,
            connected=conn["connected"],
            failed=conn["failed"],
            deflate=conn["deflate"],
            connect_seconds=conn["seconds"],
            rss_before_kb=before,
            rss_after_kb=after,
            errors=conn["errors"],
            early_events=conn["early_events"],
            full_gc_ms=gc_times[0] if gc_times else None,
            full_gc_cpu_ms=gc_times[1] if gc_times else None,
            lag_connect_ms=lag_connect,
            lag_after_gc_ms=lag_gc,
            connected_wakeups=window[0] if window else None,
            connected_over_50=window[1] if window else None,
            connected_worst_ms=window[2] if window else None,
            connect_cpu_ms_per_conn=connect_cpu * 1000 / max(conn["connected"], 1),
            drop_cpu_ms_per_conn=drop_cpu * 1000 / max(conn["connected"], 1),
            drop_seconds=drop_seconds,
        )
        say(
            f"idle {kind} ({mode}): {idle.connected}/{n} connected in "
            f"{idle.connect_seconds:.1f} s ({fmt_ms(idle.connect_cpu_ms_per_conn)} ms of CPU "
            f"each), deflate negotiated on {idle.deflate}, RSS "
            f"{before / 1024:.1f} -> {after / 1024:.1f} MB = {idle.per_conn_kb:.1f} kB/conn; "
            f"full GC {fmt_ms(idle.full_gc_ms)} ms ({fmt_ms(idle.full_gc_cpu_ms)} ms CPU), "
            f"longest loop stall {fmt_ms(lag_connect)} ms while "
            f"connecting, {fmt_ms(lag_gc)} ms after the GC; "
            f"all connected ({args.hold:g} s + the GC): {window_text(idle)}; all leaving: "
            f"{fmt_ms(idle.drop_cpu_ms_per_conn)} ms of CPU each, {drop_seconds:.1f} s"
        )
        if idle.errors or idle.early_events:
            say(f"  failures: {idle.errors}; events before CONNECT: {idle.early_events}")
    finally:
        gens.close()
        server.stop()
    return idle
