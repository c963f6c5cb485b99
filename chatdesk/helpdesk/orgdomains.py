"""Organisations' e-mail domains: a new requester whose address is of one joins that
organisation (Zammad's domain based assignment, Freshdesk's company domains), so a web
agency's "contract clients only" desk knows a client's new employee at their first
request. Public mail providers are refused: their users are no company's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..errors import Conflict, InvalidPayload, NotFound
from ..models import Organisation, utcnow
from ..store import Store
from .blocklist import normalize_pattern

__all__ = ["PUBLIC_DOMAINS", "OrgDomains", "normalize_domain"]

#: Mail providers anyone may have an address at (Belgium, the Netherlands, France and
#: the international ones): never an organisation's domain.
PUBLIC_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.be",
        "outlook.fr",
        "outlook.nl",
        "hotmail.com",
        "hotmail.be",
        "hotmail.fr",
        "hotmail.nl",
        "live.com",
        "live.be",
        "live.fr",
        "live.nl",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "yahoo.be",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "gmx.fr",
        "web.de",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "tutanota.com",
        "zoho.com",
        "mail.com",
        "skynet.be",
        "telenet.be",
        "proximus.be",
        "scarlet.be",
        "voo.be",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "laposte.net",
        "neuf.fr",
        "bbox.fr",
        "ziggo.nl",
        "kpnmail.nl",
        "planet.nl",
        "home.nl",
        "xs4all.nl",
        "hetnet.nl",
        "chello.nl",
        "upcmail.nl",
        "quicknet.nl",
    ]
)


def normalize_domain(text: str) -> str:
    """Return a domain as typed (``acme.be``, ``@acme.be`` or ``*@acme.be``), lower-cased.

    :raises InvalidPayload: ``invalid_domain`` (an address or no domain),
        ``public_domain`` (a mail provider's).
    """
    try:
        domain = normalize_pattern(text)
    except InvalidPayload:
        domain = "@"
    if "@" in domain:
        raise InvalidPayload(
            f"{text.strip()[:80]!r} is not a domain such as acme.be", code="invalid_domain"
        )
    if domain in PUBLIC_DOMAINS:
        raise InvalidPayload(
            f"{domain} is a public mail provider's: its users are no organisation's",
            code="public_domain",
        )
    return domain


class OrgDomains:
    """Give organisations e-mail domains and take them back (admins, ``chatdesk orgs
    domain``); :class:`~chatdesk.helpdesk.people.RequesterService` joins new requesters."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    async def add(self, organisation: Organisation, text: str) -> tuple[str, int]:
        """Give ``organisation`` the domain; the requesters of that domain in no
        organisation join it now (while it has room). Return the domain as kept and how
        many joined.

        :raises InvalidPayload: see :func:`normalize_domain`.
        :raises Conflict: ``domain_taken`` (an organisation has it already).
        """
        domain = normalize_domain(text)
        await self.store.requesters.add_domain(organisation.id, domain, self.clock())
        return domain, await self.store.requesters.join_by_domain(organisation.id, domain)

    async def remove(self, organisation: Organisation, text: str) -> str:
        """Take the domain from ``organisation`` (its members stay).

        :raises NotFound: ``unknown_domain``.
        """
        domain = text.strip().lower().removeprefix("*").removeprefix("@")
        if not await self.store.requesters.remove_domain(organisation.id, domain):
            raise NotFound(
                f"{organisation.name} has no domain {domain[:80]!r}", code="unknown_domain"
            )
        return domain

    async def merge(self, source: Organisation, target: Organisation) -> Organisation:
        """Merge ``source`` into ``target`` (one customer entered twice: an import's
        typo, a company renamed): its members with their roles, tickets, domains,
        invitations, notification addresses and site seats become the target's, its
        notices and saved views name the target, then it is deleted. The target keeps
        its name, contract, caps and note (past a cap, nobody is taken out). Nobody is
        mailed. Return the target.

        :raises Conflict: ``same_organisation``. :raises NotFound: ``unknown_org``
            (either went meanwhile).
        """
        if source.id == target.id:
            raise Conflict("an organisation is not merged into itself", code="same_organisation")
        kept = await self.store.requesters.merge_organisations(source.id, target.id)
        if kept is None:
            raise NotFound("no such organisation", code="unknown_org")
        return kept

    async def of(self, organisation: Organisation) -> list[str]:
        """Return the organisation's domains, in byte order."""
        return await self.store.requesters.organisation_domains(organisation.id)
