"""Strip quoted history and signatures from a reply (Outlook, Gmail, Thunderbird, Apple Mail)."""

from __future__ import annotations

import re

__all__ = ["strip_quotes"]

_I = re.IGNORECASE
#: "On … wrote:" lines of Gmail, Thunderbird and Apple Mail, in en/fr/nl (and de).
_ATTRIBUTIONS = [
    re.compile(r"^\s*On\b.{3,300}\bwrote\s*:\s*$", _I),
    re.compile(r"^\s*Le\b.{3,300}\ba\s+[ée]crit\s*:\s*$", _I),
    re.compile(r"^\s*Op\b.{3,300}\bschreef\b.{0,300}:\s*$", _I),
    re.compile(r"^\s*Op\b.{3,300}\bhet\s+volgende\s+geschreven\s*:\s*$", _I),
    re.compile(r"^\s*Am\b.{3,300}\bschrieb\b.{0,300}:\s*$", _I),
]
#: "-----Original Message-----" and the like (Outlook, forwards).
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|message d'origine|oorspronkelijk bericht|"
    r"forwarded message|message transf[ée]r[ée]|doorgestuurd bericht)\s*-{2,}\s*$",
    _I,
)
#: Outlook's header block of the quoted message: From / Sent / To / Subject.
_FROM = re.compile(r"^\s*\*?(from|de|van|von)\s*:\*?\s*\S", _I)
_HEADER = re.compile(
    r"^\s*\*?(sent|date|envoy[ée]|verzonden|datum|gesendet|to|[àa]|aan|an|cc|"
    r"subject|objet|onderwerp|betreff)\s*:\*?",
    _I,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE = re.compile(
    r"^\s*(sent from my|envoy[ée] de mon|verzonden (vanaf|met) mijn|get outlook for|"
    r"obtenir outlook pour|outlook voor .* downloaden|download outlook for)\b",
    _I,
)


def strip_quotes(text: str) -> str:
    """Return the new part of a reply: without the quoted history under an attribution
    line, an Outlook header block or separator, without the signature (``-- ``) and
    "Sent from my phone" lines, and without a trailing block of ``>`` lines. A message
    that would come out empty is returned whole (trimmed): nothing the sender wrote is
    ever lost."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _first_cut(lines)
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()


def _first_cut(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if _SIGNATURE.match(line) or _MOBILE.match(line) or _SEPARATOR.match(line):
            return i
        if _attribution(line) or _wrapped_attribution(lines, i):
            return i
        if _RULE.match(line) and i + 1 < len(lines) and _FROM.match(lines[i + 1]):
            return i
        if _FROM.match(line) and _outlook_block(lines, i):
            return i
    return len(lines)


def _attribution(line: str) -> bool:
    # Long lines are prose, not an attribution (which mail clients keep short).
    return len(line) <= 400 and any(p.match(line) for p in _ATTRIBUTIONS)


def _wrapped_attribution(lines: list[str], i: int) -> bool:
    """Return whether lines i and i+1 are one attribution wrapped in two (and line i+1 is
    not one on its own: then line i is the sender's and stays)."""
    if i + 1 >= len(lines) or _attribution(lines[i + 1]):
        return False
    return _attribution(f"{lines[i]} {lines[i + 1]}")


def _outlook_block(lines: list[str], start: int) -> bool:
    """Return whether a ``From:`` line starts a header block (two more headers soon)."""
    following = [line for line in lines[start + 1 : start + 7] if line.strip()]
    return sum(1 for line in following if _HEADER.match(line)) >= 2
