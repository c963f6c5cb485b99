"""The bot's decisions: answer, suggest, don't know, escalate; languages; typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatdesk.bot.botfile import PolicyConfig
from chatdesk.bot.brain import Bot
from chatdesk.bot.human import HumanRequest
from chatdesk.bot.knowledge import load_knowledge
from chatdesk.bot.matcher import FUSED_CALIBRATION, Candidate
from chatdesk.bot.policy import Kind, decide

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.build(load_knowledge(FIXTURE))


def c(entry_id: str, confidence: float) -> Candidate:
    return Candidate(entry_id, confidence)


POLICY = PolicyConfig(
    answer_threshold=0.6,
    margin=0.1,
    suggest_threshold=0.2,
    max_suggestions=3,
    misses_before_escalation=2,
)


def test_confident_and_clear_answers() -> None:
    decision = decide([c("a", 0.9), c("b", 0.3)], POLICY)
    assert (decision.kind, decision.entry_id, decision.offer_person) == (Kind.ANSWER, "a", False)


def test_close_runner_up_suggests_instead() -> None:
    decision = decide([c("a", 0.7), c("b", 0.65), c("x", 0.1)], POLICY)
    assert decision.kind is Kind.SUGGEST
    assert [s.entry_id for s in decision.suggestions] == ["a", "b"]  # x is below threshold


def test_in_between_suggests_up_to_the_maximum() -> None:
    candidates = [c(name, 0.5 - i * 0.05) for i, name in enumerate("abcde")]
    decision = decide(candidates, POLICY)
    assert decision.kind is Kind.SUGGEST and len(decision.suggestions) == 3
    assert not decision.offer_person


def test_low_confidence_says_it_does_not_know_and_offers_a_person() -> None:
    decision = decide([c("a", 0.1)], POLICY)
    assert decision.kind is Kind.NO_ANSWER and decision.offer_person
    assert decide([], POLICY).kind is Kind.NO_ANSWER


def test_second_miss_in_a_row_offers_a_person() -> None:
    candidates = [c("a", 0.4), c("b", 0.3)]
    assert not decide(candidates, POLICY, misses=0).offer_person
    assert decide(candidates, POLICY, misses=1).offer_person


@pytest.mark.parametrize(
    "text",
    [
        "je veux parler à un conseiller",
        "Est-ce que je peux parler a quelqu'un svp",
        "un humain !",
        "conseiler",  # typo, short message
        "Kan ik met een medewerker spreken?",
        "ik wil iemand spreken",
        "I want to talk to a human",
        "agent please",
        "can I speak to someone",
        "un vrai collègue",  # from the fixture's _bot.yaml
    ],
)
def test_explicit_requests_for_a_person(bot: Bot, text: str) -> None:
    decision = bot.decide(text, bot.language(text, "en"))
    assert decision.kind is Kind.ESCALATE and decision.reason == "visitor_request"


@pytest.mark.parametrize(
    "text",
    ["someone stole my card", "what is a human resources department", "mon agenda est plein"],
)
def test_no_false_person_requests(text: str) -> None:
    assert not HumanRequest()(text)


def test_answers_in_each_language(bot: Bot) -> None:
    for text, lang in [
        ("Où puis-je trouver mes factures du mois", "fr"),
        ("Waar kan ik mijn facturen vinden", "nl"),
        ("where can I find my invoices", "en"),
    ]:
        assert bot.language(text, "en" if lang != "en" else "fr") == lang
        decision = bot.decide(text, lang)
        assert (decision.kind, decision.entry_id) == (Kind.ANSWER, "invoices")


def test_short_messages_keep_the_conversation_language(bot: Bot) -> None:
    assert bot.language("facture", "nl") == "nl"
    assert bot.language("ok merci", "en") == "en"


def test_typos_are_tolerated(bot: Bot) -> None:
    decision = bot.decide("j'ai oublié mon mot de pase", "fr")
    assert (decision.kind, decision.entry_id) == (Kind.ANSWER, "password-reset")
    decision = bot.decide("wachtwoord vergeeten", "nl")
    assert decision.entry_id == "password-reset"


def test_escalating_entry_hands_over(bot: Bot) -> None:
    decision = bot.decide("I dispute a refund", "en")
    assert (decision.kind, decision.entry_id, decision.reason) == (
        Kind.ESCALATE,
        "refund-dispute",
        "entry",
    )


def test_out_of_scope_is_not_answered(bot: Bot) -> None:
    for text in ("what is the capital of australia", "recette de la tarte au citron"):
        decision = bot.decide(text, bot.language(text, "en"))
        assert decision.kind in (Kind.SUGGEST, Kind.NO_ANSWER), (text, decision)


def test_confidences_are_probabilities_ranked_best_first(bot: Bot) -> None:
    ranked = bot.matcher.rank("payer par carte", "fr", k=5)
    assert ranked[0].entry_id == "payment-methods"
    confidences = [r.confidence for r in ranked]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= x <= 1.0 for x in confidences)


def test_calibration_is_monotonic() -> None:
    calibration = FUSED_CALIBRATION
    assert calibration.confidence(1.0, 1.0, 0.9) > calibration.confidence(0.0, 0.0, 0.4)
    assert calibration.confidence(-50, -50, 0) >= 0.0
    assert calibration.confidence(50, 50, 1) <= 1.0


def test_text_without_known_features_is_not_answered(bot: Bot) -> None:
    for text in ("zzzz qqqq", "😀😀", "12345"):
        assert (
            bot.decide(text, "fr").kind is Kind.NO_ANSWER
            or bot.decide(text, "fr").kind is Kind.SUGGEST
        )
