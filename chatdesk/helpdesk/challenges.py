"""Proof-of-work challenges (ALTCHA) for the web form: signed, solved once, never replayed."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import altcha

from ..errors import InvalidPayload
from ..models import utcnow
from ..store import Store

__all__ = ["ALGORITHM", "CHALLENGE_TTL", "Challenges"]

#: The key derivation the browser widget runs (bundled with it; WebCrypto does the work).
ALGORITHM = "PBKDF2/SHA-256"
#: How long a challenge may be solved and sent; a used one is remembered this long.
CHALLENGE_TTL = timedelta(minutes=20)
#: Longest payload read (a real one is about 600 characters).
_MAX_PAYLOAD = 4000


class Challenges:
    """Create ALTCHA challenges signed with the desk's secret, and verify solutions once.

    A solved challenge is claimed in the store (``leases.claim_once``) under its
    signature, so a replay is refused by every process. Usage::

        challenge = challenges.create()          # JSON for the widget
        await challenges.verify(form["altcha"])  # raises InvalidPayload

    :param cost: PBKDF2 iterations per attempt (the browser tries ~256 counters).
    :param clock: the altcha library checks expiry on the wall clock: keep the default
        outside tests of this class.
    """

    def __init__(
        self,
        store: Store,
        secret_key: str,
        *,
        cost: int = 5000,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.cost = cost
        self.clock = clock
        # Its own key: a leaked challenge signature says nothing about other tokens.
        self._secret = hmac.new(secret_key.encode(), b"chatdesk.altcha", hashlib.sha256).hexdigest()

    def create(self) -> dict[str, Any]:
        """Return a new challenge as the widget fetches it."""
        challenge = altcha.create_challenge(
            algorithm=ALGORITHM,
            cost=self.cost,
            expires_at=self.clock() + CHALLENGE_TTL,
            hmac_secret=self._secret,
        )
        return dict(challenge.to_dict())

    async def verify(self, payload: str) -> None:
        """Accept a solved challenge once.

        :raises InvalidPayload: ``challenge_missing`` (no solution: the browser ran no
            JavaScript), ``challenge_failed`` (forged, wrong or expired) or
            ``challenge_used`` (a replay).
        """
        if not payload:
            raise InvalidPayload("the anti-robot check was not solved", code="challenge_missing")
        if len(payload) > _MAX_PAYLOAD:
            raise InvalidPayload("the anti-robot check failed", code="challenge_failed")
        # The re-derivation costs a few milliseconds of CPU: off the event loop.
        result = await asyncio.to_thread(altcha.verify_solution, payload, self._secret)
        if not result.verified:
            raise InvalidPayload("the anti-robot check failed", code="challenge_failed")
        parsed = altcha.Payload.from_base64(payload)
        expires = parsed.challenge.parameters.expires_at
        until = (
            datetime.fromtimestamp(expires, UTC)
            if isinstance(expires, int | float)
            else self.clock() + CHALLENGE_TTL
        )
        key = f"altcha:{parsed.challenge.signature}"
        if not await self.store.leases.claim_once(key, expires_at=until, now=self.clock()):
            raise InvalidPayload("this anti-robot check was used already", code="challenge_used")
