"""An organisation's own admin in the portal: inviting colleagues (and withdrawing an
invitation), taking members out.

What an operator does for any organisation (``chatdesk orgs``, the console), an
organisation admin does here for theirs only, within limits that keep the desk's mail
from being turned against strangers: one pending invitation per address, at most
:data:`PENDING_LIMIT` at a time, none past the organisation's member cap, and
:data:`ORG_INVITATIONS` / :data:`ADDRESS_INVITATIONS` mails a day (withdrawing and
inviting again does not make more).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from ..errors import Conflict, Forbidden, NotFound, RateLimited
from ..events import Event
from ..models import Invitation, Organisation, OrgRole, Requester, utcnow
from ..operators import normalize_email
from ..store import Store
from ..throttle import Throttle
from .people import RequesterService

__all__ = ["ADDRESS_INVITATIONS", "ORG_INVITATIONS", "PENDING_LIMIT", "OrgAdmin", "invited_by"]

log = logging.getLogger(__name__)

#: Pending invitations an organisation may have at once (each sends a mail).
PENDING_LIMIT = 20
#: Invitations one organisation's admins may send a day...
ORG_INVITATIONS = "30/day"
#: ...and invitations one address may receive from organisations' admins a day.
ADDRESS_INVITATIONS = "3/day"


def invited_by(requester: Requester) -> str:
    """Return the ``invited_by`` of an invitation an organisation admin sent."""
    return f"requester:{requester.id}"


class OrgAdmin:
    """The portal's organisation page, for the organisation's admins. Usage::

    org = await orgadmin.organisation(admin)        # Forbidden for anyone else
    invitation, events = await orgadmin.invite(admin, "bob@client.example")
    await orgadmin.withdraw(admin, invitation.id)
    await orgadmin.remove(admin, "eve@client.example")
    """

    def __init__(
        self,
        store: Store,
        people: RequesterService,
        *,
        throttle: Throttle | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.people = people
        self.clock = clock
        self.throttle = throttle or Throttle()
        self._per_org = Throttle.limit(ORG_INVITATIONS)
        self._per_address = Throttle.limit(ADDRESS_INVITATIONS)

    async def organisation(self, admin: Requester) -> Organisation:
        """Return the organisation ``admin`` runs. :raises Forbidden: ``not_org_admin``."""
        if admin.organisation_id is None or admin.org_role is not OrgRole.ADMIN:
            raise Forbidden("only an organisation's admins manage it", code="not_org_admin")
        return await self.people.organisation(admin.organisation_id)

    async def pending(self, organisation: Organisation) -> list[Invitation]:
        """Return the organisation's invitations not yet used and still valid, newest first."""
        now = self.clock()
        return [
            i
            for i in await self.store.requesters.list_invitations(organisation.id)
            if i.accepted_at is None and i.expires_at > now
        ]

    async def invite(self, admin: Requester, email: str) -> tuple[Invitation, list[Event]]:
        """Invite a colleague into ``admin``'s organisation (a mail goes out).

        :raises InvalidPayload: ``invalid_email``.
        :raises Conflict: ``already_member``, ``already_invited``, ``too_many_invitations``
            or ``organisation_full`` (members and pending invitations reach the cap).
        :raises RateLimited: ``invitations_today``.
        """
        organisation = await self.organisation(admin)
        address = normalize_email(email)
        members = await self.store.requesters.list_members(organisation.id)
        if address in {m.email for m in members}:
            raise Conflict(f"{address} is a member already", code="already_member")
        pending = await self.pending(organisation)
        if address in {i.email for i in pending}:
            raise Conflict(f"{address} has an invitation already", code="already_invited")
        if len(pending) >= PENDING_LIMIT:
            raise Conflict(
                f"{PENDING_LIMIT} invitations are waiting already", code="too_many_invitations"
            )
        cap = organisation.max_members
        if cap is not None and len(members) + len(pending) >= cap:
            raise Conflict(f"{organisation.name} may have {cap} members", code="organisation_full")
        within_org = await self.throttle.count(self._per_org, "invite-org", organisation.id)
        within_address = await self.throttle.count(self._per_address, "invite-address", address)
        if not (within_org and within_address):
            raise RateLimited("enough invitations for today", code="invitations_today")
        invitation, events = await self.people.invite(
            None, address, organisation, by=invited_by(admin)
        )
        log.info("organisation %s: %s invited %s", organisation.id, admin.id, address)
        return invitation, events

    async def withdraw(self, admin: Requester, invitation_id: str) -> None:
        """End a pending invitation of ``admin``'s organisation (its place is free again;
        the link in its mail no longer joins anyone).

        :raises NotFound: ``no_invitation`` (used, ended, or another organisation's).
        """
        organisation = await self.organisation(admin)
        if not await self.store.requesters.withdraw_invitation(
            invitation_id, organisation.id, self.clock()
        ):
            raise NotFound("no such pending invitation", code="no_invitation")
        log.info("organisation %s: %s withdrew invitation %s", organisation.id, admin.id,
                 invitation_id)  # fmt: skip

    async def remove(self, admin: Requester, email: str) -> Requester:
        """Take a member (not an admin, not oneself) out of ``admin``'s organisation;
        their site seats are freed, their tickets stay theirs.

        :raises NotFound: ``unknown_requester`` (not a member of this organisation).
        :raises Forbidden: ``member_is_admin`` (admins are changed by the desk).
        """
        organisation = await self.organisation(admin)
        address = normalize_email(email)
        members = {m.email: m for m in await self.store.requesters.list_members(organisation.id)}
        member = members.get(address)
        if member is None:
            raise NotFound(f"{address} is not a member", code="unknown_requester")
        if member.org_role is OrgRole.ADMIN:
            raise Forbidden("ask the desk to change an admin", code="member_is_admin")
        log.info("organisation %s: %s took out %s", organisation.id, admin.id, member.id)
        return await self.people.remove_member(address)
