"""New operators' passwords: long enough and not easy to guess (zxcvbn's estimate)."""

from __future__ import annotations

import pytest

from chatdesk.errors import InvalidPayload
from chatdesk.passwordrules import check_password

ABOUT = ("ada.lovelace@ardenne.example", "Ada Lovelace")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "password_too_short"),
        ("password1234", "password_too_weak"),  # the most common, with digits
        ("azertyuiop", "password_too_weak"),  # a keyboard row (French)
        ("qwertyuiop1", "password_too_weak"),
        ("1234567890", "password_too_weak"),
        ("aaaaaaaaaaaaaa", "password_too_weak"),  # repeats
        ("Welcome2026!", "password_too_weak"),  # a word, a year, a sign
        ("Lovelace1815", "password_too_weak"),  # their own name
        ("ada.lovelace@ardenne.example", "password_too_weak"),  # their own address
        ("Ada Lovelace 1815", "password_too_weak"),
    ],
)
def test_easy_passwords_are_refused(password: str, code: str) -> None:
    with pytest.raises(InvalidPayload) as refused:
        check_password(password, about=ABOUT)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "une phrase assez longue",
        "Tr0ub4dor&3x!",
        # Longer than zxcvbn reads (72): its beginning is judged.
        "le chat de la voisine dort sur le toit du garage depuis le début de l'après-midi",
    ],
)
def test_hard_passwords_pass(password: str) -> None:
    check_password(password, about=ABOUT)
