"""Operators' two-step sign-in: a time-based one-time code (TOTP, RFC 6238, as Google
Authenticator, FreeOTP or 1Password make them) asked after the password, or one of ten
recovery codes; enrolment with a QR code; the short-lived ticket between the two steps.

The TOTP secret is stored sealed (:mod:`chatdesk.secretbox`): a copy of the database alone
gives no second factor. A secret stored before sealing existed is read as it is and sealed
at its next use."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .errors import InvalidPayload, RateLimited, SealBroken, Unauthorized
from .models import Operator, utcnow
from .secretbox import SecretBox
from .store import Store
from .throttle import Throttle

__all__ = ["CODE_FAILURES", "RECOVERY_CODES", "Enrolment", "TwoFactor", "totp_box"]

#: Wrong codes allowed per operator within the window (a stolen password alone then
#: gets 5 guesses of a million every 15 minutes).
CODE_FAILURES = "5/15 minutes"
#: Recovery codes made at enrolment, each good once.
RECOVERY_CODES = 10
#: The time between the password and the code, and to finish an enrolment.
PENDING_MAX_AGE = timedelta(minutes=5)
ENROL_MAX_AGE = timedelta(minutes=15)
#: Codes of the step before and after the current one are accepted (clocks drift).
_DRIFT = 1
_DIGITS = re.compile(r"^\d{6}$")
_RECOVERY = re.compile(r"^[0-9a-f]{10}$")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A secret being set up: the signed ``token`` that carries it to the confirmation,
    the ``uri`` authenticator apps read, and that as a QR code (inline ``svg``)."""

    secret: str
    token: str
    uri: str
    svg: str


class TwoFactor:
    """Check the second step of operators' logins, and enrol or turn it off.

    :param issuer: the desk's name, as authenticator apps list the account.
    """

    def __init__(
        self, store: Store, secret_key: str, *, issuer: str, throttle: Throttle | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:  # fmt: skip
        self.store = store
        self.issuer = issuer
        self.throttle = throttle or Throttle()
        self.clock = clock
        self._failures = self.throttle.limit(CODE_FAILURES)
        self._pending = URLSafeTimedSerializer(secret_key, salt="chatdesk.operator.2fa")
        self._enrol = URLSafeTimedSerializer(secret_key, salt="chatdesk.operator.2fa-enrol")
        self._box = totp_box(secret_key)

    def pending_token(self, operator: Operator) -> str:
        """Return the ticket of an operator whose password was right, for the code page."""
        return str(self._pending.dumps({"o": operator.id, "v": operator.session_version}))

    async def pending_operator(self, token: str) -> Operator:
        """Return the operator a ticket from :meth:`pending_token` names.

        :raises Unauthorized: forged, older than 5 minutes, or the account changed since.
        """
        data = self._load(self._pending, token, PENDING_MAX_AGE)
        operator = await self.store.operators.get_operator(str(data.get("o", "")))
        if operator is None or operator.disabled or operator.session_version != data.get("v"):
            raise Unauthorized("your sign-in has expired; start again")
        return operator

    async def check(self, operator: Operator, code: str, *, client: str) -> None:
        """Accept a code from the operator's app (once: the same code never works twice)
        or one of their recovery codes (struck off).

        :raises RateLimited: after 5 wrong codes within 15 minutes.
        :raises Unauthorized: ``wrong_code``.
        """
        if not await self.throttle.allows(self._failures, "2fa", operator.id):
            log.warning("2fa code refused (throttled): %s from %s", operator.email, client)
            raise RateLimited("too many wrong codes; try again in 15 minutes")
        if await self._accepts(operator, re.sub(r"[\s-]", "", code).lower(), client):
            await self.throttle.forget(self._failures, "2fa", operator.id)
            return
        await self.throttle.count(self._failures, "2fa", operator.id)
        log.warning("wrong 2fa code for %s from %s", operator.email, client)
        raise Unauthorized("wrong code", code="wrong_code")

    async def recovery_left(self, operator: Operator) -> int:
        """Return how many of the operator's recovery codes are still unused."""
        return len((await self.store.operators.operator_totp(operator.id))[2])

    def start(self, operator: Operator) -> Enrolment:
        """Make a new secret for ``operator`` to scan; nothing is stored until confirmed."""
        secret = pyotp.random_base32()
        uri = pyotp.TOTP(secret).provisioning_uri(name=operator.email, issuer_name=self.issuer)
        token = str(self._enrol.dumps({"o": operator.id, "s": secret}))
        svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#1c2330", border=2)
        return Enrolment(secret, token, uri, svg)

    def restart(self, operator: Operator, token: str) -> Enrolment:
        """Return the enrolment a token carries (the page shown again after a wrong code)."""
        secret = self._enrolled_secret(operator, token)
        uri = pyotp.TOTP(secret).provisioning_uri(name=operator.email, issuer_name=self.issuer)
        svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#1c2330", border=2)
        return Enrolment(secret, token, uri, svg)

    async def enable(self, operator: Operator, token: str, code: str) -> tuple[Operator, list[str]]:
        """Turn two-step sign-in on with the secret ``token`` carries, once a code from the
        app proves it was scanned; return the operator (their other sessions ended) and
        their recovery codes, shown once.

        :raises Unauthorized: the token expired or is another operator's.
        :raises InvalidPayload: ``wrong_code``.
        """
        secret = self._enrolled_secret(operator, token)
        step = self._step_of(secret, re.sub(r"\s", "", code))
        if step is None:
            raise InvalidPayload("that code does not match; try the app's current one",
                                 code="wrong_code")  # fmt: skip
        codes = _new_codes()
        hashes = [_hash(c.replace("-", "")) for c in codes]
        sealed = self._box.seal(secret, operator.id)
        updated = await self.store.operators.set_totp(operator.id, sealed, hashes)
        await self.store.operators.use_totp_step(operator.id, step)  # not again at login
        log.info("operator %s turned two-step sign-in on", operator.email)
        return updated, codes

    async def new_codes(self, operator: Operator, code: str, *, client: str) -> list[str]:
        """Replace the operator's recovery codes, proven by a current code (or one of the
        old recovery codes); return the new ones, shown once. Raises as :meth:`check`."""
        await self.check(operator, code, client=client)
        codes = _new_codes()
        hashes = [_hash(c.replace("-", "")) for c in codes]
        await self.store.operators.set_recovery_codes(operator.id, hashes)
        log.info("operator %s made new recovery codes", operator.email)
        return codes

    async def disable(self, operator: Operator, code: str, *, client: str) -> Operator:
        """Turn two-step sign-in off, proven by a current code (or a recovery code); the
        operator's other sessions end. Raises as :meth:`check`."""
        await self.check(operator, code, client=client)
        updated = await self.store.operators.set_totp(operator.id, "", [])
        log.warning("operator %s turned two-step sign-in off from %s", operator.email, client)
        return updated

    async def _accepts(self, operator: Operator, typed: str, client: str) -> bool:
        """Use ``typed`` up: the app's code of a step not used yet, or a recovery code."""
        operators = self.store.operators
        stored, _, _ = await operators.operator_totp(operator.id)
        if not stored:
            return False
        try:
            secret = self._box.open(stored, operator.id)
        except SealBroken:
            # Only the secret key changed (or the row was altered): the app's codes cannot
            # be checked any more. Recovery codes are hashes: they still work.
            log.error(
                "the two-step secret of %s does not open with this secret key (was "
                "CHATDESK_SECRET_KEY changed?): only a recovery code, or `chatdesk operators "
                "reset-2fa`, lets them in",
                operator.email,
            )
            secret = ""
        if secret and not self._box.is_sealed(stored):  # stored before sealing existed
            await operators.reseal_totp(operator.id, stored, self._box.seal(secret, operator.id))
        if _DIGITS.match(typed):
            if not secret:
                return False
            step = self._step_of(secret, typed)
            return step is not None and await operators.use_totp_step(operator.id, step)
        if _RECOVERY.match(typed) and await operators.use_recovery_code(operator.id, _hash(typed)):
            log.warning("operator %s used a recovery code from %s", operator.email, client)
            return True
        return False

    def _step_of(self, secret: str, code: str) -> int | None:
        """Return the time step whose code ``code`` is (now, or one step either side)."""
        if not _DIGITS.match(code):
            return None
        totp, now = pyotp.TOTP(secret), self.clock()
        for drift in range(-_DRIFT, _DRIFT + 1):
            at = now + timedelta(seconds=drift * totp.interval)
            if hmac.compare_digest(totp.at(at), code):
                return int(totp.timecode(at))
        return None

    def _enrolled_secret(self, operator: Operator, token: str) -> str:
        data = self._load(self._enrol, token, ENROL_MAX_AGE)
        if data.get("o") != operator.id or not isinstance(data.get("s"), str):
            raise Unauthorized("this set-up is not yours; start again")
        return str(data["s"])

    @staticmethod
    def _load(
        serializer: URLSafeTimedSerializer, token: str, max_age: timedelta
    ) -> dict[str, object]:
        try:
            data = serializer.loads(token, max_age=int(max_age.total_seconds()))
        except BadSignature:
            raise Unauthorized("this step has expired; start again") from None
        if not isinstance(data, dict):
            raise Unauthorized("this step has expired; start again")
        return data


def totp_box(secret_key: str) -> SecretBox:
    """Return what seals and opens operators' TOTP secrets under ``secret_key`` (also used
    by ``chatdesk check`` to see whether they open with the key the desk will run with)."""
    return SecretBox(secret_key, purpose="operator totp secret")


def _new_codes() -> list[str]:
    """Return fresh recovery codes as shown: ten hex digits, a dash in the middle."""
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _hash(code: str) -> str:
    """Return how a recovery code is stored (they are random: a fast hash suffices)."""
    return hashlib.sha256(code.encode()).hexdigest()
