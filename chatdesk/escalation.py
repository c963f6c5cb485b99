"""Escalation from the visitor's side: a ticket opens, the queue or the offline form, ratings."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from .desk import Availability
from .deskconfig import DeskConfig
from .errors import Conflict, InvalidPayload, NotFound
from .events import ConversationEscalated, Event
from .inbox import Inbox
from .models import (
    Author,
    AuthorKind,
    Conversation,
    Mode,
    Requester,
    Status,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketEvent,
    utcnow,
)
from .operators import normalize_email
from .sla import first_alert
from .store import Store
from .tickets import SUBJECT_MAX, due_at

__all__ = ["Contact", "EscalationService"]

#: A message of at least this many words is a question; shorter ones are greetings,
#: thanks, "ok"...
_QUESTION_WORDS = 3
#: Conversations whose visitor was told "your messages reach the team" kept in memory.
_TOLD_KEPT = 10_000


def _one_line(text: str) -> str:
    return " ".join(text.split())[:SUBJECT_MAX]


@dataclass(frozen=True, slots=True)
class Contact:
    """What the visitor gives in the offline form (docs/protocol.md, ``contact``)."""

    email: str
    name: str = ""
    subject: str = ""
    description: str = ""
    department: str | None = None
    priority: str | None = None


#: A ticket's statuses that a requester's answer opens again.
_ANSWERABLE = (Status.PENDING, Status.RESOLVED)


class EscalationService:
    """Turn an escalation into a ticket and keep the visitor's side of it.

    :param inbox: builds the state payloads and system messages.
    :param availability: whether an operator of a department could take it now.
    :param on_queued: called after a conversation enters the queue (auto-assign hooks in).
    """

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        inbox: Inbox,
        availability: Availability,
        *,
        on_queued: Callable[[], Awaitable[list[Event]]] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.inbox = inbox
        self.availability = availability
        self.on_queued = on_queued
        self.clock = clock
        #: The desk's access policy for a requester in a language (the helpdesk's, set
        #: once it is built); None: anyone may leave their details.
        self.check_access: Callable[[Requester, str], Awaitable[Requester]] | None = None
        #: Refuses a blocked sender's address (Forbidden ``blocked``), set likewise.
        self.check_sender: Callable[[str, str], Awaitable[None]] | None = None
        #: A visitor's message on a pending or resolved ticket's chat (the helpdesk's:
        #: the ticket opens again, as on an answer by mail); None: nothing happens.
        self.answered: Callable[[Ticket], Awaitable[list[Event]]] | None = None
        # conversation id -> the ticket (or "" for none) the visitor was told about, most
        # recent last. Only what is true for good is kept (that notice stays in the
        # conversation), so any process may rely on it; bounded.
        self._told: OrderedDict[str, str] = OrderedDict()

    async def escalate(self, event: ConversationEscalated) -> list[Event]:
        """Open the ticket for ``event`` and route it; [] if already with people, or if
        an operator blocked the visitor (a connection opened before the block)."""
        conversation = await self._conversation(event.conversation_id)
        visitor = await self.store.conversations.get_visitor(conversation.visitor_id)
        if visitor is not None and visitor.blocked_at(self.clock()):
            return []
        department = (
            event.department
            if event.department in self.config.departments
            else self.config.default_department
        )
        helpdesk = self.config.helpdesk
        priority = (
            event.priority if event.priority in helpdesk.offered else helpdesk.default_priority
        )
        now = self.clock()
        available = await self.availability.available(department)
        open_now = self.config.hours_of(department).is_open(now)
        mode = Mode.QUEUED if open_now and available else Mode.WAITING
        first_due, resolution_due, alert = first_alert(
            self.config, priority, now, department=department
        )
        draft = TicketDraft(
            subject=await self._subject(conversation, event),
            department=department,
            priority=priority,
            reason=event.reason,
            due_at=first_due,
            resolution_due=resolution_due,
            sla_alert_at=alert,
        )
        ticket = await self.store.tickets.open_ticket(conversation.id, draft, mode=mode, now=now)
        if ticket is None:
            return []
        events: list[Event] = [
            ConversationEscalated(
                conversation.id, event.reason, department, priority, event.entry_id
            )
        ]
        events += await self.inbox.post_system(
            conversation, "ticket_opened", extra={"ticket": ticket.label}, ticket=ticket.label
        )
        if mode is Mode.QUEUED:
            events += await self.inbox.post_system(conversation, "queued")
        else:
            assert ticket.due_at is not None
            events += await self.inbox.post_system(
                conversation, "waiting", due=self.inbox.when(ticket.due_at, conversation.lang)
            )
        events += await self.inbox.changed([conversation.id], departments=[department])
        if mode is Mode.QUEUED and self.on_queued is not None:
            events += await self.on_queued()
        return events

    async def visitor_asked(
        self,
        conversation_id: str,
        *,
        department: str | None = None,
        priority: str | None = None,
    ) -> list[Event]:
        """The visitor pressed "Talk to a person"."""
        if department is not None and department not in self.config.departments:
            raise InvalidPayload(f"unknown department {department!r}")
        if priority is not None:
            self.config.helpdesk.check_priority(priority)
        return await self.escalate(
            ConversationEscalated(
                conversation_id,
                "visitor_request",
                department or self.config.default_department,
                priority or self.config.helpdesk.default_priority,
            )
        )

    def _other_hours(self, before: str, after: str) -> bool:
        """Whether moving a ticket from department ``before`` to ``after`` changes the
        hours its targets count on."""
        return self.config.hours_of(before) != self.config.hours_of(after)

    async def visitor_contact(self, conversation_id: str, contact: Contact) -> list[Event]:
        """Store the offline form on the conversation's open ticket."""
        ticket = await self.store.tickets.current_ticket(conversation_id)
        if ticket is None or ticket.status not in (Status.NEW, Status.OPEN):
            raise Conflict("there is no open request to complete", code="no_ticket")
        if contact.department is not None and contact.department not in self.config.departments:
            raise InvalidPayload(f"unknown department {contact.department!r}")
        if contact.priority is not None:
            self.config.helpdesk.check_priority(contact.priority)
        priority = contact.priority if contact.priority != ticket.priority else None
        email = normalize_email(contact.email)
        if self.check_sender is not None:
            # A blocked address or domain (spam) is refused before anything is stored.
            await self.check_sender(email, (await self._conversation(conversation_id)).lang)
        # The visitor's contact becomes the ticket's requester (found or created).
        requester = await self.store.requesters.save_requester(
            email, name=" ".join(contact.name.split())[:100], phone="", lang="", now=self.clock()
        )
        if self.check_access is not None:
            # The desk's `[helpdesk] access` holds in the chat as on the form: a desk for
            # customers under contract takes their requests only (Forbidden otherwise).
            conversation = await self._conversation(conversation_id)
            requester = await self.check_access(requester, conversation.lang)
        # A new priority, or a department on other hours, moves the first response's due time.
        department = contact.department or ticket.department
        changes = TicketChanges(
            requester_id=requester.id,
            requester_email=email,
            requester_name=contact.name.strip(),
            description=contact.description.strip(),
            subject=contact.subject.strip()[:SUBJECT_MAX] or None,
            department=contact.department or None,
            priority=priority,
            due_at=due_at(self.config, ticket.created_at, priority or ticket.priority, department)
            if priority or self._other_hours(ticket.department, department)
            else None,
        )
        # With a history row ("left their details in the chat"): the console shows it, and
        # the mail feed tells the department's operators (mail/staff.py).
        left = TicketEvent(
            ticket.id, "requester", AuthorKind.REQUESTER, requester.id, {"via": "chat"},
            ts=self.clock(),
        )  # fmt: skip
        await self.store.helpdesk.change_ticket(
            ticket.id, changes, [left], expect=None, now=self.clock()
        )
        departments = {ticket.department, contact.department or ticket.department}
        return await self.inbox.changed([conversation_id], departments=departments)

    async def visitor_rated(self, conversation_id: str, score: int, comment: str) -> list[Event]:
        """Store the visitor's 1-5 rating of the closed conversation's ticket."""
        ticket = await self.store.tickets.current_ticket(conversation_id)
        if ticket is None or not await self.store.tickets.rate_ticket(
            ticket.id, score, comment.strip(), self.clock()
        ):
            raise Conflict("there is nothing to rate", code="nothing_to_rate")
        return await self.inbox.changed([conversation_id])

    async def visitor_wrote(
        self, conversation: Conversation
    ) -> tuple[list[Event], Conversation | None]:
        """A visitor message arrived: a closed conversation goes back to the bot; an
        escalated one moves up in operators' lists. Return the events and the
        conversation as it is now (None: gone)."""
        if conversation.mode is Mode.BOT:
            return [], conversation
        if conversation.mode is Mode.CLOSED:
            if not await self.store.conversations.set_mode(
                conversation.id, Mode.BOT, expect=Mode.CLOSED
            ):
                return [], await self.store.conversations.get_conversation(conversation.id)
            events = await self.inbox.changed([conversation.id])
            return events, await self.store.conversations.get_conversation(conversation.id)
        events, found = await self.inbox.touched(conversation.id)
        if found is None:
            return events, None
        # The usual case ends here: the summary just read holds the conversation, so the
        # caller need not read it again (a read per message of a live chat).
        ticket, now = found.ticket, found.conversation
        if ticket is not None and await self._answers(conversation, ticket):
            # Asked something from the ticket's page, the visitor may answer right here: a
            # pending ticket opens again; an open one notes the answer to an operator.
            assert self.answered is not None
            events += await self.answered(ticket)
        waiting = conversation.mode in (Mode.QUEUED, Mode.WAITING)
        if waiting and not await self._noted(conversation, ticket):
            # Once per request: the visitor writing on while waiting hears it reached us.
            events = await self.inbox.post_system(conversation, "noted") + events
            self._remember_told(conversation.id, ticket)
            return events, await self.store.conversations.get_conversation(conversation.id)
        return events, now

    async def _answers(self, conversation: Conversation, ticket: Ticket) -> bool:
        """Return whether the visitor's latest message answers the ticket: any on a pending
        or resolved one; on an answered open one, outside a live chat, the first after an
        operator's message."""
        if self.answered is None:
            return False
        if ticket.status in _ANSWERABLE:
            return True
        return (
            conversation.mode is not Mode.LIVE
            and ticket.first_response_at is not None
            and await self._after_operator(conversation)
        )

    async def _after_operator(self, conversation: Conversation) -> bool:
        """Return whether the visitor's latest message follows an operator's (answers it)."""
        before, _ = await self.store.conversations.list_messages(
            conversation.id, since=max(0, conversation.last_seq - 2), limit=1
        )
        return bool(before) and before[0].author is Author.OPERATOR

    async def _noted(self, conversation: Conversation, ticket: Ticket | None) -> bool:
        """Return whether the visitor was already told their messages reach the team
        since ``ticket`` (the current one) opened."""
        if self._told.get(conversation.id) == (ticket.id if ticket else ""):
            # Remembered: spares reading (and decoding) the last 30 messages for each
            # message of a visitor waiting for a person.
            self._told.move_to_end(conversation.id)
            return True
        messages, _ = await self.store.conversations.list_messages(
            conversation.id, since=max(0, conversation.last_seq - 30), limit=30
        )
        told = any(
            m.author is Author.SYSTEM
            and m.extra.get("event") == "noted"
            and (ticket is None or m.ts >= ticket.created_at)
            for m in messages
        )
        if told:
            self._remember_told(conversation.id, ticket)
        return told

    def _remember_told(self, conversation_id: str, ticket: Ticket | None) -> None:
        self._told[conversation_id] = ticket.id if ticket else ""
        self._told.move_to_end(conversation_id)
        if len(self._told) > _TOLD_KEPT:
            self._told.popitem(last=False)

    async def _subject(self, conversation: Conversation, event: ConversationEscalated) -> str:
        """The ticket's subject: the visitor's question. The message that caused the
        escalation when it was a question (a topic to hand over, an unsure bot); for a
        plain "I want a person" (or the button), the visitor's latest substantial question
        since the last ticket, else their longest message (never "bonjour" when a real
        question exists)."""
        previous = await self.store.tickets.current_ticket(conversation.id)
        since = previous.created_at if previous else None
        messages, _ = await self.store.conversations.list_messages(
            conversation.id, since=max(0, conversation.last_seq - 50), limit=50
        )
        asked = [
            m for m in messages if m.author is Author.VISITOR and (since is None or m.ts > since)
        ]
        trigger = next((m for m in asked if m.seq == event.trigger_seq), None)
        if trigger is not None and event.reason != "visitor_request":
            return _one_line(trigger.text)
        candidates = [m for m in asked if m is not trigger] or asked
        if not candidates:
            return "—"
        substantial = [m for m in candidates if len(m.text.split()) >= _QUESTION_WORDS]
        if substantial:
            return _one_line(substantial[-1].text)
        return _one_line(max(candidates, key=lambda m: len(m.text)).text)

    async def _conversation(self, conversation_id: str) -> Conversation:
        conversation = await self.store.conversations.get_conversation(conversation_id)
        if conversation is None:
            raise NotFound("no such conversation")
        return conversation
