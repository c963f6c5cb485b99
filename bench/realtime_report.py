"""What the realtime benchmark measured, and how it is reported: steps, sweeps, idle
connections, the targets, and the markdown tables (also rebuilt from a saved JSON)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

SERVERS = ("bare", "chatdesk")

SUSTAINED_DEFINITION = (
    "max sustained = the highest offered rate at which, over the measurement window, acks "
    "received >= {min_achieved:.0%} of the offered rate, p99 ack latency < {max_p99:g} ms "
    "(messages without an ack {drain:g} s after the window count as infinitely late) and no "
    "error acks. The sweep stops at the first failing rate, then bisects {refine} time(s) "
    "between the last passing and the first failing rate."
)


# ---------------------------------------------------------------------------------------------
# Measurements


@dataclass
class Step:
    """One offered rate against one server: what came back."""

    server: str
    clients: int
    rate: float
    duration: float
    scheduled: int
    achieved: float
    p50: float
    p90: float
    p99: float
    p999: float
    max: float
    p99_sched: float
    lost: int
    errors: int
    first_error: str
    events_per_s: float
    server_cpu: float
    #: The server's CPU split: its event-loop (main) thread, and its other threads
    #: (chatdesk: the SQLite worker).
    server_loop_cpu: float
    server_threads_cpu: float
    gen_cpu: float
    gen_lag_p99: float
    #: CPU time on the machine not used by the server or the generators (other processes),
    #: as a fraction of one CPU: a step with much of it was disturbed.
    foreign_cpu: float
    foreign_top: str = ""
    attempts: int = 1
    passed: bool = False
    why: str = ""


@dataclass
class Load:
    """A rate sweep against one server at one number of clients."""

    server: str
    clients: int
    connect_seconds: float
    steps: list[Step] = field(default_factory=list)
    max_sustained: float = 0.0
    saturated: bool = False  # a failing rate was found (else max_sustained is a lower bound)
    acked_ok: int = 0
    stored_messages: int | None = None
    #: 0 for a sweep; n for the n-th extra run of the latency step (--latency-rounds).
    round: int = 0


@dataclass
class Idle:
    """Idle connections held by one fresh server process."""

    server: str
    mode: str
    requested: int
    connected: int
    failed: int
    deflate: int
    connect_seconds: float
    rss_before_kb: int
    rss_after_kb: int
    errors: list[str] = field(default_factory=list)
    #: Events that reached a connection before its namespace CONNECT packet.
    early_events: int = 0
    #: One full gc.collect() in the server with every connection held (bench/gc_signal.py).
    full_gc_ms: float | None = None
    full_gc_cpu_ms: float | None = None  # the same in CPU time (the wall time waits for CPU)
    #: chatdesk's longest event-loop stall (its probe, /metrics) after connecting, and
    #: after the full collection (None: bare has no probe).
    lag_connect_ms: float | None = None
    lag_after_gc_ms: float | None = None
    #: With every visitor connected (``--hold`` seconds and the full collection): the
    #: probe's wake-ups, those over 50 ms late, the worst one's histogram bucket (ms).
    connected_wakeups: int | None = None
    connected_over_50: int | None = None
    connected_worst_ms: float | None = None
    #: The server's CPU while they connected (until idle again), per connection.
    connect_cpu_ms_per_conn: float | None = None
    #: Every connection closed at once (a network blip, a load balancer's restart): the
    #: server's CPU until it is idle again, per connection, and that time on the clock.
    drop_cpu_ms_per_conn: float | None = None
    drop_seconds: float | None = None

    @property
    def per_conn_kb(self) -> float:
        if not self.connected:
            return math.nan
        return (self.rss_after_kb - self.rss_before_kb) / self.connected


def quantile(sorted_values: Sequence[float], extra_inf: int, q: float) -> float:
    """The ``q`` quantile of ``sorted_values`` plus ``extra_inf`` infinite values."""
    total = len(sorted_values) + extra_inf
    if total == 0:
        return math.nan
    rank = min(total - 1, int(q * total))
    return sorted_values[rank] if rank < len(sorted_values) else math.inf


# ---------------------------------------------------------------------------------------------
# Reporting


def fmt_ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "inf"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def step_line(s: Step) -> str:
    verdict = "ok  " if s.passed else "FAIL"
    return (
        f"{verdict} {s.rate:>7.0f}/s -> {s.achieved:>7.0f}/s  p50 {fmt_ms(s.p50):>6} "
        f"p99 {fmt_ms(s.p99):>6} p99.9 {fmt_ms(s.p999):>6} max {fmt_ms(s.max):>6} ms  "
        f"cpu: server {s.server_cpu:>4.0%} = loop {s.server_loop_cpu:>4.0%} + threads "
        f"{s.server_threads_cpu:>4.0%} ({_us_per_msg(s):>3.0f} µs/msg), generators "
        f"{s.gen_cpu:>4.0%}, others {s.foreign_cpu:>4.0%}  "
        f"{s.why}"
    )


def _us_per_msg(step: Step) -> float:
    """Server CPU time per acked message, in microseconds."""
    return step.server_cpu / step.achieved * 1e6 if step.achieved else math.nan


def _ratio(a: float, b: float) -> float:
    if not b or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def _fmt_ratio(value: float) -> str:
    return "-" if math.isnan(value) or math.isinf(value) else f"{value:.2f}x"


def load_table(loads: list[Load]) -> str:
    """One markdown table per client count: both servers side by side at each rate."""
    out: list[str] = []
    for clients in sorted({load.clients for load in loads}):
        by_server = {
            load.server: {s.rate: s for s in load.steps}
            for load in loads
            if load.clients == clients
        }
        rates = sorted({rate for steps in by_server.values() for rate in steps})
        out.append(f"**{clients} clients** (latency in ms, measured from the send time)\n")
        out.append(
            "| offered msg/s | bare acks/s | bare p50 | bare p99 | bare p99.9 | bare cpu "
            "| chatdesk acks/s | chatdesk p50 | chatdesk p99 | chatdesk p99.9 | chatdesk cpu "
            "| p99 chatdesk/bare |"
        )
        out.append("|" + "---:|" * 12)
        for rate in rates:
            cells = [f"{rate:.0f}"]
            p99s = []
            for kind in SERVERS:
                s = by_server.get(kind, {}).get(rate)
                if s is None:
                    cells += ["-"] * 5
                    p99s.append(math.nan)
                    continue
                mark = ("" if s.passed else " ✗") + (" †" if "disturbed" in s.why else "")
                cells += [
                    f"{s.achieved:.0f}{mark}",
                    fmt_ms(s.p50),
                    fmt_ms(s.p99),
                    fmt_ms(s.p999),
                    f"{s.server_cpu:.0%}",
                ]
                p99s.append(s.p99)
            cells.append(_fmt_ratio(_ratio(p99s[1], p99s[0])))
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    out.append(
        "✗ = the step failed the sustained-rate definition; † = other processes used more "
        "than the allowed CPU during every attempt (results disturbed).\n"
    )
    return "\n".join(out)


def fmt_s(value: float | None) -> str:
    """Seconds with one decimal, or "-" when not measured."""
    return "-" if value is None else f"{value:.1f}"


def _window(i: Idle) -> str:
    if i.connected_wakeups is None:
        return "-"
    return f"{i.connected_over_50} of {i.connected_wakeups} (<= {i.connected_worst_ms:g} ms)"


def idle_table(idles: list[Idle]) -> str:
    out = [
        "| server | client offers deflate | connected | deflate negotiated "
        "| connect time (server CPU) | RSS before | RSS after | RSS per connection "
        "| full GC (CPU) | longest loop stall "
        "(since start / after the GC) | all connected: wake-ups over 50 ms late (worst) "
        "| all leave at once: server CPU per connection (wall) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i in idles:
        out.append(
            f"| {i.server} | {'yes' if i.mode == 'deflate' else 'no'} | "
            f"{i.connected}/{i.requested} | {i.deflate} | {i.connect_seconds:.1f} s "
            f"({fmt_ms(i.connect_cpu_ms_per_conn)} ms CPU each) | "
            f"{i.rss_before_kb / 1024:.1f} MB | {i.rss_after_kb / 1024:.1f} MB | "
            f"{i.per_conn_kb:.1f} kB | {fmt_ms(i.full_gc_ms)} ({fmt_ms(i.full_gc_cpu_ms)}) ms | "
            f"{fmt_ms(i.lag_connect_ms)} / {fmt_ms(i.lag_after_gc_ms)} ms | "
            f"{_window(i)} | "
            f"{fmt_ms(i.drop_cpu_ms_per_conn)} ms ({fmt_s(i.drop_seconds)} s) |"
        )
    return "\n".join(out) + "\n"
