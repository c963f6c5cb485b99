"""Store protocols for service notices and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..models import ApiToken, ServiceNotice

__all__ = ["ApiTokenStore", "NoticeStore"]


class NoticeStore(Protocol):
    """Service notices (maintenance, outages)."""

    async def add_notice(self, notice: ServiceNotice) -> None:
        """Store a notice."""
        ...

    async def active_notices(
        self,
        now: datetime,
        organisation_id: str | None = None,
        *,
        starting_before: datetime | None = None,
    ) -> list[ServiceNotice]:
        """Return the notices showing at ``now`` to everyone, plus those for
        ``organisation_id``; newest first. ``starting_before`` (later than ``now``) adds
        those scheduled to start before it."""
        ...

    async def list_notices(self, *, limit: int = 100) -> list[ServiceNotice]:
        """Return the newest notices, whatever their dates."""
        ...

    async def end_notice(self, notice_id: str, now: datetime) -> bool:
        """End a notice at ``now``; False if there is no such notice or it ended."""
        ...


class ApiTokenStore(Protocol):
    """Bearer tokens of the REST API (only hashes are stored)."""

    async def add_api_token(self, token: ApiToken) -> None:
        """Store a token."""
        ...

    async def use_api_token(self, token_hash: str, now: datetime) -> ApiToken | None:
        """Return the unrevoked token with this hash, its ``last_used_at`` set to ``now``."""
        ...

    async def revoke_api_token(self, token_id: str, now: datetime) -> bool:
        """Revoke a token; False if unknown or revoked already."""
        ...

    async def list_api_tokens(self, operator_id: str | None = None) -> list[ApiToken]:
        """Return tokens (of one operator), newest first."""
        ...
