"""Operators' console sessions: the signed cookie that names the operator, and what a
request learns from it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

from .errors import Unauthorized
from .models import Operator

__all__ = [
    "DEVICE_COOKIE",
    "DEVICE_MAX_AGE",
    "SEEN_EVERY",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "Session",
    "SessionTokens",
]

SESSION_MAX_AGE = timedelta(hours=12)
#: When an operator (and each of their sessions) was last seen is written at most this
#: often: a session checked on each page and connection must not write each time.
SEEN_EVERY = timedelta(minutes=15)
#: The console's session cookie (set at login, read by the console's pages and socket).
SESSION_COOKIE = "chatdesk_session"
#: The browser's memory of who signed in on it (a new one's sign-in mails the operator).
DEVICE_COOKIE = "chatdesk_device"
DEVICE_MAX_AGE = timedelta(days=365)
#: A shared computer remembers this many operators, the latest first.
_DEVICE_OPERATORS = 10


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in operator and the CSRF token of their session."""

    operator: Operator
    csrf: str
    #: The desk requires two-step sign-in of this operator (``[security] two_factor``).
    requires_two_factor: bool = False
    #: The console session's id (its row in the store; "" for a cookie issued before
    #: sessions had rows).
    session_id: str = ""

    @property
    def must_enrol(self) -> bool:
        """Return whether the operator must set two-step sign-in up before anything else
        (only the set-up page is open to them: no console, no socket)."""
        return self.requires_two_factor and not self.operator.two_factor


class SessionTokens:
    """Sign and check operator session cookies.

    The token names the operator and their ``session_version``; disabling the account or
    changing its password bumps the version in the store, which ends every session.
    """

    def __init__(self, secret_key: str, *, max_age: timedelta = SESSION_MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="chatdesk.operator")
        self._devices = URLSafeTimedSerializer(secret_key, salt="chatdesk.device")
        self.max_age = max_age

    def issue(self, operator: Operator, session_id: str = "") -> tuple[str, str]:
        """Return (token, csrf token) for a fresh session (``session_id``: its row)."""
        csrf = secrets.token_urlsafe(24)
        data = {"o": operator.id, "v": operator.session_version, "c": csrf}
        if session_id:
            data["s"] = session_id
        return str(self._serializer.dumps(data)), csrf

    def read(self, token: str) -> tuple[str, int, str, str]:
        """Return (operator id, session version, csrf, session id or "") or raise
        Unauthorized."""
        try:
            data = self._serializer.loads(token, max_age=int(self.max_age.total_seconds()))
        except BadSignature:
            raise Unauthorized("your session has ended; please log in") from None
        if not isinstance(data, dict) or not all(k in data for k in ("o", "v", "c")):
            raise Unauthorized("your session has ended; please log in")
        return str(data["o"]), int(data["v"]), str(data["c"]), str(data.get("s", ""))

    def device_knows(self, token: str, operator_id: str) -> bool:
        """Return whether the browser's device cookie ``token`` says ``operator_id``
        signed in on it before (a forged, expired or empty one: no)."""
        return operator_id in self._device_ids(token)

    def remember_device(self, token: str, operator_id: str) -> str:
        """Return the device cookie that adds ``operator_id`` to ``token``'s."""
        known = [i for i in self._device_ids(token) if i != operator_id]
        return str(self._devices.dumps([operator_id, *known][:_DEVICE_OPERATORS]))

    def _device_ids(self, token: str) -> list[str]:
        if not token:
            return []
        try:
            data = self._devices.loads(token, max_age=int(DEVICE_MAX_AGE.total_seconds()))
        except BadSignature:
            return []
        return [str(i) for i in data] if isinstance(data, list) else []
