"""Operators' TOTP secrets are stored sealed (chatdesk/secretbox.py): the database holds no
usable secret; a secret stored before sealing is still accepted and sealed at its next use;
with another secret key the app's codes stop working (said in the log) while recovery
codes, which are hashes, still do. On every backend."""

from __future__ import annotations

import logging
from datetime import timedelta

import pyotp
import pytest

from chatdesk.errors import Unauthorized
from chatdesk.secretbox import PREFIX, SealBroken, SecretBox
from chatdesk.services import Services
from chatdesk.store import Store
from chatdesk.twofactor import TwoFactor, totp_box

from .desk import operator

SECRET_KEY = "s" * 40  # tests/desk.py's


def _two_factor(desk: Services) -> TwoFactor:
    assert desk.two_factor is not None
    return desk.two_factor


async def test_an_enrolled_secret_is_stored_sealed(desk: Services, store: Store) -> None:
    two = _two_factor(desk)
    ada = await operator(desk, "Ada")
    enrolment = two.start(ada)
    app = pyotp.TOTP(enrolment.secret)
    ada, codes = await two.enable(ada, enrolment.token, app.at(two.clock()))
    stored, _, _ = await store.operators.operator_totp(ada.id)
    assert stored.startswith(PREFIX) and enrolment.secret not in stored
    later = app.at(two.clock() + timedelta(seconds=30))
    await two.check(ada, later, client="test")  # the app's next code works
    assert len(codes) == 10


async def test_a_secret_stored_before_sealing_works_and_is_sealed(
    desk: Services, store: Store
) -> None:
    two = _two_factor(desk)
    ada = await operator(desk, "Ada")
    plain = pyotp.random_base32()
    await store.operators.set_totp(ada.id, plain, [])
    await store.operators.use_totp_step(ada.id, 5)
    app = pyotp.TOTP(plain)
    await two.check(ada, app.at(two.clock()), client="test")
    stored, step, _ = await store.operators.operator_totp(ada.id)
    assert stored.startswith(PREFIX) and plain not in stored
    assert step > 5  # the code was used up as before
    assert totp_box(SECRET_KEY).open(stored, ada.id) == plain
    later = app.at(two.clock() + timedelta(seconds=30))
    await two.check(ada, later, client="test")  # and still works sealed


async def test_another_secret_key_refuses_the_apps_codes_not_recovery_codes(
    desk: Services, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    two = _two_factor(desk)
    ada = await operator(desk, "Ada")
    enrolment = two.start(ada)
    app = pyotp.TOTP(enrolment.secret)
    ada, codes = await two.enable(ada, enrolment.token, app.at(two.clock()))
    moved = TwoFactor(store, "another key " * 4, issuer="desk", clock=two.clock)
    later = app.at(two.clock() + timedelta(seconds=30))
    with caplog.at_level(logging.ERROR, "chatdesk.twofactor"), pytest.raises(Unauthorized):
        await moved.check(ada, later, client="test")
    assert "does not open with this secret key" in caplog.text
    await moved.check(ada, codes[0], client="test")  # a recovery code still lets Ada in


def _altered(sealed: str) -> str:
    """Return ``sealed`` with one character of its ciphertext changed.

    A character in the middle: the last one before the padding carries bits that base64
    decoding ignores, so changing it changed nothing 3 times in 64 (a flaky test).
    """
    at = len(PREFIX) + 20
    return sealed[:at] + ("A" if sealed[at] != "A" else "B") + sealed[at + 1 :]


def test_a_sealed_value_opens_only_for_its_row_and_key() -> None:
    box = totp_box(SECRET_KEY)
    sealed = box.seal("JBSWY3DPEHPK3PXP", "op-1")
    assert sealed != box.seal("JBSWY3DPEHPK3PXP", "op-1")  # a fresh nonce each time
    assert box.open(sealed, "op-1") == "JBSWY3DPEHPK3PXP"
    assert box.open("JBSWY3DPEHPK3PXP", "op-1") == "JBSWY3DPEHPK3PXP"  # from before
    broken = [
        (box, sealed, "op-2"),  # moved to another operator's row
        (totp_box("k" * 40), sealed, "op-1"),
        (SecretBox(SECRET_KEY, purpose="something else"), sealed, "op-1"),
        (box, _altered(sealed), "op-1"),
        (box, PREFIX + "not base64!", "op-1"),
        (box, PREFIX, "op-1"),
    ]
    for other, value, context in broken:
        with pytest.raises(SealBroken):
            other.open(value, context)
