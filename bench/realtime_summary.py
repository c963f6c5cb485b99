"""bench/realtime.py's verdict: the targets of issue 16 against a run's results, and the
whole markdown report (with the machine it ran on)."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from realtime_report import (
    SUSTAINED_DEFINITION,
    Idle,
    Load,
    Step,
    _fmt_ratio,
    _ratio,
    fmt_ms,
    idle_table,
    load_table,
)
from realtime_rounds import latency_runs, runs_table, verdict


@dataclass
class Target:
    name: str
    bare: str
    chatdesk: str
    ratio: str
    goal: str
    result: str


def targets(
    loads: list[Load],
    idles: list[Idle],
    args: argparse.Namespace,
    rounds: list[Load] | None = None,
) -> list[Target]:
    rows: list[Target] = []
    biggest = max(args.clients, default=0)
    runs = latency_runs(loads, rounds or [], biggest)
    if runs:
        b, c, r, counted = verdict(runs)
        how = ""
        if len(runs) > 1:
            ratios = ", ".join(_fmt_ratio(_ratio(cs.p99, bs.p99)) for bs, cs in counted)
            how = f" (median of {len(counted)} runs: {ratios})"
        rows.append(
            Target(
                f"p99 ack latency, {biggest} clients x 1 msg/s",
                f"{fmt_ms(b)} ms",
                f"{fmt_ms(c)} ms",
                _fmt_ratio(r) + how,
                "<= 1.5x bare",
                ("PASS" if r <= 1.5 else "FAIL") + _disturbed_note(*counted[0]),
            )
        )
    for clients in sorted(args.clients):
        pair = {load.server: load for load in loads if load.clients == clients}
        if len(pair) != 2:
            continue
        b, c = pair["bare"], pair["chatdesk"]
        r = _ratio(c.max_sustained, b.max_sustained)
        note = ""
        if not b.saturated:
            note = " (bare not saturated: ratio is an upper bound)"
        rows.append(
            Target(
                f"max sustained persisted msg/s, {clients} clients",
                f"{'' if b.saturated else '>='}{b.max_sustained:.0f}",
                f"{'' if c.saturated else '>='}{c.max_sustained:.0f}",
                _fmt_ratio(r),
                ">= 0.75x bare",
                ("PASS" if r >= 0.75 else "FAIL") + note + _disturbed_note(*_deciding(b, c)),
            )
        )
    for mode in ("deflate", "plain"):
        pair2 = {i.server: i for i in idles if i.mode == mode}
        if len(pair2) != 2:
            continue
        bi, ci = pair2["bare"], pair2["chatdesk"]
        r = _ratio(ci.per_conn_kb, bi.per_conn_kb)
        enough = ci.connected >= 10_000 and ci.failed == 0
        if mode == "deflate":
            result = "PASS" if enough and r <= 1.5 else "FAIL"
            if ci.requested < 10_000:
                result += f" (only {ci.requested} tried)"
        else:
            result = "(info)"
        rows.append(
            Target(
                f"idle RSS/conn, {ci.requested} visitors, "
                + ("deflate" if mode == "deflate" else "no deflate"),
                f"{bi.per_conn_kb:.1f} kB",
                f"{ci.per_conn_kb:.1f} kB ({ci.connected} conn.)",
                _fmt_ratio(r),
                ">= 10,000 conn. & <= 1.5x bare" if mode == "deflate" else "-",
                result,
            )
        )
        if ci.connected_over_50 is not None:  # issue 16: no stall > 50 ms, 10,000 connected
            rows.append(
                Target(
                    f"loop stalls with {ci.connected} visitors connected, a full GC "
                    f"included, {mode}",
                    f"GC {fmt_ms(bi.full_gc_ms)} ms",
                    f"{ci.connected_over_50} over 50 ms, worst <= {ci.connected_worst_ms:g} ms "
                    f"(GC {fmt_ms(ci.full_gc_ms)} ms, {fmt_ms(ci.full_gc_cpu_ms)} ms CPU; "
                    f"since start, connecting included: {fmt_ms(ci.lag_after_gc_ms)} ms)",
                    "-",
                    "none > 50 ms",
                    "PASS" if ci.connected_over_50 == 0 else "FAIL",
                )
            )
    return rows


def _runs_section(loads: list[Load], rounds: list[Load], args: argparse.Namespace) -> str:
    biggest = max(args.clients, default=0)
    runs = latency_runs(loads, rounds, biggest)
    if len(runs) < 2:
        return ""
    return runs_table(runs, verdict(runs)[3], biggest)


def _deciding(*loads: Load) -> list[Step]:
    """The steps a max sustained rate rests on: each load's lowest failing rate. (A pass
    despite other processes' load stands; a failure under it may be theirs.)"""
    deciding = []
    for load in loads:
        failed = [s for s in load.steps if not s.passed]
        if failed:
            deciding.append(min(failed, key=lambda s: s.rate))
    return deciding


def _disturbed_note(*steps: Step) -> str:
    if any("disturbed" in s.why for s in steps):
        return " (DISTURBED by other processes: rerun on a quiet machine)"
    return ""


def summary_table(rows: list[Target]) -> str:
    out = [
        "| target | bare | chatdesk | chatdesk/bare | goal | result |",
        "|---|---:|---:|---:|---|---|",
    ]
    for t in rows:
        out.append(f"| {t.name} | {t.bare} | {t.chatdesk} | {t.ratio} | {t.goal} | {t.result} |")
    return "\n".join(out) + "\n"


def machine() -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    versions = {}
    for package in ("aiohttp", "python-socketio", "python-engineio", "chatdesk"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model,
        "cpus": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "nofile": resource.getrlimit(resource.RLIMIT_NOFILE),
        "versions": versions,
    }


def render(
    loads: list[Load],
    idles: list[Idle],
    args: argparse.Namespace,
    info: dict[str, Any],
    command: str,
    elapsed: float,
    rounds: list[Load] | None = None,
) -> str:
    """The markdown report: machine, sweeps, max sustained, the latency step run by run,
    idle connections, targets."""
    definition = SUSTAINED_DEFINITION.format(
        min_achieved=args.min_achieved, max_p99=args.max_p99, drain=args.drain, refine=args.refine
    )
    sustained = [
        "| server | clients | max sustained msg/s | stored / acked |",
        "|---|---:|---:|---|",
    ]
    for load in loads:
        stored = "-" if load.stored_messages is None else f"{load.stored_messages}"
        sustained.append(
            f"| {load.server} | {load.clients} | "
            f"{'' if load.saturated else '>='}{load.max_sustained:.0f} | "
            f"{stored} / {load.acked_ok} |"
        )
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return "\n".join(
        [
            f"Command: `{command.strip()}` · {info['date']} · {elapsed:.0f} s",
            "",
            f"Machine: {info['cpu']}, {info['cpus']} CPUs, {info['memory']}, Linux "
            f"{info['kernel']}, Python {info['python']}, {versions}",
            "",
            "### Rate sweeps",
            "",
            load_table(loads),
            definition,
            "",
            "\n".join(sustained),
            "",
            _runs_section(loads, rounds or [], args),
            "### Idle connections",
            "",
            idle_table(idles) if idles else "(skipped)\n",
            "### Targets",
            "",
            summary_table(targets(loads, idles, args, rounds)),
        ]
    )
