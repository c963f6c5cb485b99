"""The tickets' import and export file (``chatdesk tickets import`` / ``export``): JSON
Lines, UTF-8, one ticket per line with its whole thread. docs/helpdesk.md, "Importing
tickets from another helpdesk", documents every field."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

__all__ = ["ImportedMessage", "ImportedRequester", "ImportedTicket"]

#: A time with its zone (``2025-03-01T09:12:00Z``, ``2025-03-01T10:12:00+01:00``).
Time = Annotated[datetime, msgspec.Meta(tz=True)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Address = Annotated[str, msgspec.Meta(max_length=254)]


class ImportedRequester(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Who asked: found by address (their own or another of theirs), else created (with
    an organisation's domain, as its member)."""

    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    name: Short = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    lang: Literal["", "fr", "nl", "en"] = ""


class ImportedMessage(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One message of the thread, as it was written then."""

    author: Literal["requester", "operator"]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]
    ts: Time
    #: An operator's address: the desk's operator of that address signs it; else ``name``.
    email: Annotated[str, msgspec.Meta(max_length=254)] = ""
    #: Who wrote it, when not an operator of this desk (a former colleague).
    name: Short = ""
    #: An operator's internal note (never shown to the requester).
    internal: bool = False


class ImportedTicket(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One ticket of the other helpdesk, thread and outcome included."""

    #: The other desk's reference (``zendesk:4512``): a ticket is imported once.
    ref: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    requester: ImportedRequester
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    #: The first is what they asked (the description), in time order.
    messages: Annotated[list[ImportedMessage], msgspec.Meta(min_length=1, max_length=10_000)]
    status: Literal["new", "open", "pending", "on_hold", "resolved", "closed"] = "closed"
    #: When it was filed (default: its first message's time).
    created_at: Time | None = None
    #: When it was resolved or closed (default: its last message's time).
    closed_at: Time | None = None
    #: How it came: a chat's ticket comes as a form's (its conversation is not imported).
    channel: Literal["email", "form", "phone", "api"] = "email"
    type: Short = ""
    priority: Literal["", "urgent", "high", "normal", "low"] = ""
    department: Short = ""
    lang: Literal["", "fr", "nl", "en"] = ""
    #: The address of the operator of this desk who has it.
    assignee: Annotated[str, msgspec.Meta(max_length=254)] = ""
    tags: Annotated[list[Short], msgspec.Meta(max_length=10)] = []
    cc: Annotated[list[Address], msgspec.Meta(max_length=10)] = []
    fields: dict[Short, Annotated[str, msgspec.Meta(max_length=2000)]] = {}
    #: The requester's rating of the answer (1-5) and its comment.
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)] | None = None
    rating_comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""
