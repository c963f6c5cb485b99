"""The REST API's responses (/api/v1): tickets, threads, the desk's choices, errors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from .api import StatusName, TypeName
from .base import Lang, Out, Priority, Ts
from .tickets import RequesterRef, SlaOut

__all__ = [
    "ApiAttachment",
    "ApiBlocked",
    "ApiBlockedList",
    "ApiCsat",
    "ApiDepartment",
    "ApiDesk",
    "ApiError",
    "ApiErrorBody",
    "ApiField",
    "ApiHistory",
    "ApiLimits",
    "ApiMessage",
    "ApiOperator",
    "ApiOperatorList",
    "ApiOption",
    "ApiPriority",
    "ApiReply",
    "ApiRequiredWhen",
    "ApiTarget",
    "ApiTicket",
    "ApiTicketDetail",
    "ApiTicketPage",
    "ApiTimeEntry",
    "ApiTimeReport",
    "ApiType",
    "Texts",
]

#: A text in each language the desk speaks (a language may be missing).
Texts = dict[Lang, str]


class ApiError(Out):
    """What went wrong: a stable machine ``code``, English prose for developers, and the
    request field at fault when there is one (``requester.email``, ``fields.site_id``)."""

    code: str
    message: str
    field: str | UnsetType = UNSET


class ApiErrorBody(Out):
    """Every error response: ``{"error": {"code", "message", "field"?}}``."""

    error: ApiError


class ApiCsat(Out):
    """The requester's rating (1-5), once given."""

    score: int | None
    comment: str
    rated_at: Ts | None


class ApiTicket(Out):
    """A ticket: ``number`` is what people see (``#000123``); ``assignee`` an operator id."""

    id: str
    number: Annotated[str, msgspec.Meta(pattern=r"^#\d{6,}$")]
    subject: str
    description: str
    status: StatusName
    type: TypeName
    channel: Literal["chat", "form", "email", "api", "phone"]
    priority: Priority
    department: str
    requester: RequesterRef
    organisation_id: str | None
    assignee: str | None
    conversation_id: str | None
    lang: str
    fields: dict[str, str]
    created_at: Ts
    updated_at: Ts
    next_due: Ts | None
    sla: SlaOut
    csat: ApiCsat
    merged_into: str | None
    follow_up_of: str | None
    #: People in Cc: they get copies of the public replies; their mails join the ticket.
    cc: list[str]
    #: The team's labels (never shown to requesters).
    tags: list[str]
    #: On hold until then: the ticket comes back open then (never shown to requesters).
    hold_until: Ts | None


class ApiMessage(Out):
    """A message of the thread: the ticket's own (``source: ticket``) or, for a ticket
    born in a chat, the conversation's (``source: chat``)."""

    id: str
    source: Literal["ticket", "chat"]
    author: Literal["requester", "operator", "system", "visitor", "bot"]
    author_name: str
    text: str
    internal: bool
    ts: Ts


class ApiAttachment(Out):
    """A file of the ticket (``url`` serves its bytes to API clients)."""

    id: str
    message_id: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: Ts
    url: str


class ApiHistory(Out):
    """One line of the ticket's history: who (``actor``), when, what (``kind``, ``data``)."""

    id: str
    kind: str
    actor: Literal["requester", "operator", "system"]
    actor_id: str | None
    data: dict[str, Any]
    ts: Ts


class ApiTicketDetail(ApiTicket):
    """A ticket with its thread (public replies and internal notes), files and history."""

    messages: list[ApiMessage]
    attachments: list[ApiAttachment]
    events: list[ApiHistory]
    #: The problem ticket this one is linked to (``PUT .../problem``), or null.
    problem_id: str | None = None
    #: The tickets linked to this one as their problem, in the order linked.
    linked_ids: list[str] = msgspec.field(default_factory=list)


class ApiTicketPage(Out):
    """One page of a ticket list, and how many tickets match in all."""

    tickets: list[ApiTicket]
    total: int
    page: int
    per_page: int


class ApiReply(Out):
    """The message posted and the ticket after it (a reply may reopen or open it)."""

    message: ApiMessage
    ticket: ApiTicket


class ApiDepartment(Out):
    """A department tickets can go to (``name``: what people read, per language)."""

    id: str
    default: bool
    name: Texts


class ApiType(Out):
    """A type of request the desk offers."""

    id: TypeName
    name: Texts


class ApiTarget(Out):
    """A time target: ``business_seconds`` of business time, or ``business_days``
    (by the same time that many business days later); ``text`` as configured."""

    text: str
    business_seconds: int | None
    business_days: int | None


class ApiPriority(Out):
    """A priority: its name, plain-language definition and targets."""

    id: Priority
    name: Texts
    definition: Texts
    first_response: ApiTarget
    resolution: ApiTarget
    calendar: Literal["business", "24/7"]


class ApiRequiredWhen(Out):
    """The field is required for these types or priorities (either matches)."""

    types: list[str]
    priorities: list[str]


class ApiOption(Out):
    """A choice of a ``select`` field."""

    value: str
    label: Texts


class ApiField(Out):
    """A custom field of the desk's tickets."""

    id: str
    label: Texts
    type: Literal["text", "textarea", "url", "ip_or_order", "datetime", "select"]
    required: bool
    required_when: ApiRequiredWhen
    pattern: str | None
    options: list[ApiOption]
    #: The types the form asks it for (empty: every type; other types may still give it).
    types: list[str] = msgspec.field(default_factory=list)


class ApiLimits(Out):
    """Largest file and most bytes of files per ticket (after base64 decoding)."""

    max_file: int
    max_ticket: int


class ApiDesk(Out):
    """What a ticket can say: departments, types, priorities, custom fields, languages."""

    name: str
    departments: list[ApiDepartment]
    types: list[ApiType]
    priorities: list[ApiPriority]
    fields: list[ApiField]
    languages: list[Lang]
    attachments: ApiLimits


class ApiTimeEntry(Out):
    """Minutes one operator recorded on one ticket in the period (``time`` history rows
    added up). ``organisation``: the ticket's, else its requester's (null: none);
    ``operator`` null: an account since removed. A complaint's ``subject`` is "—" for
    operators who do not see complaints."""

    organisation_id: str | None
    organisation: str | None
    ticket_id: str
    number: Annotated[str, msgspec.Meta(pattern=r"^#\d{6,}$")]
    subject: str
    operator_id: str | None
    operator: str | None
    minutes: int


class ApiTimeReport(Out):
    """The time spent on tickets over a period of the desk's days, for invoicing: a row
    per organisation, ticket and operator, by organisation then ticket number."""

    start: date = msgspec.field(name="from")
    to: date
    total_minutes: int
    entries: list[ApiTimeEntry]


class ApiBlocked(Out):
    """A sender the desk takes nothing from: an address, or a domain with its subdomains
    (``domain``); who added it, why, and how many times it stopped something."""

    pattern: str
    domain: bool
    note: str
    created_by: str
    created_at: Ts
    hits: int
    last_hit: Ts | None


class ApiBlockedList(Out):
    """The block list, by pattern."""

    blocked: list[ApiBlocked]


class ApiOperator(Out):
    """An operator account as admins see it: who, what they may do, whether they can sign
    in, since when they are away (``away_until``) and when they last used the console."""

    id: str
    email: str
    name: str
    role: Literal["admin", "service_manager", "operator"]
    departments: list[str]
    languages: list[Lang]
    capacity: int | None
    disabled: bool
    two_factor: bool
    away_until: Ts | None
    last_seen_at: Ts | None
    created_at: Ts | None
    #: When an invitation to choose a first password was mailed, not yet taken up.
    invited_at: Ts | None = None


class ApiOperatorList(Out):
    """Every operator account, by name."""

    operators: list[ApiOperator]
