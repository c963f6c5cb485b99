"""Rank knowledge entries for a visitor's text, with a calibrated confidence in 0..1.

Per language, every alternate question of every entry is a training example. Two views
of the text, word 1-2 grams and character 3-4 grams (inside word boundaries, so typos
still share most n-grams), are TF-IDF weighted and fed to a one-vs-rest linear SVM
(scikit-learn's liblinear). A candidate's confidence is a logistic function of its SVM
score, its lead over the best other entry, and the cosine similarity of the text to the
candidate's nearest alternate; the coefficients were fitted on held-out data (see
bench/README.md), so 0.8 means "right about 80% of the time" on such data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.svm import LinearSVC

from .knowledge import Knowledge
from .normalize import normalize

__all__ = ["Calibration", "Candidate", "FaqMatcher", "Matcher"]

# Single-letter words count too ("2fa", "a"); scikit-learn's default drops them.
_WORD = r"(?u)\b\w+\b"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entry the text may be about."""

    entry_id: str
    confidence: float
    score: float = 0.0
    similarity: float = 0.0


class Matcher(Protocol):
    """Ranks entries for a text (the FAQ matcher is the default).

    Usage::

        matcher = FaqMatcher.build(knowledge)
        best = matcher.rank("ma facture est fausse", "fr")[0]
    """

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages the matcher can rank in."""
        ...

    def rank(self, text: str, lang: str, k: int = 5) -> list[Candidate]:
        """Return up to ``k`` candidates, most confident first.

        :param text: what the visitor wrote.
        :param lang: the language to match in (one of :attr:`languages`).
        """
        ...


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic map from a candidate's features to a confidence."""

    # Fitted by logistic regression on banking77_oos `val` lines (full, 10- and 5-shot
    # knowledge pooled, so it holds for small knowledge too); see bench/README.md.
    bias: float = -1.525
    score: float = 0.46
    lead: float = 3.649
    similarity: float = 1.53

    def confidence(self, score: float, lead: float, similarity: float) -> float:
        """Return the probability that the candidate is right."""
        z = self.bias + self.score * score + self.lead * lead + self.similarity * similarity
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class _LanguageIndex:
    """The trained model for one language.

    Training uses scikit-learn; answering a query does the same arithmetic directly
    with numpy (scikit-learn's per-call input validation costs more than the maths).
    """

    def __init__(self, questions: Sequence[str], labels: Sequence[str], *, c: float) -> None:
        # Group alternates by entry so per-entry maxima are one reduceat() call.
        order = sorted(range(len(labels)), key=lambda i: labels[i])
        texts = [normalize(questions[i]) for i in order]
        sorted_labels = [labels[i] for i in order]
        self.entry_ids = sorted(set(sorted_labels))
        first: dict[str, int] = {}
        for position, label in enumerate(sorted_labels):
            first.setdefault(label, position)
        self.starts = np.array([first[e] for e in self.entry_ids])
        self.blocks = [
            TfidfVectorizer(
                ngram_range=(1, 2),
                sublinear_tf=True,
                token_pattern=_WORD,
                dtype=np.float32,
            ),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, dtype=np.float32
            ),
        ]
        matrix = hstack([block.fit_transform(texts) for block in self.blocks]).tocsr()
        self._analyzers = [block.build_analyzer() for block in self.blocks]
        self._vocabularies = [block.vocabulary_ for block in self.blocks]
        self._idf = [block.idf_.astype(np.float32) for block in self.blocks]
        self._offsets = [0, len(self._vocabularies[0])]
        # Feature-major: a query's few non-zero features select a few rows.
        self.alternates = l2_normalize(matrix).T.tocsr()
        self.vocabulary = sorted({w for t in texts for w in t.split() if len(w) >= 4})
        self._known = set(self.vocabulary)
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None
        if len(self.entry_ids) > 1:
            # tol=1e-2: same accuracy as the default 1e-4 on our data, a faster fit.
            # Balanced weights: entries with many alternates must not crowd out the rest.
            svm = LinearSVC(C=c, tol=1e-2, class_weight="balanced").fit(matrix, sorted_labels)
            coef, intercept = svm.coef_.astype(np.float32), svm.intercept_.astype(np.float32)
            if len(self.entry_ids) == 2:  # a binary SVM scores only the second class
                coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
            self.coef, self.intercept = np.ascontiguousarray(coef.T), intercept

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (SVM score, nearest-alternate cosine similarity) per entry."""
        indices, values = self._vectorize(self._correct(normalize(text)))
        n = len(self.entry_ids)
        if not len(indices):
            return np.full(n, -1.0, dtype=np.float32), np.zeros(n, dtype=np.float32)
        norm = float(np.linalg.norm(values))
        similarity = (self.alternates[indices].T @ (values / norm)).ravel()
        nearest = np.maximum.reduceat(similarity, self.starts)
        if self.coef is None or self.intercept is None:
            return nearest * 2.0 - 1.0, nearest
        return values @ self.coef[indices] + self.intercept, nearest

    def _vectorize(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the TF-IDF vector of ``text`` as (feature indices, values)."""
        all_indices: list[np.ndarray] = []
        all_values: list[np.ndarray] = []
        for analyze, vocabulary, idf, offset in zip(
            self._analyzers, self._vocabularies, self._idf, self._offsets, strict=True
        ):
            counts: dict[int, int] = {}
            for term in analyze(text):
                index = vocabulary.get(term)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            values = (1.0 + np.log(tf)) * idf[indices]  # sublinear tf, as when training
            all_indices.append(indices + offset)
            all_values.append(values / np.linalg.norm(values))  # each block l2-normalised
        if not all_indices:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return np.concatenate(all_indices), np.concatenate(all_values)

    def _correct(self, text: str) -> str:
        """Replace unknown words by the closest knowledge word (typos such as "facutre")."""
        fixed = []
        for word in text.split():
            if len(word) >= 4 and word not in self._known and self.vocabulary:
                match = process.extractOne(
                    word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=80
                )
                if match is not None:
                    word = match[0]
            fixed.append(word)
        return " ".join(fixed)


class FaqMatcher:
    """The default :class:`Matcher`: one :class:`_LanguageIndex` per language."""

    def __init__(self, indexes: dict[str, _LanguageIndex], calibration: Calibration) -> None:
        self._indexes = indexes
        self.calibration = calibration

    @classmethod
    def build(
        cls, knowledge: Knowledge, *, calibration: Calibration | None = None, c: float = 0.5
    ) -> FaqMatcher:
        """Train on every alternate question of ``knowledge``."""
        indexes = {}
        for lang in knowledge.languages:
            questions: list[str] = []
            labels: list[str] = []
            for entry in knowledge.entries.values():
                block = entry.langs.get(lang)
                if block is not None:
                    # The answer is one more example of the entry's vocabulary: with few
                    # alternates it lifts top-1 accuracy (0.78 -> 0.81 on tests.yaml).
                    texts = (*block.questions, block.answer) if block.answer else block.questions
                    questions.extend(texts)
                    labels.extend([entry.id] * len(texts))
            if questions:
                indexes[lang] = _LanguageIndex(questions, labels, c=c)
        return cls(indexes, calibration or Calibration())

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._indexes)

    def rank(self, text: str, lang: str, k: int = 5) -> list[Candidate]:
        index = self._indexes.get(lang) or next(iter(self._indexes.values()))
        scores, nearest = index.features(text)
        top = np.argsort(-scores)[: max(k, 2)]
        best, runner_up = scores[top[0]], scores[top[1]] if len(top) > 1 else -1.0
        candidates = []
        for i in top[:k]:
            lead = best if i != top[0] else runner_up
            candidates.append(
                Candidate(
                    entry_id=index.entry_ids[i],
                    confidence=self.calibration.confidence(
                        float(scores[i]), float(scores[i] - lead), float(nearest[i])
                    ),
                    score=float(scores[i]),
                    similarity=float(nearest[i]),
                )
            )
        candidates.sort(key=lambda c: -c.confidence)
        return candidates
