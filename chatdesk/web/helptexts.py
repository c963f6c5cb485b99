"""The help centre's own words in fr, nl and en (the articles come from the knowledge)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..bot.botfile import LANGUAGE_NAMES
from ..systemtexts import ENDONYMS

__all__ = ["ENDONYMS", "HELP_TEXTS", "Translate", "help_translator"]

#: Each language named in itself (the language switch).

HELP_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "help_centre": "Help centre",
        "skip": "Skip to content",
        "language": "Language",
        "intro": "Answers to the questions our customers ask most.",
        "search_label": "Search the help centre",
        "search_hint": "Ask in your own words, e.g. “I forgot my password”.",
        "search_hint_of": "Ask in your own words, e.g. “{example}”",
        "search_button": "Search",
        "topics": "Topics",
        "no_articles": "There are no articles yet.",
        "not_in_lang": "No articles in English yet; they exist in:",
        "results": "Results for “{query}”",
        "match": "{percent} match",
        "no_results": "No article answers this well.",
        "no_results_hint": "Try other words, browse the topics, or contact us.",
        "in_language": "in {language}",
        "related": "Related articles",
        "versions": "This article in other languages",
        "was_helpful": "Was this article helpful?",
        "yes": "Yes",
        "no": "No",
        "thanks_vote": "Thank you for your feedback.",
        "still_need_help": "Still need help?",
        "contact": "Contact support",
        "not_found_title": "Page not found",
        "not_found": "This article does not exist, or no longer does.",
        "too_many": "Too many requests. Please wait a minute and try again.",
        "query_too_long": "Your search is too long: at most {limit} characters.",
        "expired": "This form has expired. Reload the page and try again.",
        "back": "All topics",
    },
    "fr": {
        "help_centre": "Centre d'aide",
        "skip": "Aller au contenu",
        "language": "Langue",
        "intro": "Les réponses aux questions que nos clients posent le plus.",
        "search_label": "Rechercher dans le centre d'aide",
        "search_hint": (
            "Posez votre question avec vos mots\u00a0: «\u00a0J'ai oublié mon mot de passe\u00a0»."
        ),
        "search_hint_of": "Posez votre question avec vos mots\u00a0: «\u00a0{example}\u00a0»",
        "search_button": "Rechercher",
        "topics": "Thèmes",
        "no_articles": "Il n'y a pas encore d'articles.",
        "not_in_lang": "Pas encore d'articles en français\u00a0; ils existent en\u00a0:",
        "results": "Résultats pour «\u00a0{query}\u00a0»",
        "match": "correspondance {percent}",
        "no_results": "Aucun article ne répond bien à cette question.",
        "no_results_hint": "Essayez d'autres mots, parcourez les thèmes ou contactez-nous.",
        "in_language": "en {language}",
        "related": "Articles liés",
        "versions": "Cet article dans d'autres langues",
        "was_helpful": "Cet article vous a-t-il aidé\u00a0?",
        "yes": "Oui",
        "no": "Non",
        "thanks_vote": "Merci pour votre avis.",
        "still_need_help": "Besoin d'aide supplémentaire\u00a0?",
        "contact": "Contacter le support",
        "not_found_title": "Page introuvable",
        "not_found": "Cet article n'existe pas ou plus.",
        "too_many": "Trop de demandes. Patientez une minute puis réessayez.",
        "query_too_long": "Votre recherche est trop longue\u00a0: {limit} caractères au maximum.",
        "expired": "Ce formulaire a expiré. Rechargez la page et réessayez.",
        "back": "Tous les thèmes",
    },
    "nl": {
        "help_centre": "Helpcentrum",
        "skip": "Naar de inhoud",
        "language": "Taal",
        "intro": "Antwoorden op de vragen die onze klanten het vaakst stellen.",
        "search_label": "Zoeken in het helpcentrum",
        "search_hint": "Stel uw vraag in uw eigen woorden, bv. “Ik ben mijn wachtwoord vergeten”.",
        "search_hint_of": "Stel uw vraag in uw eigen woorden, bv. “{example}”",
        "search_button": "Zoeken",
        "topics": "Onderwerpen",
        "no_articles": "Er zijn nog geen artikels.",
        "not_in_lang": "Nog geen artikels in het Nederlands; wel in:",
        "results": "Resultaten voor “{query}”",
        "match": "{percent} overeenkomst",
        "no_results": "Geen enkel artikel beantwoordt deze vraag goed.",
        "no_results_hint": "Probeer andere woorden, blader door de onderwerpen of neem contact op.",
        "in_language": "in het {language}",
        "related": "Gerelateerde artikels",
        "versions": "Dit artikel in andere talen",
        "was_helpful": "Had u iets aan dit artikel?",
        "yes": "Ja",
        "no": "Nee",
        "thanks_vote": "Bedankt voor uw feedback.",
        "still_need_help": "Nog hulp nodig?",
        "contact": "Contact opnemen met support",
        "not_found_title": "Pagina niet gevonden",
        "not_found": "Dit artikel bestaat niet (meer).",
        "too_many": "Te veel verzoeken. Wacht een minuut en probeer opnieuw.",
        "query_too_long": "Uw zoekopdracht is te lang: hoogstens {limit} tekens.",
        "expired": "Dit formulier is verlopen. Laad de pagina opnieuw en probeer nog eens.",
        "back": "Alle onderwerpen",
    },
}

Translate = Callable[..., str]


def help_translator(lang: str) -> Translate:
    """Return ``t(key, **values)`` for the templates, in ``lang``."""
    texts = HELP_TEXTS.get(lang, HELP_TEXTS["en"])

    def t(key: str, **values: Any) -> str:
        if key.startswith("lang_"):  # a language's name, in this language
            return LANGUAGE_NAMES[lang][key[5:]]
        text = texts[key]
        return text.format(**values) if values else text

    return t
