"""What the bot says when ``_bot.yaml`` does not say otherwise, in fr, nl and en."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from msgspec import Meta, Struct

__all__ = ["DEFAULT_TEXTS", "LANGUAGE_NAMES", "BotTexts", "SmallTalkEntry", "Text"]

#: A text an author writes: something besides spaces, and not a novel.
Text = Annotated[str, Meta(pattern=r"\S", max_length=2000)]


class SmallTalkEntry(Struct, frozen=True, forbid_unknown_fields=True):
    """Greetings, thanks, goodbyes...: phrases that mean it, and the bot's short reply.

    ``kind`` names it across languages (``greeting``, ``thanks``...).
    """

    kind: Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]
    phrases: Annotated[tuple[Text, ...], Meta(min_length=1)]
    reply: Text


class BotTexts(Struct, frozen=True, kw_only=True):
    """What the bot says, in one language."""

    name: str
    greeting: str
    did_you_mean: str
    no_answer: str
    escalated: str
    out_of_hours: str
    #: Said before an answer written only in another language; ``{language}`` is its name.
    other_language: str
    starters: tuple[str, ...] = ()
    human_phrases: tuple[str, ...] = ()
    small_talk: Mapping[str, SmallTalkEntry] = {}


#: Language names, in each language: ``LANGUAGE_NAMES[visitor][answer]``.
LANGUAGE_NAMES: Mapping[str, Mapping[str, str]] = {
    "fr": {"fr": "français", "nl": "néerlandais", "en": "anglais"},
    "nl": {"fr": "het Frans", "nl": "het Nederlands", "en": "het Engels"},
    "en": {"fr": "French", "nl": "Dutch", "en": "English"},
}

DEFAULT_TEXTS: Mapping[str, BotTexts] = {
    "fr": BotTexts(
        name="Assistant",
        greeting="Bonjour ! Posez-moi votre question.",
        did_you_mean="Vouliez-vous dire :",
        no_answer="Je n'ai pas de réponse sûre à cette question. "
        "Voulez-vous parler à une personne ?",
        escalated="Je transmets votre demande à notre équipe.",
        out_of_hours="Notre équipe est absente pour le moment ; nous vous répondrons dès "
        "{next_open}.",
        other_language="Cette réponse n'existe qu'en {language} :",
        small_talk={
            "greeting": SmallTalkEntry(
                "greeting",
                ("bonjour", "bonsoir", "salut", "coucou", "hello", "re bonjour", "allo"),
                "Bonjour ! Comment puis-je vous aider ?",
            ),
            "thanks": SmallTalkEntry(
                "thanks",
                ("merci", "merci beaucoup", "merci bien", "merci pour votre aide", "mille merci"),
                "Avec plaisir ! N'hésitez pas si vous avez une autre question.",
            ),
            "goodbye": SmallTalkEntry(
                "goodbye",
                ("au revoir", "bonne journée", "bonne soirée", "à bientôt", "bye"),
                "Au revoir, et bonne journée !",
            ),
        },
    ),
    "nl": BotTexts(
        name="Assistent",
        greeting="Hallo! Stel gerust uw vraag.",
        did_you_mean="Bedoelt u:",
        no_answer="Ik heb geen zeker antwoord op deze vraag. Wilt u met een medewerker spreken?",
        escalated="Ik geef uw vraag door aan ons team.",
        out_of_hours="Ons team is momenteel afwezig; we antwoorden u vanaf {next_open}.",
        other_language="Dit antwoord bestaat alleen in {language}:",
        small_talk={
            "greeting": SmallTalkEntry(
                "greeting",
                ("hallo", "hoi", "dag", "goedemorgen", "goedemiddag", "goedenavond", "hey"),
                "Hallo! Waarmee kan ik u helpen?",
            ),
            "thanks": SmallTalkEntry(
                "thanks",
                ("bedankt", "dank je", "dank u", "dank je wel", "dank u wel", "merci"),
                "Graag gedaan! Laat het me weten als u nog een vraag hebt.",
            ),
            "goodbye": SmallTalkEntry(
                "goodbye",
                ("tot ziens", "doei", "fijne dag", "nog een fijne dag", "tot later", "daag"),
                "Tot ziens, en nog een fijne dag!",
            ),
        },
    ),
    "en": BotTexts(
        name="Assistant",
        greeting="Hello! Ask me your question.",
        did_you_mean="Did you mean:",
        no_answer="I don't have a sure answer to that. Would you like to talk to a person?",
        escalated="I'm passing your request to our team.",
        out_of_hours="Our team is away right now; we will answer you from {next_open}.",
        other_language="This answer is only available in {language}:",
        small_talk={
            "greeting": SmallTalkEntry(
                "greeting",
                ("hello", "hi", "hey", "good morning", "good afternoon", "good evening"),
                "Hello! How can I help you?",
            ),
            "thanks": SmallTalkEntry(
                "thanks",
                ("thanks", "thank you", "thanks a lot", "thank you very much", "cheers", "thx"),
                "You're welcome! Let me know if you have another question.",
            ),
            "goodbye": SmallTalkEntry(
                "goodbye",
                ("bye", "goodbye", "have a nice day", "see you", "bye bye"),
                "Goodbye, and have a nice day!",
            ),
        },
    ),
}
