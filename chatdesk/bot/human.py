"""Recognise an explicit request for a person, in French, Dutch or English."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from .normalize import normalize

__all__ = ["DEFAULT_PHRASES", "HumanRequest"]

#: Phrases that mean "I want a person" wherever they appear (checked in every language,
#: typos tolerated). Bot authors add more in _bot.yaml (`human_phrases`).
DEFAULT_PHRASES = {
    "fr": (
        "parler a un conseiller",
        "parler a une conseillere",
        "un conseiller",
        "une conseillere",
        "parler a quelqu un",
        "parler a une personne",
        "une vraie personne",
        "un vrai humain",
        "parler a un humain",
        "un etre humain",
        "parler a un agent",
        "parler a un operateur",
        "joindre le support",
        "contacter un technicien",
    ),
    "nl": (
        "een medewerker",
        "met een medewerker",
        "iemand spreken",
        "met iemand praten",
        "een mens spreken",
        "een echt persoon",
        "een echte persoon",
        "met een persoon",
        "een echte mens",
        "met een mens",
        "iemand van de klantendienst",
        "een operator",
    ),
    "en": (
        "talk to a human",
        "speak to a human",
        "speak with a human",
        "talk to someone",
        "speak to someone",
        "speak with someone",
        "talk to a person",
        "speak to a person",
        "real person",
        "real human",
        "live agent",
        "human agent",
        "talk to an agent",
        "speak to an agent",
        "customer service representative",
        "talk to somebody",
        "speak to somebody",
        "a human please",
        "agent please",
        "operator please",
    ),
}

#: Words that are a request on their own in a short message ("agent", "humain ?").
# "someone" or "personne" are left out: "someone stole my card" is not a request.
_KEYWORDS = frozenset(
    {
        "human",
        "agent",
        "operator",
        "representative",
        "humain",
        "conseiller",
        "conseillere",
        "operateur",
        "medewerker",
        "mens",
    }
)
_SHORT = 4  # words


class HumanRequest:
    """Detect "I want to talk to a person" in a message."""

    def __init__(self, extra_phrases: Iterable[str] = ()) -> None:
        phrases = {normalize(p) for group in DEFAULT_PHRASES.values() for p in group}
        phrases.update(normalize(p) for p in extra_phrases)
        self._phrases = sorted(p for p in phrases if p)

    def __call__(self, text: str) -> bool:
        """Return whether ``text`` asks for a person."""
        normalized = normalize(text)
        words = normalized.split()
        if 0 < len(words) <= _SHORT and any(_is_keyword(w) for w in words):
            return True
        padded = f" {normalized} "
        for phrase in self._phrases:
            if f" {phrase} " in padded:
                return True
            # Typos ("conseiler", "medewerkker"): only for phrases long enough to be
            # specific, so that short words do not match by accident.
            if len(phrase) >= 10 and fuzz.partial_ratio(phrase, normalized) >= 92:
                return True
        return False


def _is_keyword(word: str) -> bool:
    if word in _KEYWORDS:
        return True
    # "conseiler", "medewerkr": typos of the longer keywords.
    return (
        len(word) >= 6
        and process.extractOne(word, _KEYWORDS, scorer=fuzz.ratio, score_cutoff=85) is not None
    )
