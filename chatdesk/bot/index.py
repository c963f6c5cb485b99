"""The trained model for one visitor language: TF-IDF and sentence embeddings, one SVM.

Every alternate question is a training row. Two lexical views of it, word 1-2 grams and
character 3-4 grams (inside word boundaries, so typos still share most n-grams), are TF-IDF
weighted; the sentence embedding (when there is one) is appended as a third, weighted block,
and a one-vs-rest linear SVM (liblinear) is trained on the whole row. Measured on validation
data, the fused model beats either view alone (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.svm import LinearSVC

from .normalize import normalize

__all__ = ["Features", "LanguageIndex"]

# Single-letter words count too ("2fa", "a"); scikit-learn's default drops them.
_WORD = r"(?u)\b\w+\b"

#: Per entry: SVM score, nearest-alternate TF-IDF cosine, nearest-alternate embedding cosine.
Features = tuple[np.ndarray, np.ndarray, np.ndarray]


class LanguageIndex:
    """Rank entries for texts in one language.

    Training uses scikit-learn; answering a query does the same arithmetic directly
    with numpy (scikit-learn's per-call input validation costs more than the maths).

    :param questions: the training texts.
    :param labels: the entry id of each text.
    :param lang: the language the index is for.
    :param foreign: entries not written in ``lang`` (trained on their other languages).
    :param vectors: the texts' sentence embeddings (None: lexical features only).
    :param weight: how much the embedding block counts against the two TF-IDF blocks.
    :param c: the SVM's regularisation.
    """

    def __init__(
        self,
        questions: Sequence[str],
        labels: Sequence[str],
        *,
        lang: str = "",
        foreign: Collection[str] = (),
        vectors: np.ndarray | None = None,
        weight: float = 2.0,
        c: float = 0.5,
    ) -> None:
        # Group alternates by entry so per-entry maxima are one reduceat() call.
        order = sorted(range(len(labels)), key=lambda i: labels[i])
        texts = [normalize(questions[i]) for i in order]
        sorted_labels = [labels[i] for i in order]
        self.entry_ids = sorted(set(sorted_labels))
        self.lang = lang
        self.foreign = np.array([e in foreign for e in self.entry_ids], dtype=bool)
        first: dict[str, int] = {}
        for position, label in enumerate(sorted_labels):
            first.setdefault(label, position)
        self.starts = np.array([first[e] for e in self.entry_ids])
        self.blocks = [
            TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, token_pattern=_WORD, dtype=np.float32
            ),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, dtype=np.float32
            ),
        ]
        lexical = hstack([block.fit_transform(texts) for block in self.blocks]).tocsr()
        self._analyzers = [block.build_analyzer() for block in self.blocks]
        self._vocabularies = [block.vocabulary_ for block in self.blocks]
        self._idf = [block.idf_.astype(np.float32) for block in self.blocks]
        self._offsets = [0, len(self._vocabularies[0])]
        # Feature-major: a query's few non-zero features select a few rows.
        self.alternates = l2_normalize(lexical).T.tocsr()
        self.vectors = None if vectors is None else np.ascontiguousarray(vectors[order])
        self.weight = weight
        self.vocabulary = sorted({w for t in texts for w in t.split() if len(w) >= 4})
        self._known = set(self.vocabulary)
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None
        self.semantic_coef: np.ndarray | None = None
        if len(self.entry_ids) > 1:
            matrix = lexical
            if self.vectors is not None:
                matrix = hstack([lexical, csr_matrix(self.vectors * weight)]).tocsr()
            # tol=1e-2: same accuracy as the default 1e-4 on our data, a faster fit.
            # Balanced weights: entries with many alternates must not crowd out the rest.
            # A fixed seed: the solver shuffles its samples, and every process (a restart, a
            # cluster's others) must answer a question on a threshold the same way.
            svm = LinearSVC(C=c, tol=1e-2, class_weight="balanced", random_state=0)
            svm.fit(matrix, sorted_labels)
            coef, intercept = svm.coef_.astype(np.float32), svm.intercept_.astype(np.float32)
            if len(self.entry_ids) == 2:  # a binary SVM scores only the second class
                coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
            coef = np.ascontiguousarray(coef.T)
            n_lexical = lexical.shape[1]
            self.coef, self.intercept = coef[:n_lexical], intercept
            if self.vectors is not None:
                self.semantic_coef = np.ascontiguousarray(coef[n_lexical:] * weight)

    def features(self, text: str, vector: np.ndarray | None = None) -> Features:
        """Return (SVM score, nearest TF-IDF cosine, nearest embedding cosine) per entry.

        :param vector: the text's embedding (ignored when the index has none).
        """
        indices, values = self._vectorize(self._correct(normalize(text)))
        n = len(self.entry_ids)
        semantic = np.zeros(n, dtype=np.float32)
        scores = np.zeros(n, dtype=np.float32)
        if self.vectors is not None and vector is not None:
            semantic = np.maximum.reduceat(self.vectors @ vector, self.starts)
            if self.semantic_coef is not None:
                scores += vector @ self.semantic_coef
        if not len(indices):
            lexical = np.zeros(n, dtype=np.float32)
            if self.vectors is None or vector is None:
                return np.full(n, -1.0, dtype=np.float32), lexical, semantic
        else:
            norm = float(np.linalg.norm(values))
            similarity = (self.alternates[indices].T @ (values / norm)).ravel()
            lexical = np.maximum.reduceat(similarity, self.starts)
            if self.coef is not None:
                scores += values @ self.coef[indices]
        if self.coef is None or self.intercept is None:
            # One entry: no SVM; the best similarity stands in for a score.
            return np.maximum(lexical, semantic) * 2.0 - 1.0, lexical, semantic
        return scores + self.intercept, lexical, semantic

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
