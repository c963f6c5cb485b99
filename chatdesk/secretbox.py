"""Secrets the desk must read back, sealed at rest with a key derived from its secret key.

Operators' TOTP secrets are the one such value: unlike a password, the server needs the
secret itself to check a code, so it cannot be hashed. Sealed, a copy of the database (a
backup, a dump, a PostgreSQL server run by someone else) gives no second factor without
the secret key that sits beside the server (``CHATDESK_SECRET_KEY`` or
``DATA_DIR/secret_key``).

AES-256-GCM from ``cryptography``; the key is HKDF-SHA256 of the secret key with a purpose
label, so it is never the key that signs tokens. Each value is bound to the row it belongs
to (``context``, the operator's id, as associated data): moved to another row, it no longer
opens.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import SealBroken

__all__ = ["PREFIX", "SealBroken", "SecretBox"]

#: How a sealed value begins (the version of this format): anything else is a value
#: stored before sealing existed, read as it is.
PREFIX = "sealed1:"
_NONCE = 12


class SecretBox:
    """Seal and open short secrets with a key derived from the desk's secret key.

    :param secret_key: the desk's secret key (``Settings.secret_key``).
    :param purpose: what the values are for; a different purpose derives another key.
    """

    def __init__(self, secret_key: str, *, purpose: str) -> None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"chatdesk {purpose}".encode()
        ).derive(secret_key.encode())
        self._aead = AESGCM(key)

    def seal(self, value: str, context: str) -> str:
        """Return ``value`` sealed for the row ``context`` names."""
        nonce = secrets.token_bytes(_NONCE)
        sealed = self._aead.encrypt(nonce, value.encode(), context.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, stored: str, context: str) -> str:
        """Return the value ``stored`` holds (a value stored before sealing: itself).

        :raises SealBroken: it was sealed with another key, or for another row, or altered.
        """
        if not stored.startswith(PREFIX):
            return stored
        try:
            raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
            value = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())
        except (InvalidTag, ValueError) as exc:
            raise SealBroken("the sealed value does not open with this secret key") from exc
        return value.decode()

    @staticmethod
    def is_sealed(stored: str) -> bool:
        """Return whether ``stored`` is a sealed value (not one from before sealing)."""
        return stored.startswith(PREFIX)
