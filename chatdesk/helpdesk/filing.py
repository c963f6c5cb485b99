"""Filing a ticket from any channel: checks, SLA, complaint routing, one store transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..attachments import check_attachment
from ..config import LANGUAGES
from ..deskconfig import DeskConfig
from ..errors import InvalidPayload, NotFound, TooLarge
from ..events import Event, TicketAssigned, TicketCreated
from ..fields import validate_fields
from ..models import (
    ACTIVE,
    AuthorKind,
    Channel,
    NewAttachment,
    Operator,
    Requester,
    Role,
    SeatClaim,
    SeatRefusal,
    Status,
    Ticket,
    TicketFiling,
    TicketMessage,
    TicketQuery,
    TicketType,
    utcnow,
)
from ..operators import normalize_email
from ..sla import first_alert
from ..store import Store
from .autorules import apply_rules
from .blocklist import BlockList
from .common import clean_cc, clean_subject, clean_text, history, load_ticket
from .links import FollowLinks
from .people import RequesterService

__all__ = ["FilingService", "NewTicket", "Upload"]


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as received (its type is sniffed from ``data``, its name made safe)."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A ticket as a channel receives it (form, API, e-mail, phone...); every field is
    checked by :meth:`FilingService.file`. ``concerning``: the ticket a complaint is about
    (its operator never gets the complaint)."""

    email: str
    subject: str
    description: str = ""
    name: str = ""
    phone: str = ""
    lang: str = ""
    type: str | None = None
    department: str | None = None
    priority: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    attachments: Sequence[Upload] = ()
    channel: str = "form"
    concerning: str | None = None
    #: The e-mail's key (Message-ID) when a mail files it: at most one ticket per key.
    inbound_key: str | None = None
    #: People in Cc: copies of the replies, their answers join the ticket.
    cc: Sequence[str] = ()
    #: An operator writes first (their reply follows): no acknowledgement is sent.
    outbound: bool = False


class FilingService:
    """File tickets: access policy, custom fields, files, seats, SLA due times and the
    complaint rule, then one store transaction (number, ticket, first message, files,
    seat, history)."""

    def __init__(
        self,
        store: Store,
        config: DeskConfig,
        people: RequesterService,
        links: FollowLinks,
        *,
        default_lang: str = "en",
        clock: Callable[[], datetime] = utcnow,
        blocks: BlockList | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.people = people
        self.links = links
        #: The senders the desk takes nothing from (checked where requesters file).
        self.blocks = blocks or BlockList(store, clock=clock)
        self.default_lang = default_lang
        self.clock = clock

    async def file(
        self,
        request: NewTicket,
        *,
        operator: Operator | None = None,
        follow_up_of: Ticket | None = None,
        conversation_id: str | None = None,
    ) -> tuple[Ticket, list[Event]]:
        """File ``request``; ``operator`` files on someone's behalf (phone, API: the
        access policy is not applied to operators).

        :raises InvalidPayload: a malformed value (``InvalidFields`` per custom field).
        :raises Forbidden: ``access_denied`` by the desk's policy; ``blocked``: the
            requester's address or domain is on the block list (not for operators).
        :raises Refused: ``seats_full``, naming the site's editors and whom to ask.
        :raises TooLarge: files past the per-file or per-ticket limit.
        """
        lang = request.lang if request.lang in LANGUAGES else self.default_lang
        type_, department, priority = self._choices(request)
        if request.channel not in tuple(Channel):
            raise InvalidPayload(f"channel must be one of: {', '.join(Channel)}")
        subject = clean_subject(request.subject)
        description = clean_text(request.description, required=False)
        if request.channel == "form" and operator is None:
            for detail in sorted(self.config.helpdesk.form_requires):
                if not str(getattr(request, detail)).strip():
                    raise InvalidPayload(f"{detail} is required on this desk's form", code=detail)
        if operator is None:
            # Before anything is stored: a blocked sender leaves no requester behind.
            await self.blocks.check(request.email, lang)
        requester = await self.people.requester(
            request.email, name=request.name, phone=request.phone, lang=lang
        )
        if operator is None:
            requester = await self.people.check_access(requester, lang)
        if requester.email != (address := normalize_email(request.email)):
            # One of a merged requester's other addresses: the ticket is theirs, and
            # answered where they wrote from.
            requester = replace(requester, email=address)
        values = validate_fields(
            self.config.helpdesk.fields,
            request.fields,
            type_=type_.value,
            priority=priority,
            lang=lang,
        )
        files = self.check_files(request.attachments, already=0)
        concerned, about = await self._concerned(request, follow_up_of, requester, operator)
        filing = TicketFiling(
            subject=subject,
            description=description,
            type=type_,
            channel=Channel(request.channel),
            department=department,
            priority=priority,
            lang=lang,
            requester=requester,
            created_at=self.clock(),
            fields=values,
            organisation_id=requester.organisation_id,
            conversation_id=conversation_id,
            follow_up_of=follow_up_of.id if follow_up_of else None,
            attachments=tuple(files),
            inbound_key=request.inbound_key,
            cc=clean_cc(request.cc, requester=requester.email),
            outbound=request.outbound and operator is not None,
            seat=await self._seat(requester, values),
        )
        if about is not None and type_ is TicketType.COMPLAINT:  # the request it is about
            row = history(filing.id, "concerning", None, filing.created_at, ticket=about.id,
                          ref=about.label)  # fmt: skip
            filing = replace(filing, events=(row,))
        filing = await apply_rules(self.store, self.config.rules, filing)
        return await self._store(requester, filing, operator=operator, concerned=concerned)

    async def preview(self, request: NewTicket) -> TicketFiling:
        """Return what the desk's rules would make of ``request``, storing nothing (``chatdesk
        rules try``): its requester as known (else a new one), its organisation, the
        changes and their ``rule`` history rows.

        :raises InvalidPayload: a type, department, priority, channel or address refused.
        """
        type_, department, priority = self._choices(request)
        if request.channel not in tuple(Channel):
            raise InvalidPayload(f"channel must be one of: {', '.join(Channel)}")
        email = normalize_email(request.email)
        if "@" not in email:
            raise InvalidPayload(f"{request.email!r} is not an e-mail address", code="email")
        now = self.clock()
        requester = await self.store.requesters.find_requester(email) or Requester(
            id="", email=email, created_at=now, name=request.name
        )
        filing = TicketFiling(
            subject=" ".join(request.subject.split()), description=request.description,
            type=type_, channel=Channel(request.channel), department=department,
            priority=priority, lang=request.lang or self.default_lang, requester=requester,
            created_at=now, fields=dict(request.fields),
            organisation_id=requester.organisation_id,
        )  # fmt: skip
        return await apply_rules(self.store, self.config.rules, filing)

    async def file_draft(
        self, filing: TicketFiling, *, operator: Operator | None, concerned: set[str]
    ) -> tuple[Ticket, list[Event]]:
        """File an already checked ticket (chat conversions and follow-ups)."""
        return await self._store(filing.requester, filing, operator=operator, concerned=concerned)

    def check_files(self, uploads: Sequence[Upload], *, already: int) -> list[NewAttachment]:
        """Return the uploads checked (type by content, size); ``already``: bytes the
        ticket holds. :raises TooLarge: past a limit."""
        limits = self.config.helpdesk.attachments
        files = [check_attachment(u.filename, u.data, max_file=limits.max_file) for u in uploads]
        if already + sum(f.size for f in files) > limits.max_ticket:
            raise TooLarge(f"a ticket's files may total {limits.max_ticket // 1024} kB at most")
        return files

    async def _store(
        self,
        requester: Requester | None,
        filing: TicketFiling,
        *,
        operator: Operator | None,
        concerned: set[str],
    ) -> tuple[Ticket, list[Event]]:
        now = filing.created_at
        # Under "registration_notice" a ticket filed where the requester reads its number
        # at once (the form's page, the chat) is answered now; one filed by mail or the API
        # once its "received" mail goes out (SlaClocks.registered).
        registration = self.config.helpdesk.first_response == "registration_notice" and (
            filing.channel not in (Channel.EMAIL, Channel.API)
        )
        first_due, resolution_due, alert = first_alert(
            self.config, filing.priority, now, responded=registration, department=filing.department
        )
        assignee = (
            await self._service_manager(concerned)
            if filing.type is TicketType.COMPLAINT
            else filing.operator_id
        )
        message = (
            TicketMessage(filing.id, AuthorKind.REQUESTER, requester.id if requester else None,
                          filing.description, author_name=requester.name if requester else "",
                          ts=now, client_id=filing.client_id)
            if filing.description
            else None
        )  # fmt: skip
        created = {"channel": filing.channel} | ({"outbound": True} if filing.outbound else {})
        rows = [history(filing.id, "created", operator or requester, now, **created)]
        if filing.follow_up_of:
            rows.append(history(filing.id, "follow_up", None, now, of=filing.follow_up_of))
        if assignee:
            rows.append(history(filing.id, "assignee", None, now, to=assignee))
        filing = replace(
            filing,
            operator_id=assignee,
            due_at=first_due,
            resolution_due=resolution_due,
            first_response_at=now if registration else None,
            message=message,
            events=tuple(rows) + filing.events,
            status=Status.NEW,
            sla_alert_at=alert,
        )
        result = await self.store.helpdesk.file_ticket(filing)
        if isinstance(result, SeatRefusal):
            assert requester is not None
            public = filing.channel in (Channel.FORM, Channel.CHAT)
            raise await self.people.seat_refused(
                requester, result, filing.lang, addresses=not public
            )
        token = self.links.token(result.id, result.requester_id)
        events: list[Event] = [TicketCreated(result, requester, token, result.due_at)]
        if assignee:
            events.append(TicketAssigned(result, None))
        return result, events

    def _choices(self, request: NewTicket) -> tuple[TicketType, str, str]:
        offered = self.config.helpdesk.types
        type_name = request.type or (
            "question" if TicketType.QUESTION in offered else offered[0].value
        )
        if type_name not in [t.value for t in offered]:
            raise InvalidPayload(f"type must be one of: {', '.join(offered)}", code="type")
        department = request.department or self.config.default_department
        if department not in self.config.departments:
            raise InvalidPayload(f"unknown department {department!r}", code="department")
        helpdesk = self.config.helpdesk
        priority = helpdesk.check_priority(request.priority or helpdesk.default_priority)
        return TicketType(type_name), department, priority

    async def _seat(self, requester: Requester, values: Mapping[str, str]) -> SeatClaim | None:
        """Return the site seat filing takes: the value of the ``seats`` field names a
        site of the requester's organisation."""
        seats = next((f for f in self.config.helpdesk.fields if f.seats and f.id in values), None)
        if seats is None or requester.organisation_id is None:
            return None
        organisation = await self.store.requesters.get_organisation(requester.organisation_id)
        cap = self.people.seat_cap(organisation)
        return SeatClaim(requester.organisation_id, values[seats.id], requester.id, cap)

    async def _concerned(
        self,
        request: NewTicket,
        follow_up_of: Ticket | None,
        requester: Requester,
        operator: Operator | None,
    ) -> tuple[set[str], Ticket | None]:
        """Return the operators a complaint is about (never its assignee), and the request
        it names.

        :raises NotFound: a requester naming a ticket neither theirs nor their
            organisation's (the form must not tell others' tickets apart).
        """
        concerned = (
            {follow_up_of.operator_id} if follow_up_of and follow_up_of.operator_id else set()
        )
        about = None
        if request.concerning:
            about = await load_ticket(self.store, request.concerning)
            theirs = about.requester_id == requester.id or (
                requester.organisation_id is not None
                and about.organisation_id == requester.organisation_id
            )
            if operator is None and not theirs:
                raise NotFound(f"no ticket {request.concerning[:40]!r}")
            if about.operator_id:
                concerned.add(about.operator_id)
        return concerned, about

    async def _service_manager(self, concerned: set[str]) -> str | None:
        """Return the least busy active service manager not concerned (None: nobody; the
        complaint waits unassigned, seen only by service managers and admins)."""
        managers = [
            o
            for o in await self.store.operators.list_operators()
            if o.role is Role.SERVICE_MANAGER and not o.disabled and o.id not in concerned
        ]
        loads = []
        for manager in managers:
            page = await self.store.ticket_queries.search_tickets(
                TicketQuery(operator_id=manager.id, statuses=tuple(ACTIVE), per_page=1)
            )
            loads.append((page.total, manager.name, manager.id))
        return min(loads)[2] if loads else None
