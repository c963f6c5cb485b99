"""What the operators' ticket pages need in one piece: a ticket with its thread, the moves
its status allows, its requester and organisation, and who may be assigned."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from ..errors import InvalidPayload
from ..events import Event, TicketPresence, TicketRollCall
from ..models import ACTIVE, Operator, Sort, Status, TicketType, format_ts, utcnow
from ..store import Store
from ..tickets import TRANSITIONS
from ..wire.console import TicketsIn
from .common import load_ticket
from .problems import problems_of
from .views import TicketFilter, TicketViews, ticket_summary

__all__ = ["COUNTED_VIEWS", "PER_PAGE", "ConsoleTickets", "request_filter", "view_filter"]

#: The most saved views a list counts the tickets of (one count each).
COUNTED_VIEWS = 20


class ConsoleTickets:
    """The console's read side of tickets (its writes go through the lifecycle)."""

    def __init__(
        self, store: Store, views: TicketViews, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.views = views
        self.clock = clock

    async def presence(
        self, operator: Operator, ref: str, state: str, tab: str, *, to: str | None = None
    ) -> tuple[str, list[Event]]:
        """Say that one of ``operator``'s console tabs (``tab``) views or replies to a
        ticket, or left it (collision detection: the others see who else is on it);
        return the ticket's id and the event for its viewers (``to``: for one console
        tab's lists only, answering its roll call).

        :raises NotFound: no such ticket, or one the operator may not see.
        """
        ticket = await load_ticket(self.store, ref, operator)
        complaint = ticket.type is TicketType.COMPLAINT
        return ticket.id, [
            TicketPresence(ticket.id, operator.id, operator.name, state, tab, complaint, to)
        ]

    async def view_counts(
        self, operator: Operator, lists: Sequence[tuple[str, TicketsIn]]
    ) -> dict[str, int]:
        """Return how many tickets each of the lists ``(key, request)`` holds as
        ``operator`` sees them (saved views' counts; the first :data:`COUNTED_VIEWS`
        only; one a stale view's filters no longer allow is left out)."""
        counts: dict[str, int] = {}
        for key, wanted in lists[:COUNTED_VIEWS]:
            try:
                filters = request_filter(wanted)
                page = await self.views.list(operator, replace(filters, page=1, per_page=1))
            except InvalidPayload:
                continue
            counts[key] = page.total
        return counts

    @staticmethod
    def roll_call(operator: Operator, tab: str) -> list[Event]:
        """Return the event asking every console's ticket pages who is on which ticket
        (``operator``'s ticket list, console tab ``tab``, just opened; each page answers
        that tab with its presence)."""
        return [TicketRollCall(operator.id, tab)]

    @staticmethod
    def left(operator: Operator, ticket_ids: Sequence[str], tab: str) -> list[Event]:
        """Return the events saying that a console tab that went away left its tickets."""
        return [TicketPresence(t, operator.id, operator.name, "left", tab) for t in ticket_ids]

    async def page(self, operator: Operator, ref: str) -> dict[str, Any]:
        """Return the ticket as :meth:`TicketViews.operator_view` does, with ``moves``
        (the statuses it may go to, in the state machine's order), ``first_response_at``,
        ``requester``, ``organisation`` (or None), the desk's ``now`` (countdowns
        count from it), ``time_spent_minutes`` (the ``time`` history rows added up),
        ``followers`` (the ids of the operators who follow it), ``problem`` (the problem
        ticket it is linked to, or None) and ``incidents`` (the tickets linked to it).

        :raises NotFound: no such ticket, or one the operator may not see.
        """
        ticket = await load_ticket(self.store, ref, operator)
        view = await self.views.operator_view(operator, ticket.id)
        requesters = self.store.requesters
        requester = (
            await requesters.get_requester(ticket.requester_id) if ticket.requester_id else None
        )
        organisation_id = ticket.organisation_id or (requester and requester.organisation_id)
        organisation = (
            await requesters.get_organisation(organisation_id) if organisation_id else None
        )
        answered = ticket.first_response_at
        links = await problems_of(self.store, operator, ticket)
        return view | {
            "moves": [s.value for s in Status if s in TRANSITIONS[ticket.status]],
            "first_response_at": format_ts(answered) if answered else None,
            # The team's note shows in the panel (not in the export of their data).
            "requester": requester.to_payload() | {"note": requester.note} if requester else None,
            "organisation": organisation.to_payload() if organisation else None,
            "now": format_ts(self.clock()),
            "time_spent_minutes": sum(
                int(e["data"].get("minutes", 0)) for e in view["events"] if e["kind"] == "time"
            ),
            "followers": await self.store.followers.followers(ticket.id),
            "problem": ticket_summary(links.problem) if links.problem else None,
            "incidents": [ticket_summary(t) for t in links.incidents],
        }

    async def follow(self, operator: Operator, ref: str, *, on: bool) -> str:
        """Make ``operator`` follow the ticket ``ref`` (``on``), or stop; return its id. A
        follower hears of its answers, replies and status changes by mail
        (mail/staff.py) and finds it in the *Following* view.

        :raises NotFound: no such ticket, or one the operator may not see.
        """
        ticket = await load_ticket(self.store, ref, operator)
        if on:
            await self.store.followers.follow(ticket.id, operator.id, self.clock())
        else:
            await self.store.followers.unfollow(ticket.id, operator.id)
        return ticket.id

    async def assignees(self) -> list[Operator]:
        """Return the active operators, by name (for the assignee menus)."""
        operators = await self.store.operators.list_operators()
        return sorted((o for o in operators if not o.disabled), key=lambda o: o.name.casefold())


#: Tickets on one page of a console list.
PER_PAGE = 25
#: The statuses each console view shows (a status filter, when given, replaces them).
_VIEW_STATUSES: dict[str, tuple[str, ...]] = {
    "unassigned": tuple(s.value for s in Status if s in ACTIVE),
    "mine": tuple(s.value for s in Status if s in ACTIVE),
    "open": tuple(s.value for s in Status if s in ACTIVE),
    "pending": (Status.PENDING.value,),
    "following": tuple(s.value for s in Status if s in ACTIVE),
    "breaching": (),
    "all": (),
}


def view_filter(
    view: str,
    *,
    status: Sequence[str] = (),
    type: Sequence[str] = (),
    priority: Sequence[str] = (),
    department: str | None = None,
    assignee: str | None = None,
    requester: str | None = None,
    organisation: str | None = None,
    problem: str | None = None,
    tag: str | None = None,
    q: str = "",
    sort: Sort = "due",
    page: int = 1,
) -> TicketFilter:
    """Return the filter of a console view (``unassigned``, ``mine``, ``open`` (every
    ticket still worked on), ``pending``, ``following`` (the operator's followed tickets
    still worked on), ``breaching`` (next due within the hour), ``all``) narrowed by the
    filters given.

    :raises InvalidPayload: an unknown view.
    """
    if view not in _VIEW_STATUSES:
        raise InvalidPayload(f"view must be one of: {', '.join(_VIEW_STATUSES)}", code="view")
    return TicketFilter(
        status=tuple(status) or _VIEW_STATUSES[view],
        type=tuple(type),
        priority=tuple(priority),
        department=department,
        assignee=assignee,
        requester=requester,
        organisation=organisation,
        problem=problem,
        tag=tag,
        unassigned=view == "unassigned",
        mine=view == "mine",
        following=view == "following",
        breaching_soon=view == "breaching",
        q=q,
        sort=sort,
        page=page,
        per_page=PER_PAGE,
    )


def request_filter(wanted: TicketsIn) -> TicketFilter:
    """Return the filter of a console list's request (a page, its CSV, a saved view).

    :raises InvalidPayload: an unknown view.
    """
    return view_filter(
        wanted.view, status=wanted.status, type=wanted.type, priority=wanted.priority,
        department=wanted.department, assignee=wanted.assignee, requester=wanted.requester,
        organisation=wanted.org, problem=wanted.problem, tag=wanted.tag, q=wanted.q,
        sort=wanted.sort, page=wanted.page,
    )  # fmt: skip
