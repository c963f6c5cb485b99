"""Languages: confident detection, small talk, and answers across languages."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from chatdesk.bot.brain import Bot
from chatdesk.bot.knowledge import load_knowledge
from chatdesk.bot.policy import Kind

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"

# An entry written only in French, beside the fixture's trilingual ones.
FRENCH_ONLY = """
  - id: payment-failed
    fr:
      questions:
        - Mon paiement a échoué
        - Ma carte bancaire a été refusée lors du paiement
        - Le prélèvement n'est pas passé
      answer: Vérifiez le plafond de votre carte, puis réessayez depuis votre espace client.
"""


@pytest.fixture(scope="module")
def bot() -> Bot:
    return Bot.build(load_knowledge(FIXTURE))


@pytest.fixture(scope="module")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("knowledge")
    shutil.copytree(FIXTURE, directory, dirs_exist_ok=True)
    with (directory / "billing.yaml").open("a", encoding="utf-8") as fh:
        fh.write(FRENCH_ONLY)
    return directory


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("je ne trouve pas ma facture", "fr"),
        ("Est-ce que je peux payer par PayPal ?", "fr"),
        ("ik vind mijn factuur niet", "nl"),
        ("Kan ik betalen met Bancontact?", "nl"),
        ("where is my invoice", "en"),
        ("How do I reset my password?", "en"),
        # Too short to tell: the conversation's language is kept.
        ("bonjour", None),
        ("merci beaucoup", None),
        ("ok", None),
        ("VPS?", None),
        # Mixed: no language.
        ("the invoice de ma société", None),
        ("I want to pay ma facture s'il vous plaît", None),
    ],
)
def test_detect_language_only_when_confident(bot: Bot, text: str, lang: str | None) -> None:
    assert bot.detect_language(text) == lang


def test_the_fast_scoring_equals_sklearns(bot: Bot) -> None:
    """The table the guesser scores with gives sklearn's own likelihoods (same language,
    same margin), on the shipped suite's questions, whole and halved."""
    import yaml

    from chatdesk.bot.normalize import normalize

    root = Path(__file__).resolve().parent.parent
    suite = yaml.safe_load((root / "knowledge" / "tests.yaml").read_text(encoding="utf-8"))
    texts = [q for langs in suite.values() for qs in langs.values() for q in qs]
    assert len(texts) > 300
    guesser = bot.languages
    for text in texts:
        words = normalize(text).split()
        for part in (words, words[: len(words) // 2], words[len(words) // 2 :], words[:1]):
            fast, reference = guesser._best(" ".join(part)), guesser._best_sklearn(" ".join(part))
            assert fast[0] == reference[0], text
            assert abs(fast[1] - reference[1]) < 1e-9, text
        # detect() scores the halves once and adds them up for the whole: the same
        # verdict as scoring the whole and each half through sklearn.
        assert guesser.detect(text) == _detect_through_sklearn(guesser, words), text


def _detect_through_sklearn(guesser: Any, words: list[str]) -> str | None:
    if len(words) < 3:
        return None
    best, margin = guesser._best_sklearn(" ".join(words))
    if margin < 0.3:
        return None
    if len(words) >= 6:
        middle = len(words) // 2
        for half in (words[:middle], words[middle:]):
            other, other_margin = guesser._best_sklearn(" ".join(half))
            if other != best and other_margin >= 0.5:
                return None
    return str(best)


@pytest.mark.parametrize(
    ("text", "conversation", "kind", "reply_lang"),
    [
        ("Bonjour !", "fr", "greeting", "fr"),
        ("salut", "fr", "greeting", "fr"),
        ("merci beaucoup", "fr", "thanks", "fr"),
        ("ok merci Testbot", "fr", "thanks", "fr"),
        ("hallo", "nl", "greeting", "nl"),
        ("bedankt", "nl", "thanks", "nl"),
        ("dank je wel!", "nl", "thanks", "nl"),
        ("merci", "nl", "thanks", "nl"),  # Belgian Dutch says merci too
        ("hello", "en", "greeting", "en"),
        ("Thanks a lot!", "en", "thanks", "en"),
        ("bye", "en", "goodbye", "en"),
        ("bedankt", "en", "thanks", "nl"),  # in the language it was said in
    ],
)
def test_greetings_and_thanks_are_small_talk(
    bot: Bot, text: str, conversation: str, kind: str, reply_lang: str
) -> None:
    decision = bot.decide(text, bot.language(text, conversation))
    assert (decision.kind, decision.reason, decision.lang) == (Kind.SMALL_TALK, kind, reply_lang)
    assert not decision.is_miss and not decision.offer_person


@pytest.mark.parametrize(
    "text", ["bonjour, je cherche ma facture", "hello where are my invoices", "merci de m'aider"]
)
def test_a_question_after_a_greeting_is_a_question(bot: Bot, text: str) -> None:
    assert bot.decide(text, bot.language(text, "en")).kind is not Kind.SMALL_TALK


def test_a_french_only_entry_answers_a_dutch_question(knowledge_dir: Path) -> None:
    knowledge = load_knowledge(knowledge_dir)
    fused = Bot.build(knowledge)
    decision = fused.decide("mijn betaling is mislukt", "nl")
    assert (decision.kind, decision.entry_id) == (Kind.ANSWER, "payment-failed")
    # Less sure, but still the first suggestion.
    decision = fused.decide("Mijn kaart werd geweigerd bij het betalen", "nl")
    assert decision.kind in (Kind.ANSWER, Kind.SUGGEST)
    assert decision.entry_id == "payment-failed"
    # TF-IDF alone cannot see that these mean the same.
    lexical = Bot.build(knowledge, semantic=False)
    assert lexical.decide("mijn betaling is mislukt", "nl").entry_id != "payment-failed"


async def test_through_the_socket(start_server: Any, new_client: Any, knowledge_dir: Path) -> None:
    server = await start_server(knowledge_dir=knowledge_dir)
    visitor = new_client(server)
    await visitor.connect({"lang": "nl"})
    await visitor.say("Hallo!")
    hello = await visitor.bot_reply()
    assert (hello["kind"], hello["lang"], hello["offer_person"]) == ("small_talk", "nl", False)
    assert hello["text"] == "Hallo! Waarmee kan ik u helpen?"
    await visitor.say("mijn betaling is mislukt")
    answer = await visitor.bot_reply()
    assert (answer["kind"], answer["entry_id"]) == ("answer", "payment-failed")
    assert (answer["lang"], answer["answer_lang"]) == ("nl", "fr")
    assert answer["note"] == "Dit antwoord bestaat alleen in het Frans:"
    assert answer["text"].startswith("Dit antwoord bestaat alleen in het Frans:\n\nVérifiez")
    assert answer["html"].startswith("<p><em>Dit antwoord bestaat alleen in het Frans:</em></p>")
    # Thanks are not misses: two in a row do not offer a person.
    for _ in range(2):
        await visitor.say("bedankt")
        thanks = await visitor.bot_reply()
        assert thanks["kind"] == "small_talk" and thanks["offer_person"] is False
