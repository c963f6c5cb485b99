"""The p99 target judged on several runs: the sweep's own latency step and
``--latency-rounds`` more, each a fresh server per kind, bare and chatdesk alternated.

One 10-second step swung from 1.3x to 3.2x between back-to-back runs on a shared
2-core machine (bench/README.md, "Ninth pass"), so the verdict takes the median of the
runs' ratios, the runs disturbed by other processes left out while any other is left.
"""

from __future__ import annotations

import math
import statistics

from realtime_report import Load, Step, _fmt_ratio, _ratio, fmt_ms


def latency_runs(loads: list[Load], rounds: list[Load], clients: int) -> list[tuple[Step, Step]]:
    """(bare, chatdesk) steps at ``clients`` x 1 msg/s: the sweep's, then each round's."""
    rate = clients * 1.0

    def step(load: Load) -> Step | None:
        return next((s for s in load.steps if s.rate == rate), None)

    runs: list[tuple[Step, Step]] = []
    groups = [[load for load in loads if load.clients == clients]]
    numbers = sorted({load.round for load in rounds})
    groups += [[load for load in rounds if load.round == n] for n in numbers]
    for group in groups:
        by_server = {load.server: step(load) for load in group}
        bare, chatdesk = by_server.get("bare"), by_server.get("chatdesk")
        if bare is not None and chatdesk is not None:
            runs.append((bare, chatdesk))
    return runs


def disturbed(bare: Step, chatdesk: Step) -> bool:
    """Whether other processes' CPU disturbed either side of a run."""
    return "disturbed" in bare.why or "disturbed" in chatdesk.why


def verdict(runs: list[tuple[Step, Step]]) -> tuple[float, float, float, list[tuple[Step, Step]]]:
    """The median bare p99, chatdesk p99 and ratio over the runs that count (the
    undisturbed ones if any), and those runs."""
    counted = [run for run in runs if not disturbed(*run)] or runs
    ratios = [_ratio(c.p99, b.p99) for b, c in counted]
    ratios = [r for r in ratios if not math.isnan(r)]
    ratio = statistics.median(ratios) if ratios else math.nan
    bare = statistics.median(b.p99 for b, _ in counted) if counted else math.nan
    chatdesk = statistics.median(c.p99 for _, c in counted) if counted else math.nan
    return bare, chatdesk, ratio, counted


def runs_table(
    runs: list[tuple[Step, Step]], counted: list[tuple[Step, Step]], clients: int
) -> str:
    """Markdown: each run's p99 on both servers and their ratio."""
    out = [
        f"### p99 ack latency at {clients} clients x 1 msg/s, run by run",
        "",
        "| run | bare p50 | bare p99 | chatdesk p50 | chatdesk p99 | p99 chatdesk/bare | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for n, (b, c) in enumerate(runs):
        name = "sweep" if n == 0 else f"round {n}"
        note = ""
        if disturbed(b, c):
            note = "disturbed (every run was)" if (b, c) in counted else "disturbed: not counted"
        out.append(
            f"| {name} | {fmt_ms(b.p50)} | {fmt_ms(b.p99)} | {fmt_ms(c.p50)} | "
            f"{fmt_ms(c.p99)} | {_fmt_ratio(_ratio(c.p99, b.p99))} | {note} |"
        )
    return "\n".join(out) + "\n"
