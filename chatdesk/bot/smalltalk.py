"""Recognise greetings, thanks and goodbyes ("bonjour", "dank je", "thanks a lot")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..config import LANGUAGES
from .defaulttexts import BotTexts
from .normalize import normalize

__all__ = ["SmallTalk"]

#: Words that may surround small talk without making it a question ("ok merci", "super,
#: thanks!"); the bot's own names are added.
_FILLER = frozenset(
    {
        "ok",
        "oke",
        "okay",
        "oui",
        "yes",
        "ja",
        "super",
        "top",
        "parfait",
        "great",
        "perfect",
        "prima",
        "nice",
        "cool",
        "bien",
        "goed",
        "fijn",
        "very",
        "much",
        "tres",
        "heel",
        "nog",
        "encore",
        "again",
        "well",
        "alors",
        "u",
        "you",
        "vous",
        "je",
        "a",
        "all",
    }
)
#: Longer messages are questions, whatever greeting starts them.
_MAX_WORDS = 8


class SmallTalk:
    """Match a whole message against the small-talk phrases of every language.

    A message is small talk when it is made only of small-talk phrases and filler words
    ("Bonjour !", "ok merci Ardi", "thanks a lot, bye"); "bonjour, ma facture est fausse"
    is a question. The reply is the last phrase's kind ("hello, thanks" thanks), in the
    conversation's language when that language has the phrase, else in the phrase's.
    """

    def __init__(self, texts: Mapping[str, BotTexts], names: Iterable[str] = ()) -> None:
        self._texts = texts
        self._kinds: dict[tuple[str, ...], dict[str, str]] = {}  # phrase -> lang -> kind
        for lang in LANGUAGES:
            block = texts.get(lang)
            for kind, entry in (block.small_talk if block else {}).items():
                for phrase in entry.phrases:
                    words = tuple(normalize(phrase).split())
                    if words:
                        self._kinds.setdefault(words, {}).setdefault(lang, kind)
        # Longest first, so "merci beaucoup" wins over "merci".
        self._phrases = sorted(self._kinds, key=len, reverse=True)
        self._filler = _FILLER | {w for name in names for w in normalize(name).split()}

    def match(self, text: str, lang: str) -> tuple[str, str] | None:
        """Return (kind, reply language) if ``text`` is small talk, else None."""
        words = normalize(text).split()
        if not words or len(words) > _MAX_WORDS:
            return None
        last: tuple[str, ...] | None = None
        i = 0
        while i < len(words):
            phrase = next((p for p in self._phrases if tuple(words[i : i + len(p)]) == p), None)
            if phrase is not None:
                last, i = phrase, i + len(phrase)
            elif words[i] in self._filler:
                i += 1
            else:
                return None
        if last is None:
            return None
        kinds = self._kinds[last]
        reply_lang = lang if lang in kinds else next(iter(kinds))
        return kinds[reply_lang], reply_lang

    def reply(self, kind: str, lang: str) -> str:
        """Return the reply of ``kind`` in ``lang``."""
        return self._texts[lang].small_talk[kind].reply
