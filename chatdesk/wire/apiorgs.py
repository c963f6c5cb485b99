"""The REST API's customer organisations (/api/v1/organisations, admins): what programs
send and what they get back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from .base import In, Out, Ts

__all__ = [
    "ApiDomainIn",
    "ApiDomainOut",
    "ApiMemberIn",
    "ApiOrganisation",
    "ApiOrganisationIn",
    "ApiOrganisationList",
    "ApiOrganisationMergeIn",
    "ApiOrganisationPatchIn",
]


def _about(text: str, **constraints: Any) -> msgspec.Meta:
    return msgspec.Meta(description=text, **constraints)


Cap = Annotated[int, _about("At least 1; 0 in a change removes the cap.", ge=0, le=100_000)]


class ApiOrganisationIn(In):
    """``POST /api/v1/organisations``: a new customer organisation."""

    name: Annotated[str, _about("Unique in any case.", min_length=1, max_length=100)]
    contract_active: bool = True
    max_members: Annotated[int, _about("Most members (absent: no cap).", ge=1)] | None = None
    max_editors_per_site: (
        Annotated[int, _about("Most editors per site (absent: the desk's).", ge=1)] | None
    ) = None


class ApiOrganisationPatchIn(In):
    """``PATCH /api/v1/organisations/{organisation_id}``: what to change (absent:
    unchanged)."""

    contract_active: bool | UnsetType = UNSET
    max_members: Cap | UnsetType = UNSET
    max_editors_per_site: Cap | UnsetType = UNSET
    #: The team's note on it (operators only; `""` removes it).
    note: Annotated[str, msgspec.Meta(max_length=2000)] | UnsetType = UNSET


class ApiMemberIn(In):
    """``POST /api/v1/organisations/{organisation_id}/members``: someone (created if new)
    put in the organisation, out of any other."""

    email: Annotated[str, msgspec.Meta(min_length=3, max_length=320)]
    role: Literal["member", "admin"] = "member"
    name: Annotated[str, msgspec.Meta(max_length=100)] = ""


class ApiOrganisationMergeIn(In):
    """``POST /api/v1/organisations/{organisation_id}/merge``: the organisation kept (its
    id or its name)."""

    into: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class ApiDomainIn(In):
    """``POST /api/v1/organisations/{organisation_id}/domains``: an e-mail domain the
    organisation owns (``acme.be``, ``@acme.be``)."""

    domain: Annotated[str, msgspec.Meta(min_length=1, max_length=260)]


class ApiDomainOut(Out):
    """The domain as kept, and how many requesters of it in no organisation joined."""

    domain: str
    joined: int


class ApiOrganisation(Out):
    """A customer organisation: its contract, caps (null: none), members and domains."""

    id: str
    name: str
    contract_active: bool
    max_members: int | None
    max_editors_per_site: int | None
    members: int
    domains: list[str]
    created_at: Ts
    #: The team's note on it (operators only; `""`: none).
    note: str


class ApiOrganisationList(Out):
    """Every organisation, by name."""

    organisations: list[ApiOrganisation]
