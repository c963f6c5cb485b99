"""The requesters' directory for operators: everyone the desk has heard from, searched,
and one person's page (their details, organisation, sites, tickets, whether blocked)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from ..errors import InvalidPayload, NotFound
from ..models import (
    ACTIVE,
    BlockedSender,
    DirectorySort,
    Operator,
    Organisation,
    Requester,
    RequesterPage,
    RequesterQuery,
    RequesterSummary,
    Ticket,
    TicketType,
)
from ..store import Store
from ..store.directory import fold
from .blocklist import BlockList
from .views import TicketFilter, TicketViews

__all__ = ["PROFILE_TICKETS", "RequesterDirectory", "RequesterProfile"]

#: The most tickets a requester's page lists (the rest: the ticket list, narrowed to them).
PROFILE_TICKETS = 20
#: The most requesters of the same name a requester's page suggests merging.
NAMESAKES = 5
#: The farthest page a directory serves (a page number is the reader's input).
_LAST_PAGE = 10_000
_SORTS = get_args(DirectorySort)


@dataclass(frozen=True, slots=True)
class RequesterProfile:
    """One requester as an operator sees them: their organisation (if any), the sites
    they edit for it, their latest tickets the operator may see, how many there are in
    all and still worked on, the block list's entry that stops them (if any) and their
    other addresses (records of theirs merged into this one)."""

    requester: Requester
    organisation: Organisation | None
    sites: list[str]
    tickets: list[Ticket]
    total: int
    active: int
    blocked: BlockedSender | None
    addresses: list[str]


class RequesterDirectory:
    """Requesters listed and shown to operators; a complaint (and its count) only to
    those who may see complaints."""

    def __init__(self, store: Store, views: TicketViews, blocks: BlockList) -> None:
        self.store = store
        self.views = views
        self.blocks = blocks

    async def search(
        self,
        operator: Operator | None,
        *,
        q: str = "",
        organisation: str | None = None,
        sort: str = "activity",
        page: int = 1,
        per_page: int = 50,
    ) -> RequesterPage:
        """Return a page of the directory: every word of ``q`` in the address, name,
        phone or organisation's name, ignoring case and accents; ``organisation``: its
        members only (an unknown one: nobody). ``operator`` None: the desk itself (the
        command line), which counts every ticket.

        :raises InvalidPayload: an unknown sort, a page out of 1 to 10,000 or a size out
            of 1 to 100.
        """
        if sort not in _SORTS:
            raise InvalidPayload(f"sort must be one of: {', '.join(_SORTS)}", code="sort")
        if not 1 <= page <= _LAST_PAGE or not 1 <= per_page <= 100:
            raise InvalidPayload("page: 1 to 10000; per_page: 1 to 100", code="page")
        query = RequesterQuery(
            q=q.strip()[:200],
            organisation_id=organisation,
            exclude_types=self._hidden(operator),
            sort=sort,  # type: ignore[arg-type]  # checked above
            page=page,
            per_page=per_page,
        )
        return await self.store.requesters.list_requesters(query)

    async def profile(self, operator: Operator, requester_id: str) -> RequesterProfile:
        """Return one requester's page. :raises NotFound: no such requester."""
        requester = await self.store.requesters.get_requester(requester_id)
        if requester is None:
            raise NotFound("no such requester", code="unknown_requester")
        organisation, sites = None, []
        if requester.organisation_id:
            organisation = await self.store.requesters.get_organisation(requester.organisation_id)
            if organisation is not None:
                seats = await self.store.requesters.org_seats(organisation.id)
                sites = [site for site, who in seats if who.id == requester.id]
        latest = await self.views.list(
            operator,
            TicketFilter(requester=requester.id, sort="updated", per_page=PROFILE_TICKETS),
        )
        worked_on = await self.views.list(
            operator,
            TicketFilter(requester=requester.id, status=tuple(s.value for s in ACTIVE), per_page=1),
        )
        return RequesterProfile(
            requester=requester,
            organisation=organisation,
            sites=sites,
            tickets=latest.tickets,
            total=latest.total,
            active=worked_on.total,
            blocked=await self.blocks.find(requester.email),
            addresses=await self.store.requesters.requester_addresses(requester.id),
        )

    async def namesakes(self, operator: Operator, requester: Requester) -> list[RequesterSummary]:
        """Return up to :data:`NAMESAKES` other requesters with the same full name (case
        and accents ignored; a name of two words at least): maybe the same person with
        another address, for the team to merge."""
        name = fold(requester.name)
        if len(name.split()) < 2:
            return []
        page = await self.search(operator, q=requester.name, per_page=NAMESAKES + 1)
        return [
            s
            for s in page.requesters
            if s.requester.id != requester.id and fold(s.requester.name) == name
        ][:NAMESAKES]

    @staticmethod
    def _hidden(operator: Operator | None) -> tuple[TicketType, ...]:
        return () if operator is None or operator.sees_complaints else (TicketType.COMPLAINT,)
