"""API tokens: a random secret shown once, its sha256 stored, acting as its operator."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime

from ..errors import InvalidPayload, NotFound, Unauthorized
from ..models import ApiToken, Operator, new_id, utcnow
from ..store import Store

__all__ = ["TOKEN_PREFIX", "ApiTokenService", "hash_secret"]

#: Secrets start with this, so they are recognisable in logs and secret scanners.
TOKEN_PREFIX = "cdk_"  # noqa: S105 (a prefix, not a secret)


def hash_secret(secret: str) -> str:
    """Return the stored form of a secret: its sha256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenService:
    """Create, verify, list and revoke API tokens.

    Usage::

        token, secret = await tokens.create(operator, name="CI")  # show `secret` once
        operator = await tokens.verify(secret)  # Authorization: Bearer <secret>
    """

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def create(self, operator: Operator, *, name: str = "") -> tuple[ApiToken, str]:
        """Return the new token and its secret (never stored, never shown again)."""
        name = " ".join(name.split()) or "token"
        if len(name) > 100:
            raise InvalidPayload("the token's name must be at most 100 characters")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(new_id(), operator.id, name, hash_secret(secret), self.clock())
        await self.store.api_tokens.add_api_token(token)
        return token, secret

    async def verify(self, secret: str) -> Operator:
        """Return the operator a secret acts as.

        :raises Unauthorized: unknown or revoked token, or a disabled operator.
        """
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            raise Unauthorized("invalid API token")
        token = await self.store.api_tokens.use_api_token(hash_secret(secret), self.clock())
        if token is None:
            raise Unauthorized("invalid API token")
        operator = await self.store.operators.get_operator(token.operator_id)
        if operator is None or operator.disabled:
            raise Unauthorized("this token's operator is disabled")
        return operator

    async def list(self, operator: Operator | None = None) -> list[ApiToken]:
        """Return tokens (of one operator), newest first."""
        return await self.store.api_tokens.list_api_tokens(operator.id if operator else None)

    async def revoke(self, token_id: str, owner: Operator | None = None) -> None:
        """Revoke a token (with ``owner``: only one of theirs).

        :raises NotFound: if unknown, already revoked, or not ``owner``'s.
        """
        if owner is not None and token_id not in {t.id for t in await self.list(owner)}:
            raise NotFound("no such active token")
        if not await self.store.api_tokens.revoke_api_token(token_id, self.clock()):
            raise NotFound("no such active token")
