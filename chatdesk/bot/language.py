"""Guess a message's language among the knowledge's languages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

from .normalize import normalize

__all__ = ["LanguageGuesser"]

#: Messages shorter than this (in words) are too short to tell; the conversation's
#: language is kept ("ok", "merci", "VPS?" say little).
_MIN_WORDS = 3
#: Below this probability the guess is not trusted either.
_MIN_PROBABILITY = 0.9
#: Texts per language the model learns from: plenty for telling three languages apart,
#: and it keeps a rebuild of a large knowledge fast.
_SAMPLE = 1500


class LanguageGuesser:
    """A character n-gram naive Bayes model trained on the knowledge's own texts."""

    def __init__(self, samples: Mapping[str, Sequence[str]]) -> None:
        self.languages = tuple(lang for lang, texts in samples.items() if texts)
        self._model: MultinomialNB | None = None
        if len(self.languages) < 2:
            return
        picked = {lang: _spread(samples[lang], _SAMPLE) for lang in self.languages}
        texts = [normalize(t) for lang in self.languages for t in picked[lang]]
        labels = [lang for lang in self.languages for _ in picked[lang]]
        self._vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(1, 3))
        self._model = MultinomialNB(alpha=0.1).fit(self._vectorizer.fit_transform(texts), labels)

    def guess(self, text: str, fallback: str) -> str:
        """Return the language of ``text``, or ``fallback`` when unsure.

        ``fallback`` is the conversation's language; when it is not one of the
        knowledge's languages, the first knowledge language is used instead.
        """
        if fallback not in self.languages:
            fallback = self.languages[0] if self.languages else fallback
        normalized = normalize(text)
        if self._model is None or len(normalized.split()) < _MIN_WORDS:
            return fallback
        probabilities = self._model.predict_proba(self._vectorizer.transform([normalized]))[0]
        best = int(np.argmax(probabilities))
        if probabilities[best] < _MIN_PROBABILITY:
            return fallback
        return str(self._model.classes_[best])


def _spread(texts: Sequence[str], limit: int) -> Sequence[str]:
    """Return at most ``limit`` texts taken evenly across ``texts`` (all entries, not the
    first few)."""
    if len(texts) <= limit:
        return texts
    step = len(texts) / limit
    return [texts[int(i * step)] for i in range(limit)]
