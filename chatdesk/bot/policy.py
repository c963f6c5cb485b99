"""The bot's decision for one message: answer, suggest, say it does not know, or escalate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .botfile import PolicyConfig
from .matcher import Candidate

__all__ = ["Decision", "Kind", "decide"]


class Kind(StrEnum):
    """What the bot does with a message."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    NO_ANSWER = "no_answer"
    ESCALATE = "escalate"
    SMALL_TALK = "small_talk"  # a greeting, thanks, goodbye: a friendly word, not a miss


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one message.

    ``offer_person`` asks the widget to show the "talk to a person" action prominently.
    For small talk, ``reason`` is its kind (``greeting``...) and ``lang`` the reply's language.
    """

    kind: Kind
    entry_id: str | None = None
    confidence: float = 0.0
    suggestions: tuple[Candidate, ...] = ()
    offer_person: bool = False
    reason: str = ""
    lang: str = ""

    @property
    def is_miss(self) -> bool:
        """Return whether the visitor did not get an answer."""
        return self.kind in (Kind.SUGGEST, Kind.NO_ANSWER)


def decide(candidates: Sequence[Candidate], policy: PolicyConfig, *, misses: int = 0) -> Decision:
    """Apply ``policy`` to ranked ``candidates``.

    :param misses: how many messages in a row before this one got no answer.
    """
    if not candidates:
        return Decision(Kind.NO_ANSWER, offer_person=True, reason="no_knowledge")
    best = candidates[0]
    runner_up = candidates[1].confidence if len(candidates) > 1 else 0.0
    if best.confidence >= policy.answer_threshold and best.confidence - runner_up >= policy.margin:
        return Decision(Kind.ANSWER, best.entry_id, best.confidence)
    offer = misses + 1 >= policy.misses_before_escalation
    choices = tuple(
        c for c in candidates[: policy.max_suggestions] if c.confidence >= policy.suggest_threshold
    )
    if choices:
        return Decision(
            Kind.SUGGEST,
            best.entry_id,
            best.confidence,
            choices,
            offer_person=offer,
            reason="unsure",
        )
    return Decision(Kind.NO_ANSWER, None, best.confidence, offer_person=True, reason="unknown")
