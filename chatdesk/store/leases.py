"""Store protocol for leases: which process runs a periodic job now; single-use keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

__all__ = ["LeaseStore"]


class LeaseStore(Protocol):
    """Named leases with an expiry, so a job runs in one process of the cluster at a time
    and another takes over when its holder dies (the lease is not renewed)."""

    async def acquire_lease(self, name: str, holder: str, *, ttl: timedelta, now: datetime) -> bool:
        """Take or renew the lease ``name`` for ``holder`` until ``now + ttl``; return False
        if another holder has it and it has not expired."""
        ...

    async def release_lease(self, name: str, holder: str) -> None:
        """Give the lease up (if ``holder`` has it), so another process can take it at once."""
        ...

    async def claim_once(self, key: str, *, expires_at: datetime, now: datetime) -> bool:
        """Mark ``key`` used until ``expires_at``; return True only for the first claim
        (every process sharing the store agrees). Keys past their expiry are forgotten:
        callers refuse expired tokens themselves. Sign-in links and solved challenges
        are single use through it."""
        ...
