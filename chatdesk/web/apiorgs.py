"""The REST API's customer organisations (admins): listed, created, changed; members and
e-mail domains added and removed, through :class:`~chatdesk.customers.Customers`."""

from __future__ import annotations

from aiohttp import web
from msgspec import UnsetType

from ..customers import CustomerAccount, Customers
from ..models import format_ts
from ..wire.apiorgs import (
    ApiDomainIn,
    ApiDomainOut,
    ApiMemberIn,
    ApiOrganisation,
    ApiOrganisationIn,
    ApiOrganisationList,
    ApiOrganisationMergeIn,
    ApiOrganisationPatchIn,
)
from .apigate import API_PREFIX, OPERATOR, read_json, reply
from .apirequesters import detail_of
from .appkeys import SERVICES

__all__ = [
    "add_domain",
    "add_member",
    "create_organisation",
    "get_organisation",
    "list_organisations",
    "merge_organisation",
    "patch_organisation",
    "remove_domain",
    "remove_member",
]


async def list_organisations(request: web.Request) -> web.StreamResponse:
    """Every customer organisation, by name, with its contract, caps, how many members
    it has and its e-mail domains. Admins only (`403` for other operators' tokens)."""
    accounts = await _customers(request).accounts(request[OPERATOR])
    return reply(ApiOrganisationList([_out(a) for a in accounts]))


async def create_organisation(request: web.Request) -> web.StreamResponse:
    """Create an organisation (`409 exists` for a name taken, in any case). Admins only.
    Answers it, with its `Location`."""
    body = await read_json(request, ApiOrganisationIn)
    account = await _customers(request).create(
        request[OPERATOR], body.name, contract_active=body.contract_active,
        max_members=body.max_members, max_editors_per_site=body.max_editors_per_site,
    )  # fmt: skip
    location = f"{API_PREFIX}/organisations/{account.organisation.id}"
    return reply(_out(account), 201, headers={"Location": location})


async def get_organisation(request: web.Request) -> web.StreamResponse:
    """One organisation. Its members: `GET /api/v1/requesters?organisation=<id>`; its
    tickets: `GET /api/v1/tickets?organisation=<id>`. Admins only."""
    account = await _customers(request).account(request[OPERATOR], _id(request))
    return reply(_out(account))


async def patch_organisation(request: web.Request) -> web.StreamResponse:
    """Turn the contract on or off (on a `customers` desk its members may file while it
    is on), change a cap (`0` removes it) or the team's note. Admins only."""
    body = await read_json(request, ApiOrganisationPatchIn)
    account = await _customers(request).change(
        request[OPERATOR], _id(request),
        contract_active=None if isinstance(body.contract_active, UnsetType)
        else body.contract_active,
        max_members=None if isinstance(body.max_members, UnsetType) else body.max_members,
        max_editors_per_site=None if isinstance(body.max_editors_per_site, UnsetType)
        else body.max_editors_per_site,
        note=None if isinstance(body.note, UnsetType) else body.note,
    )  # fmt: skip
    return reply(_out(account))


async def merge_organisation(request: web.Request) -> web.StreamResponse:
    """Merge the organisation into another (`into`: its id or name), one customer entered
    twice: its members with their roles, tickets, e-mail domains, invitations,
    notification addresses and site seats go to the one kept, whose name, contract, caps
    and note stay; then it is deleted (nobody is mailed; on the audit log). Answers the
    organisation kept. `404 unknown_org`, `409 same_organisation`. Admins only."""
    body = await read_json(request, ApiOrganisationMergeIn)
    kept = await _customers(request).merge(request[OPERATOR], _id(request), body.into)
    return reply(_out(kept))


async def add_member(request: web.Request) -> web.StreamResponse:
    """Put someone in the organisation (created if new; out of any other): `409
    organisation_full` past its member cap. Admins only. Answers the requester."""
    body = await read_json(request, ApiMemberIn)
    operator = request[OPERATOR]
    member = await _customers(request).add_member(
        operator, _id(request), body.email, role=body.role, name=body.name
    )
    directory = request.app[SERVICES].helpdesk.directory
    return reply(detail_of(await directory.profile(operator, member.id)), 201)


async def remove_member(request: web.Request) -> web.StreamResponse:
    """Take a member out of the organisation (their site seats are freed). Admins only.
    `404 unknown_requester` for someone who is not its member."""
    requester_id = request.match_info["requester_id"]
    await _customers(request).remove_member(request[OPERATOR], _id(request), requester_id)
    return web.Response(status=204)


async def add_domain(request: web.Request) -> web.StreamResponse:
    """Give the organisation an e-mail domain it owns: a new requester at it joins it at
    their first request, and those of it in no organisation join now (`joined`). `400
    invalid_domain` or `public_domain` (gmail.com...), `409 domain_taken`. Admins only."""
    body = await read_json(request, ApiDomainIn)
    domain, joined = await _customers(request).add_domain(
        request[OPERATOR], _id(request), body.domain
    )
    return reply(ApiDomainOut(domain, joined), 201)


async def remove_domain(request: web.Request) -> web.StreamResponse:
    """Take a domain from the organisation (its members stay). `404 unknown_domain`.
    Admins only."""
    domain = request.match_info["domain"]
    await _customers(request).remove_domain(request[OPERATOR], _id(request), domain)
    return web.Response(status=204)


def _customers(request: web.Request) -> Customers:
    return request.app[SERVICES].customers


def _id(request: web.Request) -> str:
    return request.match_info["organisation_id"]


def _out(account: CustomerAccount) -> ApiOrganisation:
    o = account.organisation
    return ApiOrganisation(
        id=o.id,
        name=o.name,
        contract_active=o.contract_active,
        max_members=o.max_members,
        max_editors_per_site=o.max_editors_per_site,
        members=account.members,
        domains=account.domains,
        created_at=format_ts(o.created_at),
        note=o.note,
    )
