"""Guess a message's language among the languages the desk speaks (fr, nl, en)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

from ..config import LANGUAGES
from .normalize import normalize

__all__ = ["LanguageGuesser", "seed_samples"]

#: Messages shorter than this (in words) are too short to tell; the conversation's
#: language is kept ("ok", "merci", "VPS?" say little).
_MIN_WORDS = 3
#: How much more likely the best language must be than the next, in log-likelihood per
#: character n-gram (naive Bayes probabilities are always near 0 or 1: this is the margin).
_MIN_MARGIN = 0.3
#: From this many words on, neither half of the message may clearly prefer another
#: language (a Dutch sentence with an English product name is Dutch; half and half is mixed).
_HALVES_FROM = 6
_HALF_VETO = 0.5
#: Texts per language the model learns from: plenty for telling three languages apart,
#: and it keeps a rebuild of a large knowledge fast.
_SAMPLE = 1500
_SEED = Path(__file__).with_name("languages.yaml")
#: Distinct words whose n-gram sums a guesser keeps (a few MB at most).
_WORDS_KEPT = 20_000


@functools.cache
def seed_samples() -> Mapping[str, tuple[str, ...]]:
    """Return the packaged everyday sentences of each language (bot/languages.yaml)."""
    data = yaml.safe_load(_SEED.read_text(encoding="utf-8"))
    return {lang: tuple(data[lang]) for lang in LANGUAGES}


class LanguageGuesser:
    """A character n-gram naive Bayes model trained on the knowledge's own texts and on
    everyday sentences of every language the desk speaks, so a language the knowledge
    lacks is still recognised (and answered from another language's entries)."""

    def __init__(self, samples: Mapping[str, Sequence[str]]) -> None:
        seeds = seed_samples()
        picked = {
            lang: [*_spread(samples.get(lang, ()), _SAMPLE), *seeds[lang]] for lang in LANGUAGES
        }
        self.languages = LANGUAGES
        texts = [normalize(t) for lang in LANGUAGES for t in picked[lang]]
        labels = [lang for lang in LANGUAGES for _ in picked[lang]]
        self._vectorizer = CountVectorizer(analyzer="char_wb", ngram_range=(1, 3))
        # Uniform priors: a knowledge written mostly in one language must not make the
        # others unlikely before a word is read.
        self._model = MultinomialNB(alpha=0.1, fit_prior=False).fit(
            self._vectorizer.fit_transform(texts), labels
        )
        # Scoring a message through sklearn (transform, then predict) costs ~0.7 ms a call
        # in overhead, up to three calls a message, on the event loop: the same sums over
        # a plain table of each n-gram's log-probabilities take a fraction of that.
        self._analyze = self._vectorizer.build_analyzer()
        self._index: dict[str, int] = {
            gram: int(i) for gram, i in self._vectorizer.vocabulary_.items()
        }
        self._log_prob = np.ascontiguousarray(self._model.feature_log_prob_.T)  # n-gram rows
        self._prior = tuple(float(p) for p in self._model.class_log_prior_)
        self._classes = tuple(str(c) for c in self._model.classes_)
        # A word's n-grams never span two words (char_wb), so its sums are its own: most
        # words of a message were met before. Bounded; per guesser (a rebuilt knowledge
        # drops it with the old guesser).
        self._word = functools.lru_cache(maxsize=_WORDS_KEPT)(self._word_sums)

    def detect(self, text: str) -> str | None:
        """Return the language of ``text`` when the guess is confident, else None.

        Confident means: at least three words; the best language ahead of the next by
        0.3 in log-likelihood per character n-gram; and from six words on, neither half
        of the message ahead for another language by 0.5 (mixed texts stay undecided).
        """
        words = normalize(text).split()
        if len(words) < _MIN_WORDS:
            return None
        if len(words) < _HALVES_FROM:
            best, margin = self._verdict(*self._sums(words))
            return best if margin >= _MIN_MARGIN else None
        # A word's character n-grams do not depend on its neighbours (char_wb): the
        # halves' sums add up to the whole's, so each n-gram is looked up once.
        middle = len(words) // 2
        first, first_n = self._sums(words[:middle])
        second, second_n = self._sums(words[middle:])
        whole = [a + b for a, b in zip(first, second, strict=True)]
        best, margin = self._verdict(whole, first_n + second_n)
        if margin < _MIN_MARGIN:
            return None
        for half, n in ((first, first_n), (second, second_n)):
            other, other_margin = self._verdict(half, n)
            if other != best and other_margin >= _HALF_VETO:
                return None
        return best

    def guess(self, text: str, fallback: str) -> str:
        """Return the language of ``text``, or ``fallback`` (the conversation's) when unsure."""
        return self.detect(text) or fallback

    def _best(self, normalized: str) -> tuple[str, float]:
        """Return the likeliest language and its margin per n-gram over the next.

        The naive Bayes joint log-likelihood (``predict_joint_log_proba``: the class prior
        plus each known n-gram's log-probability, once per occurrence; unknown n-grams are
        left out, as the vectorizer does), summed directly.
        """
        return self._verdict(*self._sums(normalized.split()))

    def _sums(self, words: Sequence[str]) -> tuple[list[float], int]:
        """Return the summed log-probabilities of the known n-grams of ``words`` per
        language, and how many there are."""
        # Plain floats, not numpy: three numbers per word, where numpy's per-call overhead
        # was most of a detection's time on the loop.
        parts = [self._word(word) for word in words]
        sums = [sum(column) for column in zip(*(p[0] for p in parts), strict=True)]
        return sums or [0.0] * len(self._classes), sum(p[1] for p in parts)

    def _word_sums(self, word: str) -> tuple[tuple[float, ...], int]:
        index = self._index
        rows = [i for i in map(index.get, self._analyze(word)) if i is not None]
        return tuple(self._log_prob[rows].sum(axis=0).tolist()), len(rows)

    def _verdict(self, sums: Sequence[float], n: int) -> tuple[str, float]:
        scores = [p + s for p, s in zip(self._prior, sums, strict=True)]
        # Ties to the last language, as numpy's argsort reversed did (only an empty text ties).
        order = sorted(reversed(range(len(scores))), key=scores.__getitem__, reverse=True)
        first, second = order[0], order[1]
        margin = (scores[first] - scores[second]) / max(1, n)
        return self._classes[first], margin

    def _best_sklearn(self, normalized: str) -> tuple[str, float]:
        """:meth:`_best` through sklearn itself (the reference the tests compare with)."""
        counts = self._vectorizer.transform([normalized])
        n = max(1, int(counts.sum()))
        scores = self._model.predict_joint_log_proba(counts)[0]
        order = np.argsort(scores)[::-1]
        margin = float(scores[order[0]] - scores[order[1]]) / n
        return str(self._model.classes_[order[0]]), margin


def _spread(texts: Sequence[str], limit: int) -> Sequence[str]:
    """Return at most ``limit`` texts taken evenly across ``texts`` (all entries, not the
    first few)."""
    if len(texts) <= limit:
        return texts
    step = len(texts) / limit
    return [texts[int(i * step)] for i in range(limit)]
