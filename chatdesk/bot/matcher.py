"""Rank knowledge entries for a visitor's text, with a calibrated confidence in 0..1.

One :class:`~chatdesk.bot.index.LanguageIndex` per knowledge language. With sentence
embeddings (the default), an entry missing a language still trains that language's index
with its questions in the languages it has: the multilingual encoder places "mijn betaling
is mislukt" near "mon paiement a échoué", so a Dutch visitor finds a French-only entry.

A candidate's confidence is a logistic function of its SVM score, its lead over the best
other entry and its nearest alternates' similarities; the coefficients were fitted on
validation data (bench/README.md), so 0.8 means "right about 80% of the time" on such data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .embeddings import Embedder
from .index import LanguageIndex
from .knowledge import Knowledge

__all__ = [
    "FUSED_CALIBRATION",
    "LEXICAL_CALIBRATION",
    "Calibration",
    "Candidate",
    "FaqMatcher",
    "Matcher",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entry the text may be about."""

    entry_id: str
    confidence: float
    score: float = 0.0
    similarity: float = 0.0
    semantic: float = 0.0
    #: Matched across languages: the entry is not written in the visitor's language.
    cross: bool = False


class Matcher(Protocol):
    """Ranks entries for a text (the FAQ matcher is the default).

    Usage::

        matcher = FaqMatcher.build(knowledge, embedder=Embedder())
        best = matcher.rank("ma facture est fausse", "fr")[0]
    """

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages the matcher has an index for (others use the first)."""
        ...

    def rank(self, text: str, lang: str, k: int = 5) -> list[Candidate]:
        """Return up to ``k`` candidates, most confident first.

        :param text: what the visitor wrote.
        :param lang: the visitor's language.
        """
        ...


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic map from a candidate's features to a confidence."""

    bias: float
    score: float
    lead: float
    similarity: float
    semantic: float = 0.0
    #: Across languages the TF-IDF features say little: a bias and a semantic weight of
    #: their own for such candidates.
    cross: float = 0.0
    cross_semantic: float = 0.0

    def confidence(
        self,
        score: float,
        lead: float,
        similarity: float,
        semantic: float = 0.0,
        *,
        cross: bool = False,
    ) -> float:
        """Return the probability that the candidate is right."""
        z = (
            self.bias
            + self.score * score
            + self.lead * lead
            + self.similarity * similarity
            + self.semantic * semantic
        )
        if cross:
            z += self.cross + self.cross_semantic * semantic
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


#: TF-IDF only: fitted on banking77_oos `val` lines (full, 10- and 5-shot knowledge pooled).
LEXICAL_CALIBRATION = Calibration(bias=-1.525, score=0.46, lead=3.649, similarity=1.53)
#: TF-IDF and embeddings: fitted the same way, plus xsid across languages (Dutch questions,
#: English-only entries): ``bench/bot.py --calibrate``.
FUSED_CALIBRATION = Calibration(
    bias=-2.286,
    score=1.252,
    lead=2.393,
    similarity=1.194,
    semantic=1.886,
    cross=-0.014,
    cross_semantic=3.329,
)


#: Questions an entry lends to the index of a language it lacks: enough to place it by
#: meaning, few enough that a big knowledge does not train every index on everything.
_FOREIGN_ROWS = 20


def _spread(texts: list[str]) -> tuple[str, ...]:
    """Return at most :data:`_FOREIGN_ROWS` of ``texts``, taken evenly."""
    if len(texts) <= _FOREIGN_ROWS:
        return tuple(texts)
    step = len(texts) / _FOREIGN_ROWS
    return tuple(texts[int(i * step)] for i in range(_FOREIGN_ROWS))


class FaqMatcher:
    """The default :class:`Matcher`: one :class:`LanguageIndex` per language."""

    def __init__(
        self,
        indexes: dict[str, LanguageIndex],
        calibration: Calibration,
        embedder: Embedder | None = None,
    ) -> None:
        self._indexes = indexes
        self.calibration = calibration
        self.embedder = embedder

    @classmethod
    def build(
        cls,
        knowledge: Knowledge,
        *,
        embedder: Embedder | None = None,
        calibration: Calibration | None = None,
        weight: float = 2.0,
        c: float = 0.5,
    ) -> FaqMatcher:
        """Train on every alternate question of ``knowledge``.

        :param embedder: sentence embeddings to fuse in (None: TF-IDF only).
        :param weight: the embedding block's weight in the SVM.
        """
        rows: dict[str, tuple[list[str], list[str]]] = {}
        foreign: dict[str, set[str]] = {}
        for lang in knowledge.languages:
            questions, labels = rows.setdefault(lang, ([], []))
            for entry in knowledge.entries.values():
                block = entry.langs.get(lang)
                if block is not None:
                    # The answer is one more example of the entry's vocabulary: with few
                    # alternates it lifts top-1 accuracy (0.78 -> 0.81 on tests.yaml).
                    texts = (*block.questions, block.answer) if block.answer else block.questions
                elif embedder is not None:
                    # Missing in this language: its questions in the others still mean
                    # the same to the encoder (TF-IDF alone could not match them).
                    texts = _spread([q for b in entry.langs.values() for q in b.questions])
                    foreign.setdefault(lang, set()).add(entry.id)
                else:
                    continue
                questions.extend(texts)
                labels.extend([entry.id] * len(texts))
        vectors: dict[str, np.ndarray] = {}
        if embedder is not None:
            # One call for every language: texts shared by several indexes embed once.
            everything = [q for questions, _ in rows.values() for q in questions]
            matrix = embedder.embed(everything)
            start = 0
            for lang, (questions, _) in rows.items():
                vectors[lang] = matrix[start : start + len(questions)]
                start += len(questions)
        indexes = {
            lang: LanguageIndex(
                questions,
                labels,
                lang=lang,
                foreign=foreign.get(lang, set()),
                vectors=vectors.get(lang),
                weight=weight,
                c=c,
            )
            for lang, (questions, labels) in rows.items()
            if questions
        }
        default = FUSED_CALIBRATION if embedder is not None else LEXICAL_CALIBRATION
        return cls(indexes, calibration or default, embedder)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._indexes)

    def rank(self, text: str, lang: str, k: int = 5) -> list[Candidate]:
        index = self._indexes.get(lang) or next(iter(self._indexes.values()))
        vector = self.embedder.embed_query(text) if self.embedder is not None else None
        scores, lexical, semantic = index.features(text, vector)
        top = np.argsort(-scores)[: max(k, 2)]
        best, runner_up = scores[top[0]], scores[top[1]] if len(top) > 1 else -1.0
        candidates = []
        for i in top[:k]:
            lead = best if i != top[0] else runner_up
            cross = lang != index.lang or bool(index.foreign[i])
            candidates.append(
                Candidate(
                    entry_id=index.entry_ids[i],
                    confidence=self.calibration.confidence(
                        float(scores[i]),
                        float(scores[i] - lead),
                        float(lexical[i]),
                        float(semantic[i]),
                        cross=cross,
                    ),
                    score=float(scores[i]),
                    similarity=float(lexical[i]),
                    semantic=float(semantic[i]),
                    cross=cross,
                )
            )
        candidates.sort(key=lambda c: -c.confidence)
        return candidates
