"""A ticket's life: replies, operators' changes (state machine), merges, closing, ratings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from ..deskconfig import DeskConfig
from ..errors import ChatdeskError, Conflict, Forbidden, InvalidPayload, NotFound
from ..events import (
    Event,
    TicketAssigned,
    TicketClosed,
    TicketMerged,
    TicketRated,
    TicketReplied,
    TicketStatusChanged,
    TicketUpdated,
)
from ..models import (
    AuthorKind,
    Operator,
    Requester,
    Status,
    Ticket,
    TicketChanges,
    TicketMessage,
    utcnow,
)
from ..sla import sla_columns
from ..store import Store
from ..tickets import check_transition
from ..wire.base import TIME_SPENT_MAX
from .chatreply import say_in_chat
from .common import Actor, add_cc, clean_text, copied_address, history, load_ticket
from .edits import Edit, plan_edit, status_values
from .edits import after as changed
from .filing import FilingService, Upload
from .followups import follow_up
from .links import FollowLinks
from .mentions import mention_events, mention_rows
from .replyplan import plan_reply

__all__ = ["RATING_DAYS", "TicketLifecycle", "each_ticket"]

#: A requester may rate, and change their rating, for this long after resolution.
RATING_DAYS = 7
#: Attempts of a change whose ticket another process changed at the same moment.
_ATTEMPTS = 3
#: Most tickets one bulk action touches.
BULK_MAX = 100
#: The columns whose change is a ``TicketUpdated``.
_UPDATED = ("priority", "department", "type", "subject", "fields", "cc", "tags", "hold_until")


async def each_ticket(
    refs: Sequence[str], act: Callable[[str], Awaitable[tuple[Ticket, list[Event]]]]
) -> tuple[list[Ticket], dict[str, str], list[Event]]:
    """Do ``act`` to each of up to :data:`BULK_MAX` tickets (once each); return the
    tickets changed, the refusals by reference (a refusal stops nothing), the events."""
    if len(refs) > BULK_MAX:
        raise InvalidPayload(f"at most {BULK_MAX} tickets at once")
    done: list[Ticket] = []
    refused: dict[str, str] = {}
    events: list[Event] = []
    for ref in dict.fromkeys(refs):
        try:
            ticket, news = await act(ref)
        except ChatdeskError as exc:
            refused[ref] = exc.message
        else:
            done.append(ticket)
            events += news
    return done, refused, events


class TicketLifecycle:
    """Everything that happens to a filed ticket. Each change is one compare-and-set in
    the store (retried when the status moved meanwhile), with its history rows."""

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        filing: FilingService,
        links: FollowLinks,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.filing = filing
        self.links = links
        self.clock = clock
        #: Refreshes a chat in operators' lists and the visitor's state, once a reply was
        #: said in it (the inbox's, set by services.py: helpdesk does not import it).
        self.chat_changed: Callable[[str], Awaitable[list[Event]]] | None = None

    async def reply(
        self,
        ref: str,
        author: Operator | Requester,
        text: str,
        *,
        internal: bool = False,
        client_id: str | None = None,
        attachments: Sequence[Upload] = (),
        colleague: bool = False,
        then: Status | None = None,
        tags: Sequence[str] = (),
        hold_until: str | None = None,
        time_spent: int = 0,
    ) -> tuple[TicketMessage, Ticket, list[Event]]:
        """Add a message; return it, the ticket after, and the events.

        A requester's reply moves a pending or resolved ticket back to open; on a closed
        ticket it opens a follow-up ticket (returned instead). An operator's first public
        reply stops the first-response clock (and opens a new ticket). A retry with the
        same ``client_id`` returns the original message and no event. ``colleague``: a
        member of the ticket's organisation may write too (a participant, by e-mail).
        ``then``: the status an operator moves the ticket to with this message ("send and
        set pending"), in the same transaction; ``tags``: added to the ticket's with it;
        ``hold_until``: the date a ticket on hold after it waits until (``hold_values``);
        ``time_spent``: the minutes the operator worked on it, a ``time`` history row.

        :raises Conflict: ``invalid_transition`` when ``then`` is not a move the ticket's
            status (after the reply's own move) allows; nothing is posted.
        :raises Forbidden: ``blocked``: a requester whose address is on the block list.
        """
        operator = author if isinstance(author, Operator) else None
        if isinstance(author, Requester):
            await self.filing.blocks.check(author.email, author.lang)
        text = clean_text(text)
        if client_id is not None and not 1 <= len(client_id) <= 100:
            raise InvalidPayload("client_id must be 1 to 100 characters")
        if operator is None and (
            internal or then is not None or hold_until is not None or time_spent
        ):
            raise Forbidden("only operators write internal notes or set a status")
        if not 0 <= time_spent <= TIME_SPENT_MAX:
            raise InvalidPayload(
                f"the time spent must be 0 to {TIME_SPENT_MAX} minutes", code="time_spent"
            )
        files = self.filing.check_files(attachments, already=0)
        for _ in range(_ATTEMPTS):
            ticket = await self._own(ref, author, colleague=colleague)
            if ticket.status is Status.CLOSED:
                if operator is not None:
                    raise Conflict("this ticket is closed", code="ticket_closed")
                assert isinstance(author, Requester)
                return await follow_up(
                    self.store, self.filing, ticket, author, text, attachments,
                    client_id=client_id, now=self.clock(),
                )  # fmt: skip
            now = self.clock()
            message = TicketMessage(
                ticket.id,
                AuthorKind.OPERATOR if operator else AuthorKind.REQUESTER,
                author.id,
                text,
                internal=internal,
                author_name=author.name,
                client_id=client_id,
                ts=now,
            )
            values, rows = plan_reply(
                self.config, ticket, author, message, now,
                then=then, tags=tags, hold_until=hold_until,
            )  # fmt: skip
            if internal and operator is not None:
                rows += await mention_rows(self.store, ticket, operator, text, message.id, now)
            if time_spent:
                rows.append(
                    history(ticket.id, "time", author, now, minutes=time_spent, message=message.id)
                )
            values.update(sla_columns(self.config, ticket, changed(ticket, values), now))
            posted = await self.store.helpdesk.post_ticket_message(
                message,
                files,
                TicketChanges.of(**values),
                rows,
                expect=ticket.status,
                now=now,
                max_ticket_bytes=self.config.helpdesk.attachments.max_ticket,
            )
            if posted is None:
                continue
            stored, created = posted
            after = await self._reload(ticket.id)
            if not created:
                return stored, after, []
            token = self.links.token(after.id, after.requester_id)
            events: list[Event] = [TicketReplied(after, stored, token)]
            events += mention_events(after, stored, rows)
            if after.status is not ticket.status:
                events += self._moved(after, ticket.status, author, values)
            if after.operator_id != ticket.operator_id:
                events.append(TicketAssigned(after, ticket.operator_id))
            if operator is not None or author.id == after.requester_id:
                # Not a colleague's or a copied address's: theirs is not the visitor's word.
                said = await say_in_chat(self.store, after, stored, operator)
                if said and self.chat_changed is not None and after.conversation_id:
                    said += await self.chat_changed(after.conversation_id)
                events += said
            return stored, after, events
        raise Conflict("the ticket changed meanwhile; try again", code="conflict")

    async def change(self, operator: Operator, ref: str, edit: Edit) -> tuple[Ticket, list[Event]]:
        """Change what is given; every change is a history row.

        :raises Conflict: ``invalid_transition`` for a move the state machine forbids.
        :raises InvalidPayload: an unknown value (``InvalidFields`` per custom field).
        """
        for _ in range(_ATTEMPTS):
            ticket = await load_ticket(self.store, ref, operator)
            now = self.clock()
            values, rows = await plan_edit(self.store, self.config, ticket, operator, edit, now)
            if not values:
                return ticket, []
            values.update(sla_columns(self.config, ticket, changed(ticket, values), now))
            after = await self.store.helpdesk.change_ticket(
                ticket.id, TicketChanges.of(**values), rows, expect=ticket.status, now=now
            )
            if after is None:
                continue
            return after, self._news(ticket, after, operator, values)
        raise Conflict("the ticket changed meanwhile; try again", code="conflict")

    async def merge(self, operator: Operator, ref: str, into: str) -> tuple[Ticket, list[Event]]:
        """Merge ticket ``ref`` into ``into``: its thread and files move, it closes with
        ``merged_into``, and its requester is told (``TicketMerged``)."""
        source = await load_ticket(self.store, ref, operator)
        target = await load_ticket(self.store, into, operator)
        if source.id == target.id:
            raise InvalidPayload("a ticket cannot be merged into itself", code="same_ticket")
        if target.status is Status.CLOSED:
            raise Conflict("cannot merge into a closed ticket", code="target_closed")
        now = self.clock()
        changes = TicketChanges.of(
            status=Status.CLOSED, closed_at=now, merged_into=target.id,
            auto_close_at=None, sla_alert_at=None,
        )  # fmt: skip
        rows = [
            history(source.id, "merged_into", operator, now, into=target.label),
            history(target.id, "merged_from", operator, now, source=source.label),
        ]
        merged = await self.store.helpdesk.merge_tickets(
            source.id, target.id, changes, rows, now=now
        )
        if merged is None:
            raise Conflict("this ticket is closed already", code="ticket_closed")
        # Those who followed the merged thread follow it where it went: its requester (when
        # another) and its Cc join the target's Cc.
        followers = [source.requester_email, *sorted(source.cc)]
        after = await add_cc(self.store, await self._reload(target.id), followers, operator, now)
        for follower in await self.store.followers.followers(source.id):  # operators too
            await self.store.followers.follow(target.id, follower, now)
        # A problem's linked tickets follow it too (unlinked if the target is linked itself).
        await self.store.problems.move_incidents(source.id, target.id)
        token = self.links.token(after.id, merged.requester_id)
        return after, [
            TicketMerged(merged, after, token),
            TicketClosed(merged),
            TicketUpdated(after, ("thread",)),
        ]

    async def requester_closed(self, requester: Requester, ref: str) -> tuple[Ticket, list[Event]]:
        """The requester closes their own ticket."""
        for _ in range(_ATTEMPTS):
            ticket = await self._own(ref, requester)
            check_transition(ticket.status, Status.CLOSED)
            now = self.clock()
            values, rows = status_values(self.config, ticket, Status.CLOSED, requester, now)
            values.update(sla_columns(self.config, ticket, changed(ticket, values), now))
            after = await self.store.helpdesk.change_ticket(
                ticket.id, TicketChanges.of(**values), rows, expect=ticket.status, now=now
            )
            if after is not None:
                return after, self._moved(after, ticket.status, requester, values)
        raise Conflict("the ticket changed meanwhile; try again", code="conflict")

    async def requester_rated(
        self, requester: Requester, ref: str, score: int, comment: str = ""
    ) -> tuple[Ticket, list[Event]]:
        """Store the requester's 1-5 rating of a resolved or closed ticket; it may change
        for :data:`RATING_DAYS` days after resolution."""
        ticket = await self._own(ref, requester)
        if not 1 <= score <= 5 or len(comment) > 2000:
            raise InvalidPayload("a rating is 1 to 5, with a comment of 2000 characters at most")
        done = ticket.resolved_at or ticket.closed_at
        if ticket.status not in (Status.RESOLVED, Status.CLOSED) or done is None:
            raise Conflict("there is nothing to rate yet", code="nothing_to_rate")
        now = self.clock()
        if now - done > timedelta(days=RATING_DAYS):
            raise Conflict("ratings close 7 days after resolution", code="rating_closed")
        row = history(ticket.id, "csat", requester, now, score=score)
        changes = TicketChanges(rating=score, rating_comment=comment.strip(), rated_at=now)
        after = await self.store.helpdesk.change_ticket(
            ticket.id, changes, [row], expect=None, now=now
        )
        assert after is not None
        return after, [TicketRated(after)]

    async def bulk(
        self, operator: Operator, refs: Sequence[str], *, assignee: str | None = None,
        status: str | None = None, tag: str | None = None,
    ) -> tuple[list[Ticket], dict[str, str], list[Event]]:  # fmt: skip
        """Assign (``assignee``), move (``status``, through the state machine) or tag
        (``tag``, added to each one's) many tickets; return the changed tickets, the
        refusals by reference, and the events."""
        edit = Edit(assignee=assignee, status=status, add_tags=[tag] if tag else None)
        return await each_ticket(refs, lambda ref: self.change(operator, ref, edit))

    def _moved(
        self, ticket: Ticket, before: Status, actor: Actor, values: dict[str, object]
    ) -> list[Event]:
        at = values.get("auto_close_at")
        auto_close_at = at if isinstance(at, datetime) else None
        events: list[Event] = [
            TicketStatusChanged(ticket, before, actor.id if actor else None, auto_close_at)
        ]
        if ticket.status is Status.CLOSED:
            events.append(TicketClosed(ticket))
        return events

    def _news(
        self, before: Ticket, changed_to: Ticket, operator: Operator, values: dict[str, object]
    ) -> list[Event]:
        after = changed_to
        events: list[Event] = []
        if after.status is not before.status:
            events += self._moved(after, before.status, operator, values)
        if after.operator_id != before.operator_id:
            events.append(TicketAssigned(after, before.operator_id))
        changed = tuple(k for k in _UPDATED if k in values)
        if changed:
            events.append(TicketUpdated(after, changed))
        return events

    async def _own(
        self, ref: str, author: Operator | Requester, *, colleague: bool = False
    ) -> Ticket:
        """Return the ticket if ``author`` may write on it (its requester; when
        ``colleague``, a member of its organisation, someone in its Cc, or the
        organisation's address its mails are copied to; an operator who may see it)."""
        if isinstance(author, Operator):
            return await load_ticket(self.store, ref, author)
        ticket = await load_ticket(self.store, ref)
        if ticket.requester_id == author.id:
            return ticket
        org = author.organisation_id
        if colleague and org is not None and org == ticket.organisation_id:
            return ticket
        if colleague and author.email.lower() in ticket.cc:
            return ticket  # in Cc of the thread
        if colleague and await copied_address(self.store, ticket, author.email):
            return ticket
        raise NotFound(f"no ticket {ref[:40]!r}")

    async def _reload(self, ticket_id: str) -> Ticket:
        ticket = await self.store.helpdesk.get_ticket(ticket_id)
        if ticket is None:
            raise NotFound("no such ticket")
        return ticket
