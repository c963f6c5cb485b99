"""The REST API's requesters (/api/v1/requesters): the directory's query, a patch, and
the requesters as answered."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from .base import In, Out, Ts

__all__ = [
    "ApiOrganisationRef",
    "ApiRequester",
    "ApiRequesterDetachIn",
    "ApiRequesterDetail",
    "ApiRequesterMergeIn",
    "ApiRequesterPage",
    "ApiRequesterPatchIn",
    "ApiRequesterQuery",
    "ApiRequesterRecord",
    "ApiRequesterUpsertIn",
]

_ID = r"^[0-9a-f]{32}$"


def _about(text: str, **constraints: Any) -> msgspec.Meta:
    return msgspec.Meta(description=text, **constraints)


class ApiRequesterQuery(In):
    """``GET /api/v1/requesters``: a search, an organisation's members, an order, a page."""

    q: Annotated[
        str,
        _about(
            "Every word must appear in the address, name, phone or organisation's name "
            "(case and the accents of Western European letters ignored).",
            max_length=200,
        ),
    ] = ""
    organisation: (
        Annotated[str, _about("An organisation's id: its members only.", pattern=_ID)] | None
    ) = None
    sort: Annotated[
        Literal["activity", "name", "newest"],
        _about(
            "`activity`: the latest ticket change first (people without a ticket last); "
            "`name`: by name (people without one last); `newest`: the newest first."
        ),
    ] = "activity"
    page: Annotated[int, _about("The page, from 1.", ge=1, le=10_000)] = 1
    per_page: Annotated[int, _about("Requesters a page.", ge=1, le=100)] = 50


class ApiRequesterPatchIn(In):
    """``PATCH /api/v1/requesters/{requester_id}``: the details to change (absent:
    unchanged; a name's and a phone's spaces are collapsed). Their tickets keep the name
    they were filed with."""

    name: Annotated[str, msgspec.Meta(max_length=100)] | UnsetType = UNSET
    phone: Annotated[str, msgspec.Meta(max_length=40)] | UnsetType = UNSET
    #: The team's note on them (operators only; `""` removes it).
    note: Annotated[str, msgspec.Meta(max_length=2000)] | UnsetType = UNSET


class ApiOrganisationRef(Out):
    """The customer organisation a requester belongs to."""

    id: str
    name: str


class ApiRequesterRecord(Out):
    """A requester's record: their details, organisation and role in it, since when the
    desk knows them, the team's note (what a webhook's ``requester`` carries)."""

    id: str
    email: str
    name: str
    phone: str
    lang: str
    organisation: ApiOrganisationRef | None
    org_role: Literal["member", "admin"]
    created_at: Ts
    #: The team's note on them (operators only; `""`: none).
    note: str


class ApiRequester(ApiRequesterRecord):
    """A requester: their record, and their tickets the token's operator may see (how
    many, how many still worked on: new, open, pending or on hold; when one last
    changed)."""

    tickets: int
    active_tickets: int
    last_activity: Ts | None


class ApiRequesterDetail(ApiRequester):
    """A requester with the organisation's sites they edit and whether the block list
    stops them (their address or its domain)."""

    sites: list[str]
    blocked: bool
    #: Their other addresses (records of theirs merged into this one), sorted.
    addresses: list[str]


class ApiRequesterMergeIn(In):
    """``POST /api/v1/requesters/{requester_id}/merge``: the requester (one person with
    two records) this one goes into."""

    into: Annotated[
        str,
        _about(
            "The requester kept: their id, or their e-mail address.",
            min_length=3,
            max_length=254,
        ),
    ]


class ApiRequesterPage(Out):
    """One page of the directory, and how many requesters match in all."""

    requesters: list[ApiRequester]
    total: int
    page: int
    per_page: int


class ApiRequesterDetachIn(In):
    """``POST /api/v1/requesters/{requester_id}/detach``: one of the requester's other
    addresses, to make a requester of its own again."""

    address: Annotated[str, _about("One of their other addresses.", min_length=3, max_length=254)]


class ApiRequesterUpsertIn(In):
    """``POST /api/v1/requesters``: a requester created, or brought up to date (a CRM's
    contact): a detail given replaces theirs, one left out or empty leaves it."""

    email: Annotated[
        str, msgspec.Meta(min_length=3, max_length=254, extra_json_schema={"format": "email"})
    ]
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    lang: Literal["", "fr", "nl", "en"] = ""
    #: The team's note on them (operators only).
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
