"""Forged copies of signed values for tests that check they are refused."""

from __future__ import annotations


def altered(signed: str, at: int = -6) -> str:
    """Return ``signed`` with the character at ``at`` (in its signature) changed.

    Not the last ones: base64 decoding ignores some bits of a value's last character, and
    replacing it with a fixed one sometimes changed nothing (a flaky test).
    """
    at %= len(signed)
    return signed[:at] + ("A" if signed[at] != "A" else "B") + signed[at + 1 :]
