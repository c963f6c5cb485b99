"""Search policy thresholds on labelled lines (``chatdesk kb eval --tune``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
import numpy as np

from .botfile import PolicyConfig
from .brain import Bot
from .evaluate import Case
from .policy import Kind

__all__ = ["TuneResult", "tune"]

#: The goals the defaults were tuned for (see docs/knowledge.md).
MAX_WRONG = 0.03
MIN_OOS_RECALL = 0.6


@dataclass(frozen=True, slots=True)
class TuneResult:
    """The best thresholds found and what they achieve on the lines searched."""

    policy: PolicyConfig | None
    answered_right: float = 0.0
    answered_wrong: float = 0.0
    oos_recall: float = 0.0
    n_cases: int = 0

    def describe(self) -> str:
        """Return a report with a ``policy:`` block to paste into ``_bot.yaml``."""
        if self.policy is None:
            return f"tune: no thresholds keep answered_wrong <= {MAX_WRONG} on these lines"
        return (
            f"tune ({self.n_cases} lines): answered_right {self.answered_right:.3f}, "
            f"answered_wrong {self.answered_wrong:.3f}, oos_recall {self.oos_recall:.3f} with\n"
            f"policy:\n  answer_threshold: {self.policy.answer_threshold:.3f}\n"
            f"  margin: {self.policy.margin:.2f}"
        )


def tune(bot: Bot, cases: Sequence[Case]) -> TuneResult:
    """Return the thresholds answering most lines right with at most 3% wrong answers
    and, when out-of-scope lines are present, at least 60% of them refused."""
    ranked = []
    for case in cases:
        lang = bot.language(case.text, case.lang)
        ranked.append((case, bot.human(case.text), bot.matcher.rank(case.text, lang, k=5)))
    n_in = sum(c.expected is not None for c in cases) or 1
    n_oos = len(cases) - n_in if any(c.expected is None for c in cases) else 0
    best = TuneResult(None, n_cases=len(cases))
    base = bot.knowledge.bot.policy
    for threshold in np.arange(0.3, 0.96, 0.025):
        for margin in (0.0, 0.05, 0.1, 0.15, 0.2):
            policy = msgspec.structs.replace(
                base,
                answer_threshold=float(threshold),
                margin=margin,
                suggest_threshold=min(base.suggest_threshold, float(threshold)),
            )
            right = wrong = refused = 0
            for case, human, candidates in ranked:
                decision = None if human else bot.apply_policy(candidates, policy)
                answered = (
                    decision is not None
                    and decision.entry_id is not None
                    and (decision.kind in (Kind.ANSWER, Kind.ESCALATE))
                )
                if case.expected is None:
                    refused += not answered
                elif answered and decision is not None:
                    right += decision.entry_id == case.expected
                    wrong += decision.entry_id != case.expected
            result = TuneResult(
                policy, right / n_in, wrong / n_in, refused / n_oos if n_oos else 0.0, len(cases)
            )
            if result.answered_wrong > MAX_WRONG or (n_oos and result.oos_recall < MIN_OOS_RECALL):
                continue
            if best.policy is None or result.answered_right > best.answered_right:
                best = result
    return best
