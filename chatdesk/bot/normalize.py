"""Text normalisation shared by the loader, the matcher and the policy."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "words"]

_NON_WORD = re.compile(r"[^\w]+")


def normalize(text: str) -> str:
    """Return ``text`` case-folded, without accents or punctuation, spaces collapsed.

    >>> normalize("  Où est ma FACTURE ?! ")
    'ou est ma facture'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped).replace("_", " ").strip()


def words(text: str) -> list[str]:
    """Return the normalised words of ``text``."""
    return normalize(text).split()
