"""The REST API's requesters: the directory searched, one requester, their details
corrected (a CRM keeping names and phones in step), as the console's pages do."""

from __future__ import annotations

import msgspec
from aiohttp import web
from msgspec import UnsetType

from ..helpdesk import RequesterProfile
from ..helpdesk.importing import clean_row
from ..helpdesk.people import clean_note
from ..models import RequesterSummary, format_ts
from ..wire.apipeople import (
    ApiOrganisationRef,
    ApiRequester,
    ApiRequesterDetachIn,
    ApiRequesterDetail,
    ApiRequesterMergeIn,
    ApiRequesterPage,
    ApiRequesterPatchIn,
    ApiRequesterQuery,
    ApiRequesterUpsertIn,
)
from ..wire.importrows import ImportRow
from .apigate import API_PREFIX, OPERATOR, read_json, read_query, reply
from .appkeys import SERVICES

__all__ = [
    "detach_address",
    "detail_of",
    "get_requester",
    "list_requesters",
    "merge_requester",
    "patch_requester",
    "put_requester",
]


async def list_requesters(request: web.Request) -> web.StreamResponse:
    """A page of the requesters: searched (`q`), an organisation's members
    (`organisation`), ordered (`sort`), each with the count of their tickets the token's
    operator may see (complaints only for service managers and admins)."""
    query = read_query(request, ApiRequesterQuery)
    page = await request.app[SERVICES].helpdesk.directory.search(
        request[OPERATOR], q=query.q, organisation=query.organisation, sort=query.sort,
        page=query.page, per_page=query.per_page,
    )  # fmt: skip
    lines = [_line(s) for s in page.requesters]
    return reply(ApiRequesterPage(lines, page.total, query.page, query.per_page))


async def put_requester(request: web.Request) -> web.StreamResponse:
    """Create a requester (`201`, `Location`), or bring the one with this address (their
    own or one of their other addresses) up to date (`200`): a detail given replaces
    theirs, one left out or empty leaves it. As `chatdesk requesters import` does one
    row; for putting them in an organisation, `POST /api/v1/organisations/{id}/members`."""
    body = await read_json(request, ApiRequesterUpsertIn)
    services = request.app[SERVICES]
    row = clean_row(ImportRow(body.email, body.name, body.phone, body.lang, note=body.note))
    requester, created = await services.helpdesk.importing.save_one(row)
    profile = await services.helpdesk.directory.profile(request[OPERATOR], requester.id)
    if not created:
        return reply(detail_of(profile))
    location = f"{API_PREFIX}/requesters/{requester.id}"
    return reply(detail_of(profile), status=201, headers={"Location": location})


async def get_requester(request: web.Request) -> web.StreamResponse:
    """One requester, with the sites they edit and whether they are blocked. Their
    tickets: `GET /api/v1/tickets?requester=<id>`."""
    directory = request.app[SERVICES].helpdesk.directory
    profile = await directory.profile(request[OPERATOR], request.match_info["requester_id"])
    return reply(detail_of(profile))


async def patch_requester(request: web.Request) -> web.StreamResponse:
    """Correct a requester's name or phone (for their next requests; tickets keep the
    name they were filed with), or the team's note on them. Answers the requester as
    `GET` does."""
    body = await read_json(request, ApiRequesterPatchIn)
    services = request.app[SERVICES]
    requester = await services.helpdesk.people.get(request.match_info["requester_id"])
    name = requester.name if isinstance(body.name, UnsetType) else body.name
    phone = requester.phone if isinstance(body.phone, UnsetType) else body.phone
    # Checked before anything is saved: a refusal changes nothing.
    note = None if isinstance(body.note, UnsetType) else clean_note(body.note)
    await services.helpdesk.people.update(requester, name=name, phone=phone)
    if note is not None:
        await services.helpdesk.people.set_note(requester, note)
    profile = await services.helpdesk.directory.profile(request[OPERATOR], requester.id)
    return reply(detail_of(profile))


def _line(summary: RequesterSummary) -> ApiRequester:
    r, last = summary.requester, summary.last_activity
    return ApiRequester(
        id=r.id,
        email=r.email,
        name=r.name,
        phone=r.phone,
        lang=r.lang,
        organisation=(
            ApiOrganisationRef(r.organisation_id, summary.organisation)
            if r.organisation_id
            else None
        ),
        org_role=r.org_role.value,
        created_at=format_ts(r.created_at),
        note=r.note,
        tickets=summary.tickets,
        active_tickets=summary.active,
        last_activity=format_ts(last) if last else None,
    )


def detail_of(profile: RequesterProfile) -> ApiRequesterDetail:
    """Return one requester as the API answers them."""
    # Its tickets come the last changed first (and only those the operator may see).
    last = profile.tickets[0].updated_at if profile.tickets else None
    org = profile.organisation
    line = _line(RequesterSummary(profile.requester, org.name if org else "", profile.total,
                                  profile.active, last))  # fmt: skip
    return ApiRequesterDetail(
        **msgspec.structs.asdict(line), sites=profile.sites, blocked=profile.blocked is not None,
        addresses=profile.addresses,
    )  # fmt: skip


async def merge_requester(request: web.Request) -> web.StreamResponse:
    """Merge this requester into another (one person with two records): the one kept
    takes their tickets, address and other addresses, organisation (if it has none) and
    note; this one is deleted. Answers the requester kept. `404 unknown_requester`, `409
    same_requester` or `other_organisation` (they belong to two organisations). On the
    audit log."""
    body = await read_json(request, ApiRequesterMergeIn)
    services = request.app[SERVICES]
    people = services.helpdesk.people
    source = await people.get(request.match_info["requester_id"])
    into = await (people.find(body.into) if "@" in body.into else people.get(body.into))
    merged = await services.privacy.merge(request[OPERATOR], source, into)
    profile = await services.helpdesk.directory.profile(request[OPERATOR], merged.id)
    return reply(detail_of(profile))


async def detach_address(request: web.Request) -> web.StreamResponse:
    """Make one of the requester's other addresses a requester of its own again, with
    the tickets filed from it; answers that new requester (`201`, `Location`). `404
    unknown_address` (not one of theirs), `400 invalid_email`. On the audit log."""
    body = await read_json(request, ApiRequesterDetachIn)
    services = request.app[SERVICES]
    requester = await services.helpdesk.people.get(request.match_info["requester_id"])
    detached = await services.privacy.detach(request[OPERATOR], requester, body.address)
    profile = await services.helpdesk.directory.profile(request[OPERATOR], detached.id)
    location = f"{API_PREFIX}/requesters/{detached.id}"
    return reply(detail_of(profile), status=201, headers={"Location": location})
