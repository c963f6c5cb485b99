"""The shipped suite decides the same whatever path a question takes to the encoder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chatdesk.bot.brain import Bot
from chatdesk.bot.embeddings import Embedder
from chatdesk.bot.evaluate import load_suite
from chatdesk.bot.matcher import FaqMatcher
from chatdesk.bot.policy import Decision

SHIPPED = Path(__file__).parent.parent / "knowledge"


def outcome(decision: Decision) -> tuple[object, ...]:
    return (
        decision.kind,
        decision.entry_id,
        decision.reason,
        decision.lang,
        decision.offer_person,
        tuple(c.entry_id for c in decision.suggestions),
    )


def test_questions_asked_together_get_the_decisions_they_get_alone(tmp_path: Path) -> None:
    knowledge, cases = load_suite(SHIPPED)
    bot = Bot.build(knowledge, embedder=Embedder(cache_path=tmp_path / "embeddings.sqlite3"))
    assert isinstance(bot.matcher, FaqMatcher) and bot.matcher.embedder is not None
    alone = [bot.decide(case.text, case.lang) for case in cases]
    embedder = bot.matcher.embedder
    calls, texts = embedder.batches
    assert calls == texts  # one after the other: each text alone, as before batching
    # As the server asks them: several worker threads at once, so texts share encoder calls.
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(lambda case: bot.decide(case.text, case.lang), cases))
    calls, texts = embedder.batches[0] - calls, embedder.batches[1] - texts
    assert calls < texts
    assert [outcome(d) for d in together] == [outcome(d) for d in alone]
    assert [d.confidence for d in together] == pytest.approx(
        [d.confidence for d in alone], abs=1e-4
    )
