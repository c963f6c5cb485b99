"""Store protocol for requesters, organisations, invitations and site seats."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..models import (
    Invitation,
    Organisation,
    OrgRole,
    Requester,
    RequesterPage,
    RequesterQuery,
)

__all__ = ["RequesterStore"]


class RequesterStore(Protocol):
    """People who file tickets and the customer accounts they belong to."""

    async def save_requester(
        self, email: str, *, name: str, phone: str, lang: str, now: datetime
    ) -> Requester:
        """Return the requester with this (normalised) e-mail, their own or one of their
        other addresses, created if new; details given fill the ones still empty."""
        ...

    async def update_requester(
        self, requester_id: str, *, name: str, phone: str, lang: str
    ) -> Requester | None:
        """Replace a requester's details (they changed them); None if there is no such
        requester. Tickets keep the name they were filed with."""
        ...

    async def set_requester_note(self, requester_id: str, note: str) -> Requester | None:
        """Replace the team's note on a requester; return them after, or None if there is
        no such requester."""
        ...

    async def end_requester_sessions(self, requester_id: str) -> Requester | None:
        """Raise the requester's session version (every portal session of theirs ends);
        return them after, or None if there is no such requester."""
        ...

    async def erase_requester(self, requester: Requester) -> int:
        """Erase ``requester`` (GDPR art. 17) in one transaction: their account, other
        addresses, seats, invitations, held, queued and bounced mail (of every address),
        and in each of their tickets the subject, description, fields, messages, files,
        chat, rating comment and search words; the tickets stay, anonymous, for
        statistics. Return how many there were."""
        ...

    async def get_requester(self, requester_id: str) -> Requester | None:
        """Return a requester by id."""
        ...

    async def find_requester(self, email: str) -> Requester | None:
        """Return the requester with this (normalised) e-mail, their own or one of their
        other addresses."""
        ...

    async def requester_addresses(self, requester_id: str) -> list[str]:
        """Return a requester's other addresses (merged from other records), sorted."""
        ...

    async def merge_requesters(
        self, source_id: str, target_id: str, *, note: str, now: datetime, by: str | None = None
    ) -> Requester | None:
        """Merge the requester ``source_id`` into ``target_id`` (one person, two records)
        in one transaction: the target takes the source's tickets, its address and other
        addresses (as other addresses of its own), its details where the target's are
        empty, its organisation if the target has none (with its seats of that
        organisation), and ``note``; the source is deleted (its portal sessions end). Each
        ticket moved gets a ``requester`` history row (``via: merge``, ``from``, ``to``:
        ids; by the operator ``by``, else the desk). Return the target after, or None if
        either is missing.

        :raises Conflict: ``same_requester`` (``source_id`` is ``target_id``).
        """
        ...

    async def detach_address(
        self, requester_id: str, address: str, now: datetime, by: str | None = None
    ) -> Requester | None:
        """Make ``address``, one of the requester's other addresses, a requester of its
        own again (no details, no organisation), taking the requester's tickets filed from
        that address (each with a ``requester`` history row, ``via: detach``); return the
        new requester, or None if the address is not one of their other addresses."""
        ...

    async def list_requesters(self, query: RequesterQuery) -> RequesterPage:
        """Return a page of the requesters matching ``query``, each with the counts of
        their tickets, and how many match in all."""
        ...

    async def add_organisation(self, organisation: Organisation) -> None:
        """Create an organisation. :raises Conflict: if the name is taken (any case)."""
        ...

    async def add_domain(self, organisation_id: str, domain: str, now: datetime) -> None:
        """Give the organisation an e-mail domain (lower case, as given).

        :raises Conflict: if an organisation has that domain already (this one or another).
        :raises NotFound: if there is no such organisation.
        """
        ...

    async def remove_domain(self, organisation_id: str, domain: str) -> bool:
        """Take the domain from the organisation; False if it did not have it."""
        ...

    async def organisation_domains(self, organisation_id: str) -> list[str]:
        """Return the organisation's e-mail domains, in byte order."""
        ...

    async def domain_organisation(self, domain: str) -> Organisation | None:
        """Return the organisation that has this e-mail domain."""
        ...

    async def join_by_domain(self, organisation_id: str, domain: str) -> int:
        """Make the requesters of ``domain`` who belong to no organisation its members
        (oldest first, while it has room under ``max_members``); return how many joined."""
        ...

    async def merge_organisations(self, source_id: str, target_id: str) -> Organisation | None:
        """Merge organisation ``source_id`` into ``target_id`` in one transaction: its
        members (with their roles), tickets, e-mail domains, invitations, notification
        addresses and site seats become the target's, its notices and saved views name
        the target; then it is deleted. Return the target, or None (nothing changed) when
        either is unknown or they are one."""
        ...

    async def get_organisation(self, organisation_id: str) -> Organisation | None:
        """Return an organisation by id."""
        ...

    async def find_organisation(self, name: str) -> Organisation | None:
        """Return the organisation with this name (any case)."""
        ...

    async def list_organisations(self) -> list[Organisation]:
        """Return every organisation, by name."""
        ...

    async def update_organisation(
        self,
        organisation_id: str,
        *,
        contract_active: bool | None = None,
        max_members: int | None = None,
        max_editors_per_site: int | None = None,
        note: str | None = None,
    ) -> Organisation:
        """Change what is given (a cap of 0 removes it; a note replaces the team's).
        :raises NotFound:."""
        ...

    async def set_member(
        self, requester_id: str, organisation_id: str | None, role: OrgRole
    ) -> bool:
        """Put the requester in the organisation with ``role`` (None: out of any);
        False when the organisation already has ``max_members`` others.

        :raises NotFound: if the requester or organisation does not exist.
        """
        ...

    async def list_members(self, organisation_id: str) -> list[Requester]:
        """Return the organisation's members, admins first, then by e-mail."""
        ...

    async def add_invitation(self, invitation: Invitation) -> None:
        """Store an invitation."""
        ...

    async def pending_invitation(self, email: str, now: datetime) -> Invitation | None:
        """Return the newest unexpired, unaccepted invitation of this e-mail."""
        ...

    async def accept_invitation(self, invitation_id: str, requester_id: str, now: datetime) -> bool:
        """Mark the invitation accepted and the requester invited (and a member of its
        organisation, if it names one and has room); False if already accepted."""
        ...

    async def list_invitations(self, organisation_id: str | None = None) -> list[Invitation]:
        """Return invitations (of one organisation), newest first."""
        ...

    async def withdraw_invitation(
        self, invitation_id: str, organisation_id: str, now: datetime
    ) -> bool:
        """End a pending invitation of this organisation now (it expires: its row stays, for
        the history); False if it is not pending or not the organisation's."""
        ...

    async def site_editors(self, organisation_id: str, site_id: str) -> list[Requester]:
        """Return the editors of one of the organisation's sites, in seat order."""
        ...

    async def release_seat(self, organisation_id: str, site_id: str, requester_id: str) -> bool:
        """Free a requester's seat on a site; return whether they had one."""
        ...

    async def org_seats(self, organisation_id: str) -> list[tuple[str, Requester]]:
        """Return every site seat of the organisation as ``(site id, editor)``, by site id
        (byte order), then seat order."""
        ...
