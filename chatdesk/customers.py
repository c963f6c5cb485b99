"""Customer organisations for programs (the REST API): listed, created, their contract
and caps changed, members and e-mail domains added and removed, by admins only, through
the services the console's pages and ``chatdesk orgs`` use (a CRM or a billing system
keeps a web agency's contract clients in step)."""

from __future__ import annotations

from dataclasses import dataclass

from .audit import AuditTrail
from .errors import Forbidden, NotFound
from .helpdesk import Helpdesk
from .helpdesk.people import clean_note
from .models import AuditAction, Operator, Organisation, Requester

__all__ = ["CustomerAccount", "Customers"]


@dataclass(frozen=True, slots=True)
class CustomerAccount:
    """An organisation with how many members it has and its e-mail domains."""

    organisation: Organisation
    members: int
    domains: list[str]


class Customers:
    """What admins do to customer organisations from a program; ``actor`` None: the
    desk itself."""

    def __init__(self, helpdesk: Helpdesk, audit: AuditTrail | None = None) -> None:
        self.people = helpdesk.people
        self.domains = helpdesk.domains
        self.audit = audit

    async def accounts(self, actor: Operator | None) -> list[CustomerAccount]:
        """Return every organisation, by name."""
        _admin(actor)
        return [await self._account(o) for o in await self.people.organisations()]

    async def account(self, actor: Operator | None, organisation_id: str) -> CustomerAccount:
        """Return one organisation. :raises NotFound: ``unknown_org``."""
        _admin(actor)
        return await self._account(await self._get(organisation_id))

    async def create(
        self,
        actor: Operator | None,
        name: str,
        *,
        contract_active: bool = True,
        max_members: int | None = None,
        max_editors_per_site: int | None = None,
    ) -> CustomerAccount:
        """Create an organisation. :raises Conflict: ``exists``; InvalidPayload."""
        _admin(actor)
        organisation = await self.people.add_organisation(
            name, contract_active=contract_active, max_members=max_members,
            max_editors_per_site=max_editors_per_site,
        )  # fmt: skip
        return await self._account(organisation)

    async def change(
        self,
        actor: Operator | None,
        organisation_id: str,
        *,
        contract_active: bool | None = None,
        max_members: int | None = None,
        max_editors_per_site: int | None = None,
        note: str | None = None,
    ) -> CustomerAccount:
        """Change what is given: the contract, the caps (0 removes one), the team's
        note (checked before anything is changed)."""
        _admin(actor)
        organisation = await self._get(organisation_id)
        if note is not None:
            clean_note(note)  # refused here, before the other changes
            organisation = await self.people.set_org_note(organisation, note)
        if contract_active is not None:
            organisation = await self.people.set_contract(organisation, contract_active)
        if max_members is not None or max_editors_per_site is not None:
            organisation = await self.people.set_caps(
                organisation, max_members=max_members, max_editors_per_site=max_editors_per_site
            )
        return await self._account(organisation)

    async def add_member(
        self, actor: Operator | None, organisation_id: str, email: str, *, role: str, name: str
    ) -> Requester:
        """Put someone (created if new) in the organisation. :raises Conflict:
        ``organisation_full``."""
        _admin(actor)
        return await self.people.add_member(
            await self._get(organisation_id), email, role=role, name=name
        )

    async def remove_member(
        self, actor: Operator | None, organisation_id: str, requester_id: str
    ) -> None:
        """Take a member out of the organisation (their site seats are freed).

        :raises NotFound: ``unknown_requester`` (or not this organisation's member).
        """
        _admin(actor)
        organisation = await self._get(organisation_id)
        requester = await self.people.get(requester_id)
        if requester.organisation_id != organisation.id:
            raise NotFound(f"no member {requester_id[:40]!r}", code="unknown_requester")
        await self.people.remove_member(requester.email)

    async def add_domain(
        self, actor: Operator | None, organisation_id: str, domain: str
    ) -> tuple[str, int]:
        """Give the organisation an e-mail domain; return it as kept and how many
        requesters of it joined."""
        _admin(actor)
        return await self.domains.add(await self._get(organisation_id), domain)

    async def remove_domain(
        self, actor: Operator | None, organisation_id: str, domain: str
    ) -> None:
        """Take a domain from the organisation. :raises NotFound: ``unknown_domain``."""
        _admin(actor)
        await self.domains.remove(await self._get(organisation_id), domain)

    async def merge(
        self, actor: Operator | None, organisation_id: str, into: str
    ) -> CustomerAccount:
        """Merge the organisation into ``into`` (an id or a name): see
        :meth:`OrgDomains.merge`; on the audit log. Return the organisation kept.

        :raises NotFound: ``unknown_org``. :raises Conflict: ``same_organisation``.
        """
        _admin(actor)
        source = await self._get(organisation_id)
        try:
            target = await self.people.organisation(into)
        except NotFound:
            raise NotFound(f"no organisation {into[:100]!r}", code="unknown_org") from None
        kept = await self.domains.merge(source, target)
        if self.audit is not None:
            await self.audit.record(
                actor, AuditAction.ORGANISATIONS_MERGED, kept.name, f"{source.name} merged into it"
            )
        return await self._account(kept)

    async def _get(self, organisation_id: str) -> Organisation:
        # By id only (the console's and the command line's also take a name): one
        # address per organisation.
        try:
            organisation = await self.people.organisation(organisation_id)
        except NotFound:
            organisation = None
        if organisation is None or organisation.id != organisation_id:
            raise NotFound("no such organisation", code="unknown_org")
        return organisation

    async def _account(self, organisation: Organisation) -> CustomerAccount:
        members = await self.people.members(organisation)
        return CustomerAccount(organisation, len(members), await self.domains.of(organisation))


def _admin(actor: Operator | None) -> None:
    if actor is not None and not actor.is_admin:
        raise Forbidden("only admins manage organisations")
