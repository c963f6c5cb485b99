"""The one exception tree of chatdesk.

Every error carries a stable machine ``code`` (sent to clients) and an HTTP ``status``::

    ChatdeskError                 internal_error      500
    ├── ConfigError               config_error        (start-up only)
    ├── InvalidPayload            invalid_payload     400  (code may be refined)
    │   └── InvalidFields         invalid_fields      422  (a message per field)
    ├── InvalidToken              invalid_token       401
    ├── Unauthorized              unauthorized        401
    ├── Forbidden                 forbidden           403
    ├── NotFound                  not_found           404
    ├── Conflict                  conflict            409
    ├── TooLarge                  too_large           413
    ├── RateLimited               rate_limited        429
    ├── StoreError                store_unavailable   503
    └── EncoderUnavailable        encoder_unavailable 503  (the bot's encoder process)
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ChatdeskError",
    "ConfigError",
    "Conflict",
    "EncoderUnavailable",
    "Forbidden",
    "InvalidFields",
    "InvalidPayload",
    "InvalidToken",
    "NotFound",
    "RateLimited",
    "SealBroken",
    "StoreError",
    "TooLarge",
    "Unauthorized",
]


class ChatdeskError(Exception):
    """Base of every error chatdesk raises on purpose."""

    code: ClassVar[str] = "internal_error"
    status: ClassVar[int] = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            # A refined code for one instance (e.g. "text_too_long" for an InvalidPayload).
            self.code = code  # type: ignore[misc]

    def to_payload(self) -> dict[str, Any]:
        """Return the ``{"code", "message"}`` object sent to clients."""
        return {"code": self.code, "message": self.message}


class ConfigError(ChatdeskError):
    """A setting or configuration file is malformed; start-up stops."""

    code = "config_error"


class InvalidPayload(ChatdeskError):
    """Input from outside does not have the expected shape."""

    code = "invalid_payload"
    status = 400


class InvalidFields(InvalidPayload):
    """Some fields of a form are wrong: ``fields`` maps each to a message in the
    requester's language (``field`` names the first)."""

    code = "invalid_fields"
    status = 422

    def __init__(self, fields: dict[str, str], *, message: str | None = None) -> None:
        first = next(iter(fields), "")
        super().__init__(message or f"{first}: {fields.get(first, '')}")
        self.fields = dict(fields)

    def to_payload(self) -> dict[str, Any]:
        """Return ``{"code", "message", "field", "fields"}``."""
        return {
            **super().to_payload(),
            "field": next(iter(self.fields), None),
            "fields": self.fields,
        }


class InvalidToken(ChatdeskError):
    """A visitor token is forged, malformed or refers to nobody."""

    code = "invalid_token"
    status = 401


class Unauthorized(ChatdeskError):
    """The caller must log in (or their session ended)."""

    code = "unauthorized"
    status = 401


class Forbidden(ChatdeskError):
    """The caller may not do this."""

    code = "forbidden"
    status = 403


class NotFound(ChatdeskError):
    """The thing asked for does not exist (or is not the caller's)."""

    code = "not_found"
    status = 404


class Conflict(ChatdeskError):
    """The request lost a race or contradicts the current state."""

    code = "conflict"
    status = 409


class TooLarge(ChatdeskError):
    """An upload is larger than the desk accepts."""

    code = "too_large"
    status = 413


class RateLimited(ChatdeskError):
    """Too many requests in too short a time."""

    code = "rate_limited"
    status = 429


class StoreError(ChatdeskError):
    """The store failed or is unreachable."""

    code = "store_unavailable"
    status = 503


class SealBroken(ChatdeskError):
    """A value sealed at rest (``secretbox.py``) does not open: the secret key changed, or
    the value was altered."""

    code = "seal_broken"


class EncoderUnavailable(ChatdeskError):
    """The bot's sentence encoder process failed twice in a row, or was closed."""

    code = "encoder_unavailable"
    status = 503
