"""Problem tickets: many requesters' tickets about one known problem (an outage) are
linked to the problem's ticket, and the team answers them all from it (Zendesk's problem
and incidents, Zammad's parent and child links, Freshdesk's tracker)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import ChatdeskError, Conflict, NotFound
from ..events import Event, TicketUpdated
from ..models import Operator, Status, Ticket, TicketChanges, utcnow
from ..store import Store
from .common import history, load_ticket, visible_to
from .filing import Upload
from .lifecycle import TicketLifecycle, each_ticket

__all__ = ["LinkedReply", "ProblemTickets", "Problems", "problems_of"]


@dataclass(frozen=True, slots=True)
class Problems:
    """A ticket's links as its page shows them: the problem it is linked to, or the
    tickets linked to it (those the operator may see, in the order linked)."""

    problem: Ticket | None = None
    incidents: list[Ticket] = field(default_factory=list)

    @property
    def open_incidents(self) -> list[Ticket]:
        """The linked tickets a reply may still go to (not closed)."""
        return [t for t in self.incidents if t.status is not Status.CLOSED]


@dataclass(frozen=True, slots=True)
class LinkedReply:
    """What a reply to a problem's linked tickets did: the tickets it went to, and those
    it did not with the reason (closed since, or a move refused)."""

    sent: list[Ticket]
    refused: list[tuple[Ticket, str]]


async def problems_of(store: Store, operator: Operator, ticket: Ticket) -> Problems:
    """Return the ticket's links as ``operator`` may see them (a complaint linked to a
    problem is left out for those who may not see complaints)."""
    problem_id = await store.problems.problem_of(ticket.id)
    if problem_id is not None:
        problem = await store.helpdesk.get_ticket(problem_id)
        if problem is not None and visible_to(operator, problem):
            return Problems(problem=problem)
        return Problems()
    incidents = []
    for ticket_id in await store.problems.incidents(ticket.id):
        found = await store.helpdesk.get_ticket(ticket_id)
        if found is not None and visible_to(operator, found):
            incidents.append(found)
    return Problems(incidents=incidents)


class ProblemTickets:
    """Link tickets to a problem ticket, unlink them, and reply to all of them at once."""

    def __init__(
        self, store: Store, lifecycle: TicketLifecycle, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.store = store
        self.lifecycle = lifecycle
        self.clock = clock

    async def link(
        self, operator: Operator, ref: str, problem_ref: str
    ) -> tuple[Ticket, list[Event]]:
        """Link the ticket ``ref`` to the problem ``problem_ref`` (moving it from another
        problem); each ticket's history says so; return the ticket and the events.

        :raises NotFound: the ticket unknown, or one the operator may not see (the problem
            too: ``unknown_problem``).
        :raises Conflict: ``ticket_closed`` (either is closed), ``same_ticket``,
            ``problem_is_linked`` (the problem is linked to another), ``has_linked_tickets``
            (tickets are linked to ``ref``: a problem is not linked to another).
        """
        ticket = await load_ticket(self.store, ref, operator)
        try:
            problem = await load_ticket(self.store, problem_ref, operator)
        except NotFound:
            raise NotFound(f"no ticket {problem_ref[:40]!r}", code="unknown_problem") from None
        if Status.CLOSED in (ticket.status, problem.status):
            raise Conflict("a closed ticket is not linked", code="ticket_closed")
        before = await self.store.problems.problem_of(ticket.id)
        if before == problem.id:
            return ticket, []
        now = self.clock()
        await self.store.problems.link(ticket.id, problem.id, now, by=operator.id)
        events = await self._history(ticket, "linked", operator, now, problem=problem)
        events += await self._history(problem, "incident_linked", operator, now, ticket=ticket)
        if before is not None and (old := await self.store.helpdesk.get_ticket(before)):
            events += await self._history(old, "incident_unlinked", operator, now, ticket=ticket)
        return ticket, events

    async def link_many(
        self, operator: Operator, refs: Sequence[str], problem_ref: str
    ) -> tuple[list[Ticket], dict[str, str], list[Event]]:
        """Link each of up to 100 tickets to the problem (a bulk action); return the
        tickets linked, the refusals by reference, and the events."""
        return await each_ticket(refs, lambda ref: self.link(operator, ref, problem_ref))

    async def unlink(self, operator: Operator, ref: str) -> tuple[Ticket, list[Event]]:
        """Unlink the ticket ``ref`` from its problem (nothing if it is not linked).

        :raises NotFound: no such ticket, or one the operator may not see.
        """
        ticket = await load_ticket(self.store, ref, operator)
        problem_id = await self.store.problems.unlink(ticket.id)
        problem = await self.store.helpdesk.get_ticket(problem_id) if problem_id else None
        if problem is None:
            return ticket, []
        now = self.clock()
        events = await self._history(ticket, "unlinked", operator, now, problem=problem)
        events += await self._history(problem, "incident_unlinked", operator, now, ticket=ticket)
        return ticket, events

    async def problem(self, operator: Operator, ref: str) -> Ticket:
        """Return the ticket ``ref`` (a list of its linked tickets names it).

        :raises NotFound: no such ticket, or one the operator may not see.
        """
        return await load_ticket(self.store, ref, operator)

    async def badges(
        self, operator: Operator, tickets: Sequence[Ticket]
    ) -> dict[str, dict[str, object]]:
        """Return what a list's rows show of their links, by ticket id: ``problem`` (its
        number) and ``problem_id`` for a linked ticket, ``linked`` (how many) for a
        problem; nothing for the others; as ``operator`` may see them (a complaint's
        number and count only for those who see complaints, as the ticket's panel). Two
        reads, and one per problem on the page."""
        ids = [t.id for t in tickets]
        problems = await self.store.problems.problems_of(ids)
        labels: dict[str, str] = {}
        for problem_id in set(problems.values()):
            found = await self.store.helpdesk.get_ticket(problem_id)
            if found is not None and visible_to(operator, found):
                labels[problem_id] = found.label
        badges: dict[str, dict[str, object]] = {
            ticket_id: {"problem": labels[problem_id], "problem_id": problem_id}
            for ticket_id, problem_id in problems.items()
            if problem_id in labels
        }
        counts = await self.store.problems.incident_counts(ids, complaints=operator.sees_complaints)
        for ticket_id, count in counts.items():
            badges.setdefault(ticket_id, {})["linked"] = count
        return badges

    async def of(self, operator: Operator, ticket: Ticket) -> Problems:
        """Return the ticket's links as ``operator`` may see them."""
        return await problems_of(self.store, operator, ticket)

    async def reply_linked(
        self,
        operator: Operator,
        problem: Ticket,
        text: str,
        *,
        then: Status | None = None,
        hold_until: str | None = None,
        attachments: Sequence[Upload] = (),
        client_id: str | None = None,
    ) -> tuple[LinkedReply, list[Event]]:
        """Send ``text`` (and the files) as a public reply to each ticket linked to
        ``problem`` that is not closed, each moving to ``then`` where its status allows
        (a move it does not allow leaves its status as it is); the problem's history
        counts them. Each requester gets the reply by mail as any reply. A retry with
        the problem's reply's ``client_id`` posts nothing twice (each ticket keeps it)."""
        sent: list[Ticket] = []
        refused: list[tuple[Ticket, str]] = []
        events: list[Event] = []
        fresh = 0
        for incident in (await self.of(operator, problem)).incidents:
            if incident.status is Status.CLOSED:
                refused.append((incident, "closed"))
                continue
            try:
                _, after, news = await self._reply(
                    operator, incident, text, then, hold_until, attachments, client_id
                )
            except ChatdeskError as exc:
                refused.append((incident, exc.message))
                continue
            sent.append(after)
            events += news
            fresh += bool(news)  # a retried reply posts nothing and says nothing
        if fresh:
            events += await self._history(
                problem, "linked_reply", operator, self.clock(), count=len(sent)
            )
        return LinkedReply(sent, refused), events

    async def _reply(
        self,
        operator: Operator,
        incident: Ticket,
        text: str,
        then: Status | None,
        hold_until: str | None,
        attachments: Sequence[Upload],
        client_id: str | None,
    ) -> tuple[object, Ticket, list[Event]]:
        try:
            return await self.lifecycle.reply(
                incident.id, operator, text, then=then, attachments=attachments,
                hold_until=hold_until if then is Status.ON_HOLD else None, client_id=client_id,
            )  # fmt: skip
        except Conflict as exc:
            if exc.code != "invalid_transition":
                raise
        # Its status does not allow the move (nothing was posted): the reply alone.
        return await self.lifecycle.reply(
            incident.id, operator, text, attachments=attachments, client_id=client_id
        )

    async def _history(
        self, on: Ticket, kind: str, operator: Operator, now: datetime, *,
        problem: Ticket | None = None, ticket: Ticket | None = None, count: int | None = None,
    ) -> list[Event]:  # fmt: skip
        """Add a history row to ``on`` (naming the other ticket by number and id)."""
        data: dict[str, object] = {}
        if problem is not None:
            data |= {"problem": problem.label, "id": problem.id}
        if ticket is not None:
            data |= {"ticket": ticket.label, "id": ticket.id}
        if count is not None:
            data["count"] = count
        row = history(on.id, kind, operator, now, **data)
        after = await self.store.helpdesk.change_ticket(
            on.id, TicketChanges(), [row], expect=None, now=now
        )
        return [TicketUpdated(after or on, ("thread",))]
