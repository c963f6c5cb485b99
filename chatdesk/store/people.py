"""Store protocols for operators, their presence, and canned responses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..models import CannedResponse, Operator, Presence, PresenceStatus

__all__ = ["CannedStore", "OperatorStore", "PresenceStore"]


class OperatorStore(Protocol):
    """Operator accounts."""

    async def add_operator(self, operator: Operator, password_hash: str) -> None:
        """Create an operator. :raises Conflict: if the e-mail is taken."""
        ...

    async def get_operator(self, operator_id: str) -> Operator | None:
        """Return an operator by id."""
        ...

    async def operator_credentials(self, email: str) -> tuple[Operator, str] | None:
        """Return the operator with ``email`` and their password hash."""
        ...

    async def list_operators(self) -> list[Operator]:
        """Return every operator, by name."""
        ...

    async def update_operator(
        self,
        email: str,
        *,
        disabled: bool | None = None,
        password_hash: str | None = None,
        end_sessions: bool = False,
    ) -> Operator:
        """Disable/enable or set a password (which ends a pending invitation); either ends
        the operator's sessions, as
        ``end_sessions`` alone does (their "sign out everywhere").

        :raises NotFound: if there is no operator with that e-mail.
        """
        ...

    async def set_away(
        self, operator_id: str, until: datetime | None, replacement_id: str | None
    ) -> Operator:
        """Set the operator out of office until ``until`` with their replacement, or back
        (None, None); return them after.

        :raises NotFound: no such operator.
        """
        ...

    async def mark_invited(self, operator_id: str, at: datetime) -> bool:
        """Record that an invitation to choose a first password was mailed at ``at`` (a
        password set later clears it); return False for an unknown id."""
        ...

    async def mark_seen(self, operator_id: str, at: datetime, *, since: datetime) -> bool:
        """Record that the operator used the console at ``at``, unless they were seen
        after ``since`` already; return whether it was written (an unknown id: False)."""
        ...

    async def edit_operator(self, operator: Operator) -> Operator:
        """Save an operator's name, role, departments, languages, capacity and mail
        preference (the account with ``operator.email``; its access and sessions are
        unchanged); return it.

        :raises NotFound: if there is no operator with that e-mail.
        """
        ...

    async def operator_totp(self, operator_id: str) -> tuple[str, int, list[str]]:
        """Return an operator's TOTP secret ('' when two-step sign-in is off), the last
        time step a code was used for, and the hashes of their unused recovery codes.

        :raises NotFound: if there is no such operator.
        """
        ...

    async def set_totp(
        self, operator_id: str, secret: str, recovery_codes: Sequence[str]
    ) -> Operator:
        """Turn two-step sign-in on (``secret``, with these recovery codes' hashes) or off
        (''); this ends the operator's sessions. Return the operator.

        :raises NotFound: if there is no such operator.
        """
        ...

    async def reseal_totp(self, operator_id: str, old: str, new: str) -> bool:
        """Replace the stored TOTP secret ``old`` by ``new`` (the same secret, stored
        another way), keeping the last step used, the recovery codes and the sessions;
        False when the stored value is no longer ``old``."""
        ...

    async def use_totp_step(self, operator_id: str, step: int) -> bool:
        """Record that a code of time step ``step`` was used; False when that step or a
        later one was used already (a code works once, in every process)."""
        ...

    async def use_recovery_code(self, operator_id: str, code_hash: str) -> bool:
        """Strike one recovery code off; False when it is not among the unused ones."""
        ...

    async def set_recovery_codes(self, operator_id: str, recovery_codes: Sequence[str]) -> None:
        """Replace an operator's recovery codes (their hashes); sessions and the secret stay.

        :raises NotFound: if there is no such operator.
        """
        ...


class PresenceStore(Protocol):
    """Who is at their console: shared by every process of the desk."""

    async def operator_connected(self, operator_id: str) -> Presence:
        """Count one more console connection (an offline operator comes online); return
        the presence after it."""
        ...

    async def operator_disconnected(self, operator_id: str, now: datetime) -> int:
        """Count one connection less; return how many remain (0: the grace period starts)."""
        ...

    async def set_presence(self, operator_id: str, status: PresenceStatus) -> None:
        """Set an operator's status."""
        ...

    async def presence(self) -> dict[str, Presence]:
        """Return every known operator's presence."""
        ...

    async def expire_presence(self, left_before: datetime) -> list[str]:
        """Mark offline the operators whose last connection closed before ``left_before``;
        return their ids."""
        ...


class CannedStore(Protocol):
    """Canned responses, per shortcut and language."""

    async def list_canned(self, lang: str | None = None) -> list[CannedResponse]:
        """Return canned responses (of one language), by shortcut."""
        ...

    async def save_canned(self, response: CannedResponse) -> None:
        """Create or replace a canned response."""
        ...

    async def delete_canned(self, shortcut: str, lang: str) -> bool:
        """Delete a canned response; return whether it existed."""
        ...
