"""Text normalisation shared by the loader, the matcher and the policy."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "words"]

_NON_WORD = re.compile(r"[^\w]+")
# Combining marks left by NFKD decomposition: the accents of "é", "ë", "ç"...
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalize(text: str) -> str:
    """Return ``text`` case-folded, without accents or punctuation, spaces collapsed.

    >>> normalize("  Où est ma FACTURE ?! ")
    'ou est ma facture'
    """
    stripped = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return _NON_WORD.sub(" ", stripped).replace("_", " ").strip()


def words(text: str) -> list[str]:
    """Return the normalised words of ``text``."""
    return normalize(text).split()
