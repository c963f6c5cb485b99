"""Requesters, organisations, invitations and seats: who may file, and as whom."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..errors import Conflict, Forbidden, InvalidPayload, NotFound
from ..events import Event, InvitationCreated, SeatRefused
from ..models import (
    Invitation,
    Operator,
    Organisation,
    OrgRole,
    Requester,
    SeatRefusal,
    new_id,
    utcnow,
)
from ..operators import normalize_email
from ..store import Store
from .texts import helpdesk_text, people_list

__all__ = ["INVITATION_DAYS", "NOTE_MAX", "Refused", "RequesterService", "clean_note"]

log = logging.getLogger(__name__)

#: An invitation not used within this many days expires.
INVITATION_DAYS = 30


#: The longest note the team keeps on a requester.
NOTE_MAX = 2000


def clean_note(note: str) -> str:
    """Return the team's note on a requester as kept: line ends kept, trailing spaces
    and blank edges dropped. :raises InvalidPayload: ``note`` (too long)."""
    note = "\n".join(line.rstrip() for line in note.strip().splitlines())
    if len(note) > NOTE_MAX:
        raise InvalidPayload(f"a note has {NOTE_MAX} characters at most", code="note")
    return note


class Refused(Conflict):
    """A filing refused for a reason the requester can act on; ``events`` tell others
    (publish them even though the call failed)."""

    def __init__(self, message: str, *, code: str, events: list[Event]) -> None:
        super().__init__(message, code=code)
        self.events = events


class RequesterService:
    """Requesters and their organisations: the access policy and the seat caps."""

    def __init__(
        self, store: Store, config: DeskConfig, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        #: Mails an organisation admin that a member was refused a seat (set when the
        #: desk sends e-mail): ``(admin, data)``.
        self.tell_admin: Callable[[Requester, dict[str, str | int]], Awaitable[bool]] | None = None
        #: Mails an editor that their seat on a site was freed: ``(editor, data)``.
        self.tell_freed: Callable[[Requester, dict[str, str | int]], Awaitable[bool]] | None = None

    async def requester(
        self, email: str, *, name: str = "", phone: str = "", lang: str = ""
    ) -> Requester:
        """Return the requester with this e-mail (created if new, details completed). A
        new one whose address's domain is an organisation's joins it (if it has room)."""
        name, phone = " ".join(name.split())[:100], " ".join(phone.split())[:40]
        email = normalize_email(email)
        # Only someone new joins by their domain: one an admin took out of the
        # organisation is not put back by their next request.
        new = await self.store.requesters.find_requester(email) is None
        requester = await self.store.requesters.save_requester(
            email,
            name=name,
            phone=phone,
            lang=lang if lang in LANGUAGES else "",
            now=self.clock(),
        )
        if new and requester.organisation_id is None:
            return await self._join_by_domain(requester)
        return requester

    async def _join_by_domain(self, requester: Requester) -> Requester:
        domain = requester.email.rpartition("@")[2]
        organisation = await self.store.requesters.domain_organisation(domain)
        if organisation is None or not await self.store.requesters.set_member(
            requester.id, organisation.id, OrgRole.MEMBER
        ):
            return requester
        log.info("requester %s joined %s by their domain", requester.id, organisation.id)
        return await self.store.requesters.get_requester(requester.id) or requester

    async def check_access(self, requester: Requester, lang: str) -> Requester:
        """Return the requester if the desk's policy lets them file (a pending
        invitation is accepted on the way).

        :raises Forbidden: ``access_denied``, in the requester's language.
        """
        if self.config.helpdesk.access == "open":
            return await self.accept_pending(requester)
        if requester.invited:
            return requester
        if requester.organisation_id is not None:
            organisation = await self.store.requesters.get_organisation(requester.organisation_id)
            if organisation is not None and organisation.contract_active:
                return requester
        invitation = await self.store.requesters.pending_invitation(requester.email, self.clock())
        if invitation is not None and await self.store.requesters.accept_invitation(
            invitation.id, requester.id, self.clock()
        ):
            accepted = await self.store.requesters.get_requester(requester.id)
            return accepted or requester
        raise Forbidden(helpdesk_text(lang, "access_denied"), code="access_denied")

    async def accept_pending(self, requester: Requester) -> Requester:
        """Accept the requester's pending invitation, if any: they join its organisation.

        Called where they file (on an open desk) and where they sign in to the portal. A
        member of another organisation stays there: only the desk moves people between
        organisations (on a customers-only desk, :meth:`check_access` still accepts).
        """
        invitation = await self.store.requesters.pending_invitation(requester.email, self.clock())
        if invitation is None or requester.organisation_id not in (
            None,
            invitation.organisation_id,
        ):
            return requester
        if not await self.store.requesters.accept_invitation(
            invitation.id, requester.id, self.clock()
        ):
            return requester
        log.info("requester %s accepted invitation %s", requester.id, invitation.id)
        return await self.store.requesters.get_requester(requester.id) or requester

    async def seat_refused(
        self, requester: Requester, refusal: SeatRefusal, lang: str, *, addresses: bool = True
    ) -> Refused:
        """Return the error telling the requester who holds the seats and whom to ask;
        without ``addresses`` (the public form, the chat: whoever typed a member's address)
        people are named without their e-mail addresses."""
        assert requester.organisation_id is not None
        admins = [
            m
            for m in await self.store.requesters.list_members(requester.organisation_id)
            if m.org_role is OrgRole.ADMIN
        ]
        message = helpdesk_text(
            lang,
            "seats_full",
            site=refusal.site_id,
            count=len(refusal.editors),
            editors=people_list(refusal.editors, addresses=addresses),
            admins=people_list(admins, addresses=addresses) or helpdesk_text(lang, "no_admin"),
        )
        await self._tell_admins(requester, refusal, admins)
        event = SeatRefused(requester, refusal.site_id, refusal.editors, tuple(admins))
        return Refused(message, code="seats_full", events=[event])

    async def _tell_admins(
        self, requester: Requester, refusal: SeatRefusal, admins: list[Requester]
    ) -> None:
        """Mail the organisation's admins whom to give a seat: once a day per member and
        site, however often they try (every process agrees through the store)."""
        assert requester.organisation_id is not None
        if self.tell_admin is None or not admins:
            return
        now = self.clock()
        key = f"seat:{requester.organisation_id}:{refusal.site_id}:{requester.id}"
        if not await self.store.leases.claim_once(key, expires_at=now + timedelta(days=1), now=now):
            return
        organisation = await self.store.requesters.get_organisation(requester.organisation_id)
        data: dict[str, str | int] = {
            "who": requester.name or requester.email, "email": requester.email,
            "site": refusal.site_id, "count": len(refusal.editors),
            "editors": people_list(refusal.editors),
            "org": organisation.name if organisation else "",
        }  # fmt: skip
        for admin in admins:
            await self.tell_admin(admin, data)

    async def add_organisation(
        self,
        name: str,
        *,
        contract_active: bool = True,
        max_members: int | None = None,
        max_editors_per_site: int | None = None,
    ) -> Organisation:
        """Create an organisation (a name unique in any case)."""
        name = " ".join(name.split())
        if not 1 <= len(name) <= 100:
            raise InvalidPayload(
                "an organisation's name must be 1 to 100 characters", code="org_name"
            )
        for cap in (max_members, max_editors_per_site):
            if cap is not None and cap < 1:
                raise InvalidPayload(
                    "a cap must be at least 1 (leave it out for none)", code="invalid_cap"
                )
        organisation = Organisation(
            new_id(), name, self.clock(), contract_active, max_members, max_editors_per_site
        )
        await self.store.requesters.add_organisation(organisation)
        return organisation

    async def organisation(self, ref: str) -> Organisation:
        """Return an organisation by id or name. :raises NotFound:."""
        found = await self.store.requesters.get_organisation(
            ref
        ) or await self.store.requesters.find_organisation(ref)
        if found is None:
            raise NotFound(f"no organisation {ref!r}", code="unknown_org")
        return found

    async def organisations(self) -> list[Organisation]:
        """Return every organisation, by name."""
        return await self.store.requesters.list_organisations()

    async def members(self, organisation: Organisation) -> list[Requester]:
        """Return an organisation's members, admins first."""
        return await self.store.requesters.list_members(organisation.id)

    async def set_contract(self, organisation: Organisation, active: bool) -> Organisation:
        """Turn an organisation's contract on or off."""
        return await self.store.requesters.update_organisation(
            organisation.id, contract_active=active
        )

    async def set_org_note(self, organisation: Organisation, note: str) -> Organisation:
        """Replace the team's note on an organisation (see :func:`clean_note`)."""
        return await self.store.requesters.update_organisation(
            organisation.id, note=clean_note(note)
        )

    async def set_caps(
        self,
        organisation: Organisation,
        *,
        max_members: int | None = None,
        max_editors_per_site: int | None = None,
    ) -> Organisation:
        """Change an organisation's caps (0 removes one)."""
        return await self.store.requesters.update_organisation(
            organisation.id, max_members=max_members, max_editors_per_site=max_editors_per_site
        )

    async def add_member(
        self, organisation: Organisation, email: str, *, role: str = "member", name: str = ""
    ) -> Requester:
        """Put a requester (created if new) in an organisation.

        :raises Conflict: ``organisation_full`` when it has ``max_members`` already.
        """
        if role not in tuple(OrgRole):
            raise InvalidPayload(f"the role must be one of: {', '.join(OrgRole)}")
        requester = await self.requester(email, name=name)
        if not await self.store.requesters.set_member(requester.id, organisation.id, OrgRole(role)):
            raise Conflict(
                f"{organisation.name} has {organisation.max_members} members already",
                code="organisation_full",
            )
        found = await self.store.requesters.get_requester(requester.id)
        assert found is not None
        return found

    async def remove_member(self, email: str) -> Requester:
        """Take a requester out of their organisation (their site seats are freed)."""
        requester = await self.store.requesters.find_requester(normalize_email(email))
        if requester is None:
            raise NotFound(f"no requester {email!r}", code="unknown_requester")
        await self.store.requesters.set_member(requester.id, None, OrgRole.MEMBER)
        found = await self.store.requesters.get_requester(requester.id)
        assert found is not None
        return found

    async def update(self, requester: Requester, *, name: str, phone: str) -> Requester:
        """Replace the details a requester keeps themselves (the portal's account page):
        their name and phone. Their tickets keep the name they were filed with.

        :raises InvalidPayload: ``name`` (more than 100 characters), ``phone`` (40).
        """
        name, phone = " ".join(name.split()), " ".join(phone.split())
        if len(name) > 100:
            raise InvalidPayload("a name has 100 characters at most", code="name")
        if len(phone) > 40:
            raise InvalidPayload("a phone number has 40 characters at most", code="phone")
        updated = await self.store.requesters.update_requester(
            requester.id, name=name, phone=phone, lang=requester.lang
        )
        if updated is None:
            raise NotFound("no such requester", code="unknown_requester")
        log.info("requester %s changed their details", requester.id)
        return updated

    async def set_note(self, requester: Requester, note: str) -> Requester:
        """Replace the team's note on a requester (operators only: never shown to them,
        nor in the export of their data). Line ends are kept, trailing spaces dropped.

        :raises InvalidPayload: ``note`` (more than 2,000 characters).
        """
        updated = await self.store.requesters.set_requester_note(requester.id, clean_note(note))
        if updated is None:
            raise NotFound("no such requester", code="unknown_requester")
        return updated

    async def get(self, requester_id: str) -> Requester:
        """Return the requester with this id. :raises NotFound: ``unknown_requester``."""
        requester = await self.store.requesters.get_requester(requester_id)
        if requester is None:
            raise NotFound("no such requester", code="unknown_requester")
        return requester

    async def find(self, email: str) -> Requester:
        """Return the requester with this e-mail. :raises NotFound: ``unknown_requester``."""
        requester = await self.store.requesters.find_requester(normalize_email(email))
        if requester is None:
            raise NotFound(f"no requester {email!r}", code="unknown_requester")
        return requester

    async def forget(self, email: str) -> int:
        """Erase the requester with this e-mail (GDPR art. 17): their account and what
        identifies them; their tickets stay, anonymous. Return how many tickets they had.

        :raises NotFound: ``unknown_requester``.
        """
        requester = await self.find(email)
        count = await self.store.requesters.erase_requester(requester)
        log.info("requester %s erased (%d ticket(s) anonymised)", requester.id, count)
        return count

    async def seats(self, organisation: Organisation) -> list[tuple[str, Requester]]:
        """Return the organisation's site seats as ``(site id, editor)``, by site."""
        return await self.store.requesters.org_seats(organisation.id)

    def seat_cap(self, organisation: Organisation | None) -> int | None:
        """Return how many editors one site of ``organisation`` may have: its own cap,
        else the desk's (None: no cap)."""
        cap = organisation.max_editors_per_site if organisation else None
        return cap if cap is not None else self.config.helpdesk.max_editors_per_site

    async def release_seat(
        self, organisation: Organisation, site_id: str, email: str, *, by: str = ""
    ) -> None:
        """Free an editor's seat on one of the organisation's sites (the next editor may
        then take it) and tell the editor, naming ``by`` (an organisation admin; empty:
        the desk). :raises NotFound: ``no_seat``."""
        requester = await self.store.requesters.find_requester(normalize_email(email))
        if requester is None or not await self.store.requesters.release_seat(
            organisation.id, site_id, requester.id
        ):
            raise NotFound(f"{email} holds no seat on site {site_id!r}", code="no_seat")
        if self.tell_freed is not None:
            data: dict[str, str | int] = {"site": site_id, "org": organisation.name, "by": by}
            await self.tell_freed(requester, data)

    async def invite(
        self,
        operator: Operator | None,
        email: str,
        organisation: Organisation | None = None,
        *,
        by: str = "",
    ) -> tuple[Invitation, list[Event]]:
        """Invite someone to file tickets (into ``organisation``, if given); ``operator``
        None: an admin at the command line (``invited_by`` is ``cli``), or whoever ``by``
        names (an organisation's admin in the portal: ``requester:<id>``)."""
        now = self.clock()
        invitation = Invitation(
            new_id(),
            normalize_email(email),
            organisation.id if organisation else None,
            operator.id if operator else by or "cli",
            now,
            now + timedelta(days=INVITATION_DAYS),
        )
        await self.store.requesters.add_invitation(invitation)
        name = organisation.name if organisation else ""
        return invitation, [InvitationCreated(invitation, name)]

    async def invitations(self, organisation: Organisation | None = None) -> list[Invitation]:
        """Return invitations (of one organisation), newest first."""
        return await self.store.requesters.list_invitations(
            organisation.id if organisation else None
        )
