"""bench/bot_load.py's verdict on issue 16's bot-on target, over one round or several.

Two readings of "the ack p99 of other visitors' messages unchanged within 10%":

- against the chatters **alone** (the issue's words, and every pass's reading so far): the
  questions add their messages and the bot's answers to the chatters' load;
- against the chatters beside the **same messages with the bot out of the way** (``--plain``:
  the same texts at the same rate from visitors whose conversations wait for a person), which
  isolates what turning the bot on does to the other visitors.

With several rounds, each ratio is taken within its round (the phases of a round run a
minute apart) and the verdict reads the medians.
"""

from __future__ import annotations

import math
import statistics

__all__ = ["verdict"]


def _rounds(results: dict[str, dict[str, float]]) -> list[dict[str, dict[str, float]]]:
    """The phases of each round, keyed by their names without the round's number."""
    rounds: dict[str, dict[str, dict[str, float]]] = {}
    for name, r in results.items():
        base, _, tag = name.partition(" #")
        rounds.setdefault(tag, {})[base] = r
    return list(rounds.values())


def _ratio(num: float, den: float) -> float:
    return num / den if den and math.isfinite(num) else math.inf if den else math.nan


def verdict(results: dict[str, dict[str, float]]) -> None:
    """Print each round's ratios and the target's verdict on their medians."""
    vs_alone: list[float] = []
    vs_plain: list[float] = []
    answers: list[float] = []
    per_question: list[float] = []
    for n, phases in enumerate(_rounds(results), 1):
        alone, with_bot = phases["chatters alone"], phases["chatters + questions"]
        plain = phases.get("chatters + plain")
        vs_alone.append(_ratio(with_bot["ack_p99_ms"], alone["ack_p99_ms"]))
        answers.append(with_bot["answer_p99_ms"])
        line = f"round {n}: with the questions / alone {vs_alone[-1]:.2f}x"
        if plain is not None:
            vs_plain.append(_ratio(with_bot["ack_p99_ms"], plain["ack_p99_ms"]))
            line += (
                f"; the same messages, bot off / alone "
                f"{_ratio(plain['ack_p99_ms'], alone['ack_p99_ms']):.2f}x; bot on / bot off "
                f"{vs_plain[-1]:.2f}x"
            )
        if with_bot["questions"]:
            # Same chatters in both phases: the loop's extra CPU is the questions'.
            extra = (with_bot["loop_cpu_s"] - alone["loop_cpu_s"]) / with_bot["questions"]
            per_question.append(extra)
            line += f"; the loop's CPU per question {extra * 1e6:,.0f} µs"
        if with_bot["answered"] < 0.95 * with_bot["questions"] or not with_bot["questions"]:
            # Every asking connection handed to a person (the bot unsure), or the bot
            # fell behind: the round did not measure the target's load.
            line += f" (NOT MEASURED: {with_bot['answered']:.0f} answers)"
        print(line)
    answer = statistics.median(answers)
    print(
        f"answer p99 <= 50 ms: {'PASS' if answer <= 50 else 'FAIL'} ({answer:.1f} ms"
        f"{', median of ' + str(len(answers)) + ' rounds' if len(answers) > 1 else ''})"
    )
    for label, ratios in (("alone", vs_alone), ("the same messages, bot off", vs_plain)):
        if ratios:
            ratio = statistics.median(ratios)
            print(
                f"others' ack p99 within 10% of {label}: "
                f"{'PASS' if ratio <= 1.1 else 'FAIL'} ({ratio:.2f}x"
                f"{', median of ' + str(len(ratios)) + ' rounds' if len(ratios) > 1 else ''})"
            )
