"""Cluster benchmark: a visitor's message on process A relayed to an operator on process B.

chatdesk (two ``chatdesk serve`` processes sharing a SQLite data dir and a Redis, the
bounded pool) against a bare python-socketio ``AsyncRedisManager`` relay
(bench/bare_relay.py, redis-py's default pool) on the same Redis, in one run. For each, an
open-loop rate sweep of acked ``message`` events from lean visitor connections on A
(bench/relay_load.py), one operator connection on B watching every conversation. Per step:
acked rate, ack p99, relay latency (A's visitor to B's operator) p50/p99, acked messages
never relayed (lost), and the peak number of Redis connections. Then chatdesk runs at twice
the rate where bare failed.

Usage (from the repository root)::

    .venv/bin/python bench/cluster.py            # ~3 minutes
    .venv/bin/python bench/cluster.py --quick    # a smoke run (< 1 minute)

Targets: chatdesk's sustained rate >= 1x bare's; at 2x the rate where bare collapses,
chatdesk loses no acked message (its latency may grow). Results: bench/README.md, "Cluster".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from array import array
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from cluster_servers import Redis, Servers, Side  # noqa: E402


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_step(
    sender: Side,
    receiver: Side,
    store: Redis,
    name: str,
    rate: float,
    args: argparse.Namespace,
    drain: float | None = None,
) -> dict[str, Any]:
    """Offer ``rate`` msg/s for ``args.duration`` s; then wait (at most ``drain`` s) until
    every message is acked and relays stop coming; measure it all."""
    drain = args.drain if drain is None else drain
    store.watch()
    start = time.monotonic() + 0.3
    sent = sender.call("step", name=name, rate=rate, start=start, duration=args.duration)
    ended = time.monotonic()
    deadline = ended + drain
    while sender.call("waiting") and time.monotonic() < deadline:
        time.sleep(0.1)
    acked_at = time.monotonic() - ended
    count = -1
    while time.monotonic() < deadline:
        now = receiver.call("count")
        if now == count:
            break  # no relay for 0.3 s
        count = now
        time.sleep(0.3)
    acked = sender.call("collect")
    received = receiver.call("collect")["received"]
    peak = store.peak_since()
    ack_lat = array("d")
    ack_lat.frombytes(acked["ack_lat"])
    relay = [received[uid] for uid in acked["acked"] if uid in received]
    lost = len(acked["acked"]) - len(relay)
    step = {
        "rate": rate,
        "scheduled": sent["scheduled"],
        "acked": len(acked["acked"]),
        "unacked": acked["unacked"],
        "acked_after_s": acked_at,
        "errors": acked["errors"],
        "relayed": len(received),
        "lost": lost,
        "ack_p99_ms": quantile(list(ack_lat), 0.99) * 1000,
        "relay_p50_ms": quantile(relay, 0.50) * 1000,
        "relay_p99_ms": quantile(relay, 0.99) * 1000,
        "relay_max_ms": max(relay, default=float("nan")) * 1000,
        "sender_lag_max_ms": sent["lag_max"] * 1000,
        "redis_clients_peak": peak,
        "load_average": os.getloadavg()[0],
    }
    step["ok"] = (
        lost == 0
        and step["acked"] >= args.min_achieved * sent["scheduled"]
        and step["relay_p99_ms"] <= args.max_p99
    )
    return step


def fmt_step(kind: str, s: dict[str, Any]) -> str:
    return (
        f"{kind:8} {s['rate']:>6.0f}/s  acked {s['acked']:>6}/{s['scheduled']:<6} "
        f"lost {s['lost']:>5}  ack p99 {s['ack_p99_ms']:7.1f} ms  relay p50 "
        f"{s['relay_p50_ms']:7.1f} p99 {s['relay_p99_ms']:7.1f} ms  redis clients "
        f"{s['redis_clients_peak']:>5}  load {s['load_average']:4.1f}  "
        f"{'ok' if s['ok'] else 'FAIL'}"
    )


def sweep(
    kind: str,
    store: Redis,
    args: argparse.Namespace,
    workdir: Path,
    overload: float | None = None,
) -> dict[str, Any]:
    """Start A and B of ``kind``; sweep the rates (or run one ``overload`` step)."""
    servers = Servers(kind, workdir / (kind if overload is None else f"{kind}-overload"), store.url)
    servers.workdir.mkdir()
    servers.start()
    sender = receiver = None
    try:
        sender = Side("sender", servers.urls[0])
        receiver = Side("receiver", servers.urls[1])
        connected = sender.call("connect", n=args.clients, session_event=kind == "chatdesk")
        cookie = asyncio.run(servers.login())
        watched = receiver.call("connect", cookie=cookie, conversations=connected["conversations"])
        print(f"{kind}: {connected['connected']} visitors on A, operator on B {watched}")
        if overload is not None:
            # Everything is waited for: delivery, however late, is what is measured.
            step = run_step(sender, receiver, store, "over", overload, args, drain=120.0)
            print(fmt_step(kind, step) + "  (2x bare's collapse, fresh servers)", flush=True)
            return {"steps": [], "overload": [step]}
        steps = []
        for rate in args.rates:
            step = run_step(sender, receiver, store, f"{kind}{rate:.0f}", rate, args)
            print(fmt_step(kind, step), flush=True)
            steps.append(step)
            if not step["ok"]:
                break
        return {"steps": steps, "overload": []}
    finally:
        for side in (sender, receiver):
            if side is not None:
                side.close()
        servers.stop()


def sustained(steps: list[dict[str, Any]]) -> float:
    rate = 0.0
    for step in steps:
        if not step["ok"]:
            break
        rate = step["rate"]
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (< 1 minute)")
    parser.add_argument("--clients", type=int, default=100, help="visitor connections on A")
    parser.add_argument("--rates", help="offered msg/s, comma-separated")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per step")
    parser.add_argument("--drain", type=float, default=4.0, help="seconds for late relays")
    parser.add_argument("--max-p99", type=float, default=250.0, help="ms, relay p99 bound")
    parser.add_argument("--min-achieved", type=float, default=0.95)
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    default = (
        "250,500" if args.quick else "250,500,750,1000,1500,2000,2500,3000,3500,4000,5000,6000"
    )
    args.rates = [float(x) for x in (args.rates or default).split(",")]
    if args.quick:
        args.duration, args.drain, args.clients = 1.5, 2.0, min(args.clients, 50)
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="chatdesk-bench-cluster-"))
    store = Redis(workdir)
    try:
        bare = sweep("bare", store, args, workdir)
        collapse = next((s["rate"] for s in bare["steps"] if not s["ok"]), None)
        reference = collapse if collapse is not None else bare["steps"][-1]["rate"]
        chatdesk = sweep("chatdesk", store, args, workdir)
        if not args.quick:
            chatdesk["overload"] = sweep("chatdesk", store, args, workdir, 2 * reference)[
                "overload"
            ]
    finally:
        store.stop()
    bare_rate, chatdesk_rate = sustained(bare["steps"]), sustained(chatdesk["steps"])
    # Nothing sustained by either (a saturated machine): no verdict but a failure.
    ratio = chatdesk_rate / bare_rate if bare_rate else float("inf" if chatdesk_rate else "nan")
    print()
    print(f"sustained relay (no loss, relay p99 <= {args.max_p99:.0f} ms, acked >= "
          f"{args.min_achieved:.0%}): bare {bare_rate:.0f}/s, chatdesk {chatdesk_rate:.0f}/s, "
          f"ratio {ratio:.2f}")  # fmt: skip
    print(f"bare collapsed at: {collapse or 'never (in this sweep)'}")
    verdicts = [("chatdesk sustained >= 1x bare", bool(ratio >= 1.0))]
    for step in chatdesk["overload"]:
        verdicts.append(
            (f"chatdesk at {step['rate']:.0f}/s (2x bare's collapse) loses no acked message",
             step["lost"] == 0)
        )  # fmt: skip
        verdicts.append(
            (f"... and acks every message sent (late: {step['acked_after_s']:.1f} s after)",
             step["acked"] == step["scheduled"] and step["errors"] == 0)
        )  # fmt: skip
    for what, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    args.out.mkdir(parents=True, exist_ok=True)
    result = {
        "started": started.isoformat(),
        "args": {k: v for k, v in vars(args).items() if k != "out"},
        "bare": bare,
        "chatdesk": chatdesk,
        "ratio": ratio,
        "collapse": collapse,
        "verdicts": verdicts,
    }
    path = args.out / f"cluster-{started:%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1, default=str))
    print(f"kept in {path}")
    passed = all(ok for _, ok in verdicts)
    if passed:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"servers' logs kept in {workdir}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
