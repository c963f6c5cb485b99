"""One person, two records: a requester who writes from work and from home is merged
into one (Zendesk's and Zammad's user merge), whose other addresses are theirs from then
on (their mail threads, the portal signs them in, the block list sees them); an address
merged by mistake is detached again, with the tickets filed from it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..errors import Conflict, NotFound
from ..models import Operator, Requester, utcnow
from ..operators import normalize_email
from ..store import Store
from .people import NOTE_MAX

__all__ = ["RequesterIdentities", "merged_note"]


def merged_note(kept: str, other: str) -> str:
    """The team's notes on both records as one (the kept record's first), within
    :data:`~chatdesk.helpdesk.people.NOTE_MAX` characters (the end cut, marked)."""
    note = "\n\n".join(n for n in (kept.strip(), other.strip()) if n)
    if other.strip() and other.strip() in kept:
        note = kept.strip()
    return note if len(note) <= NOTE_MAX else note[: NOTE_MAX - 1] + "…"


class RequesterIdentities:
    """Merge requesters and detach their other addresses (any operator; the callers
    write each act to the audit log)."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def addresses(self, requester: Requester) -> list[str]:
        """Return the requester's other addresses, sorted."""
        return await self.store.requesters.requester_addresses(requester.id)

    async def merge(
        self, source: Requester, into: Requester, *, by: Operator | None = None
    ) -> Requester:
        """Merge ``source`` into ``into`` (see ``RequesterStore.merge_requesters``; each
        ticket moved says so in its history, by ``by``); return ``into`` after.

        :raises Conflict: ``same_requester``; ``other_organisation`` (they belong to two
            organisations: which one they are in is the team's choice to make first).
        :raises NotFound: ``unknown_requester`` (either is gone).
        """
        if source.id == into.id:
            raise Conflict("that is the same requester", code="same_requester")
        if (
            source.organisation_id
            and into.organisation_id
            and source.organisation_id != into.organisation_id
        ):
            raise Conflict(
                "they belong to two organisations: take one of them out of theirs first",
                code="other_organisation",
            )
        merged = await self.store.requesters.merge_requesters(
            source.id, into.id, note=merged_note(into.note, source.note), now=self.clock(),
            by=by.id if by else None,
        )  # fmt: skip
        if merged is None:
            raise NotFound("no such requester", code="unknown_requester")
        return merged

    async def detach(
        self, requester: Requester, address: str, *, by: Operator | None = None
    ) -> Requester:
        """Make ``address``, one of the requester's other addresses, a requester of its
        own again, with the tickets filed from it; return that requester.

        :raises InvalidPayload: ``invalid_email``.
        :raises NotFound: ``unknown_address`` (not one of theirs).
        """
        address = normalize_email(address)
        detached = await self.store.requesters.detach_address(
            requester.id, address, self.clock(), by=by.id if by else None
        )
        if detached is None:
            raise NotFound(f"{address} is not one of their addresses", code="unknown_address")
        return detached
