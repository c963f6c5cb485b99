"""What an operator's password must be: long enough, and not easy to guess.

Length alone lets "azertyuiop" and "password1234" through. NIST SP 800-63B asks that new
passwords be checked against common and expected ones; zxcvbn (Dropbox's estimator) does
that with frequency lists of passwords, names and words, keyboard patterns, dates and
repeats, and the person's own name and address. It takes a few milliseconds: callers on
the event loop run :func:`check_password` in a thread, as they do the argon2 hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

from .errors import InvalidPayload

__all__ = ["MIN_PASSWORD", "MIN_SCORE", "check_password"]

MIN_PASSWORD = 10
#: zxcvbn's score (0-4) a new password needs: 3 is "safely unguessable" (about 10^8
#: guesses and more), which the slow argon2 hash makes far too many to try offline.
MIN_SCORE = 3
#: zxcvbn reads this much of a password at most (its own limit); the rest only adds.
_SCORED = 72


def check_password(password: str, *, about: Iterable[str] = ()) -> None:
    """Refuse a new password that is too short or too easy to guess; ``about``: words of
    the person's own (their name, their address), which guessing would try first.

    :raises InvalidPayload: ``password_too_short``, ``password_too_weak``.
    """
    if len(password) < MIN_PASSWORD:
        raise InvalidPayload(
            f"the password must be at least {MIN_PASSWORD} characters",
            code="password_too_short",
        )
    # "ada.lovelace@ardenne.example" and "Ada Lovelace": each whole, and each word of them.
    words = [w for text in about for w in (text, *re.split(r"\W+", text)) if w]
    if zxcvbn(password[:_SCORED], user_inputs=words)["score"] < MIN_SCORE:
        raise InvalidPayload(
            "this password is too easy to guess (a common word, a name, a keyboard pattern or "
            "a date): make it longer with a few words of your own",
            code="password_too_weak",
        )
