"""The REST API's requests (/api/v1): strict structs, decoded before any service runs."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from .base import CcList, ClientId, HoldUntil, In, Lang, Priority, TagList, TimeSpent

__all__ = [
    "ApiBlockIn",
    "ApiFileIn",
    "ApiMergeIn",
    "ApiOperatorPatchIn",
    "ApiReplyIn",
    "ApiRequesterIn",
    "ApiSpamIn",
    "ApiSplitIn",
    "ApiTicketIn",
    "ApiTicketPatchIn",
    "ApiTicketQuery",
    "ApiTimeQuery",
    "StatusName",
    "TypeName",
]

StatusName = Literal["new", "open", "pending", "on_hold", "resolved", "closed"]
TypeName = Literal["question", "incident", "idea", "complaint"]
_STATUSES = "new|open|pending|on_hold|resolved|closed"
_TYPES = "question|incident|idea|complaint"

#: A ticket reference: its id, or its number with or without ``#`` (``#000123``, ``123``).
Ref = Annotated[
    str, msgspec.Meta(pattern=r"^(#?[0-9]{1,9}|[0-9a-f]{32})$", examples=["#000123", "123"])
]
Department = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
FieldId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
FieldValue = Annotated[str, msgspec.Meta(max_length=5000)]
#: Custom field values by field id (``GET /api/v1/desk`` lists the fields); "" removes one.
Fields = Annotated[dict[FieldId, FieldValue], msgspec.Meta(max_length=50)]
#: An operator: their id or e-mail address.
Assignee = Annotated[str, msgspec.Meta(min_length=1, max_length=320)]


class ApiFileIn(In):
    """A file sent inline: its name and its bytes in base64 (types are read from the
    bytes; programs are refused)."""

    filename: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    content_base64: bytes


Files = Annotated[list[ApiFileIn], msgspec.Meta(max_length=20)]


class ApiRequesterIn(In):
    """Who the ticket is for (created on first use, found by e-mail afterwards)."""

    email: Annotated[
        str, msgspec.Meta(min_length=3, max_length=254, extra_json_schema={"format": "email"})
    ]
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""


class ApiTicketIn(In):
    """``POST /api/v1/tickets``: file a ticket on someone's behalf (channel ``api``)."""

    requester: ApiRequesterIn
    subject: Subject
    description: Text = ""
    type: TypeName | None = None
    department: Department | None = None
    priority: Priority | None = None
    fields: Fields = msgspec.field(default_factory=dict)
    lang: Lang | None = None
    attachments: Files = msgspec.field(default_factory=list)
    #: People to keep in Cc: copies of the public replies by e-mail.
    cc: CcList = msgspec.field(default_factory=list)


class ApiReplyIn(In):
    """``POST /api/v1/tickets/{ref}/messages``: a public reply, or an internal note.

    A retry with the same ``client_id`` returns the first message (200) and changes
    nothing.
    """

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
    internal: bool = False
    client_id: ClientId | None = None
    attachments: Files = msgspec.field(default_factory=list)
    #: The status the ticket moves to with the message, in the same step (absent: unchanged).
    status: Literal["pending", "on_hold", "resolved", "closed"] | None = None
    #: With ``status`` "on_hold" (or on a ticket on hold): the date it waits until.
    hold_until: HoldUntil | None = None
    #: Minutes the operator worked on the ticket, recorded with the message (a ``time``
    #: history row; 0: none).
    time_spent_minutes: TimeSpent = 0


class ApiTicketPatchIn(In):
    """``PATCH /api/v1/tickets/{ref}``: what to change (absent: unchanged; ``assignee``
    null: unassigned). A status move the state machine forbids is a 409."""

    status: StatusName | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    department: Department | UnsetType = UNSET
    assignee: Assignee | UnsetType | None = UNSET
    type: TypeName | UnsetType = UNSET
    subject: Subject | UnsetType = UNSET
    fields: Fields | UnsetType = UNSET
    #: The whole new list of people in Cc (``[]`` removes them all).
    cc: CcList | UnsetType = UNSET
    #: The whole new list of tags (``[]`` removes them all).
    tags: TagList | UnsetType = UNSET
    #: On hold until then (ISO 8601 with its zone, in the coming year; the status is or
    #: becomes ``on_hold``); null removes the date.
    hold_until: HoldUntil | UnsetType | None = UNSET


class ApiMergeIn(In):
    """``POST /api/v1/tickets/{ref}/merge``: the ticket that takes over the thread."""

    into: Ref


class ApiSpamIn(In):
    """``POST /api/v1/tickets/{ref}/spam``: whether the requester's address is blocked
    too (their mail dropped, the form, chat and portal refusing them)."""

    block: bool = False


class ApiBlockIn(In):
    """``POST /api/v1/blocked``: an address (``spam@example.com``) or a domain
    (``example.com``, ``@example.com`` or ``*@example.com``: its subdomains too), and why."""

    pattern: Annotated[str, msgspec.Meta(min_length=1, max_length=320)]
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class ApiOperatorPatchIn(In):
    """``PATCH /api/v1/operators/{operator_id}``: disable an account (its sessions end at
    once) or enable it again; ``end_sessions``: sign it out everywhere (the password and
    API tokens stay); left out: unchanged."""

    disabled: bool | UnsetType = UNSET
    end_sessions: bool = False


class ApiSplitIn(In):
    """``POST /api/v1/tickets/{ref}/split``: the requester's message to copy into a new
    ticket, and that ticket's subject."""

    message_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
    subject: Subject


def _about(text: str, **constraints: Any) -> msgspec.Meta:
    return msgspec.Meta(description=text, **constraints)


class ApiTicketQuery(In):
    """``GET /api/v1/tickets``: filters (all must match), full text, order and page."""

    status: (
        Annotated[
            str,
            _about(
                "Statuses, comma-separated (`open,pending`).",
                pattern=f"^({_STATUSES})(,({_STATUSES}))*$",
                max_length=200,
            ),
        ]
        | None
    ) = None
    department: Annotated[Department, _about("A department's id.")] | None = None
    assignee: (
        Annotated[
            Assignee,
            _about(
                "An operator's id or e-mail, `me` (the token's operator) or `none` (unassigned)."
            ),
        ]
        | None
    ) = None
    type: (
        Annotated[
            str,
            _about(
                "Types, comma-separated (`incident,complaint`).",
                pattern=f"^({_TYPES})(,({_TYPES}))*$",
                max_length=100,
            ),
        ]
        | None
    ) = None
    tag: Annotated[str, _about("A tag: the tickets that have it.", max_length=60)] | None = None
    requester: (
        Annotated[
            str,
            _about("A requester's id: their tickets (`GET /api/v1/requesters`).",
                   pattern=r"^[0-9a-f]{32}$"),
        ]
        | None
    ) = None  # fmt: skip
    organisation: (
        Annotated[
            str,
            _about("An organisation's id: the tickets filed under it (a requester's "
                   "`organisation.id`).", pattern=r"^[0-9a-f]{32}$"),
        ]
        | None
    ) = None  # fmt: skip
    problem: (
        Annotated[
            str,
            _about("A problem ticket's id: the tickets linked to it (a ticket's "
                   "`problem_id`).", pattern=r"^[0-9a-f]{32}$"),
        ]
        | None
    ) = None  # fmt: skip
    q: Annotated[
        str,
        _about(
            "Full text: every word must match, as a prefix, the subject, description, "
            "messages or field values (case and accents ignored; fr, nl, en); `#000123`: "
            "that ticket, whatever its status; an e-mail address typed whole: its "
            "requester's tickets.",
            max_length=200,
        ),
    ] = ""
    sort: Annotated[
        Literal["due", "updated", "created", "number"],
        _about(
            "`due`: the next due time first; `updated`, `created`: latest first; "
            "`number`: oldest first."
        ),
    ] = "due"
    page: Annotated[int, _about("The page, from 1.", ge=1, le=100_000)] = 1
    per_page: Annotated[int, _about("Tickets a page.", ge=1, le=100)] = 50


class ApiTimeQuery(In):
    """``GET /api/v1/time``: a period of the desk's days, both included (at most 366)."""

    # Unset, not None, when absent: `?to=null` is then refused, not read as "absent".
    start: Annotated[date, _about("The first day (default: 29 days before `to`).")] | UnsetType = (
        msgspec.field(default=UNSET, name="from")
    )
    to: Annotated[date, _about("The last day, included (default: today).")] | UnsetType = UNSET
