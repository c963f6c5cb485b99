"""The REST API /api/v1: its endpoints (served and documented from one table), handlers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

from aiohttp import web
from msgspec import UnsetType

from ..errors import InvalidPayload
from ..helpdesk import Edit, NewTicket, TicketFilter, Upload
from ..models import Operator, Status
from ..operators import normalize_email
from ..services import Services
from ..version import __version__
from ..wire import encode
from ..wire.api import (
    ApiFileIn,
    ApiMergeIn,
    ApiReplyIn,
    ApiSpamIn,
    ApiSplitIn,
    ApiTicketIn,
    ApiTicketPatchIn,
    ApiTicketQuery,
    ApiTimeQuery,
)
from ..wire.apiorgs import (
    ApiDomainIn,
    ApiDomainOut,
    ApiMemberIn,
    ApiOrganisation,
    ApiOrganisationIn,
    ApiOrganisationList,
    ApiOrganisationPatchIn,
)
from ..wire.apiorgs import ApiOrganisationMergeIn as _OrgMergeIn
from ..wire.apiout import (
    ApiDesk,
    ApiReply,
    ApiTicket,
    ApiTicketDetail,
    ApiTicketPage,
    ApiTimeReport,
)
from ..wire.apipeople import ApiRequesterDetachIn as _DetachIn
from ..wire.apipeople import (
    ApiRequesterDetail,
    ApiRequesterPage,
    ApiRequesterPatchIn,
    ApiRequesterQuery,
)
from ..wire.apipeople import ApiRequesterMergeIn as _MergeIn
from ..wire.apipeople import ApiRequesterUpsertIn as _RequesterIn
from ..wire.apiproblems import ApiLinkedReplyIn, ApiLinkedReplyOut, ApiProblemIn, ApiProblemLink
from .apiactions import mark_spam, merge_ticket, split_ticket
from .apiblocks import BLOCK_ENDPOINTS
from .apiextras import attachment, time_spent
from .apigate import (
    API_PREFIX,
    GATE,
    OPERATOR,
    Gate,
    api_errors,
    guarded,
    publish,
    read_json,
    read_query,
    reply,
)
from .apioperators import OPERATOR_ENDPOINTS
from .apiorgs import (
    add_domain,
    add_member,
    create_organisation,
    get_organisation,
    list_organisations,
    merge_organisation,
    patch_organisation,
    remove_domain,
    remove_member,
)
from .apiproblems import link_problem, reply_linked, unlink_problem
from .apirequesters import (
    detach_address,
    get_requester,
    list_requesters,
    merge_requester,
    patch_requester,
    put_requester,
)
from .apiviews import desk_out, detail_out, message_out, ticket_out
from .appkeys import SERVICES, SETTINGS
from .openapi import Endpoint, openapi_document

__all__ = ["ENDPOINTS", "OPENAPI", "setup"]

T = TypeVar("T")

OPENAPI = web.AppKey("api_openapi", bytes)
_DESCRIPTION = """\
The helpdesk's tickets for programs (docs/api.md). Every request but `GET /api/v1/desk`
and this document needs `Authorization: Bearer <token>` (`chatdesk tokens create
OPERATOR_EMAIL`) and acts with that operator's role: complaints are seen only by service
managers and admins. Bodies are JSON (`Content-Type: application/json`); files are sent
inline as `attachments: [{filename, content_base64}]`. Every error is
`{"error": {"code", "message", "field"?}}`."""


async def desk(request: web.Request) -> web.StreamResponse:
    """What a ticket can say: departments, types, priorities with their targets, custom
    fields, languages, file limits. No token needed."""
    return reply(desk_out(request.app[SERVICES].config))


async def create_ticket(request: web.Request) -> web.StreamResponse:
    """File a ticket on a requester's behalf (channel `api`; the desk's access policy
    does not apply to operators). `Location` names the new ticket."""
    body = await read_json(request, ApiTicketIn)
    new = NewTicket(
        email=body.requester.email,
        name=body.requester.name,
        phone=body.requester.phone,
        subject=body.subject,
        description=body.description,
        lang=body.lang or "",
        type=body.type,
        department=body.department,
        priority=body.priority,
        fields=body.fields,
        attachments=_uploads(body.attachments),
        cc=body.cc,
        channel="api",
    )
    ticket, events = await _services(request).helpdesk.filing.file(new, operator=request[OPERATOR])
    await publish(request, events)
    location = f"{API_PREFIX}/tickets/{ticket.id}"
    return reply(ticket_out(ticket), 201, headers={"Location": location})


async def list_tickets(request: web.Request) -> web.StreamResponse:
    """A page of the tickets this token's operator may see, filtered (every filter must
    match; `status` and `type` take comma-separated values), searched (`q`: every word
    as a prefix in the subject, description, messages and field values, ignoring case
    and accents) and sorted (`due`: the next due time first)."""
    query = read_query(request, ApiTicketQuery)
    operator = request[OPERATOR]
    wanted = TicketFilter(
        status=tuple(query.status.split(",")) if query.status else (),
        department=query.department,
        type=tuple(query.type.split(",")) if query.type else (),
        tag=query.tag,
        requester=query.requester,
        organisation=query.organisation,
        problem=query.problem,
        q=query.q,
        sort=query.sort,
        page=query.page,
        per_page=query.per_page,
    )
    if query.assignee == "me":
        wanted = _with(wanted, mine=True)
    elif query.assignee == "none":
        wanted = _with(wanted, unassigned=True)
    elif query.assignee is not None:
        wanted = _with(wanted, assignee=await _operator_id(request, query.assignee))
    page = await _services(request).helpdesk.views.list(operator, wanted)
    tickets = [ticket_out(t) for t in page.tickets]
    return reply(ApiTicketPage(tickets=tickets, total=page.total, page=query.page,
                               per_page=query.per_page))  # fmt: skip


async def get_ticket(request: web.Request) -> web.StreamResponse:
    """A ticket with its thread (public replies, internal notes, and the chat it came
    from), its files, its history and its SLA due times."""
    helpdesk, operator = _services(request).helpdesk, request[OPERATOR]
    ticket = await helpdesk.problems.problem(operator, _ref(request))
    detail = detail_out(await helpdesk.views.operator_view(operator, ticket.id))
    links = await helpdesk.problems.of(operator, ticket)
    detail.problem_id = links.problem.id if links.problem else None
    detail.linked_ids = [t.id for t in links.incidents]
    return reply(detail)


async def post_message(request: web.Request) -> web.StreamResponse:
    """Reply to the requester, or write an internal note (`internal: true`). The first
    public reply stops the first-response clock and opens a new ticket. 201; a retry with
    the same `client_id` returns the first message with 200."""
    body = await read_json(request, ApiReplyIn)
    message, ticket, events = await _services(request).helpdesk.tickets.reply(
        _ref(request),
        request[OPERATOR],
        body.text,
        internal=body.internal,
        client_id=body.client_id,
        attachments=_uploads(body.attachments),
        then=Status(body.status) if body.status else None,
        hold_until=body.hold_until or None,
        time_spent=body.time_spent_minutes,
    )
    await publish(request, events)
    answer = ApiReply(message=message_out(message), ticket=ticket_out(ticket))
    return reply(answer, 201 if events else 200)


async def patch_ticket(request: web.Request) -> web.StreamResponse:
    """Change a ticket's status, priority, department, assignee (an operator's id or
    e-mail; null unassigns), type, subject or custom fields. Each change is a history
    row; a status move the state machine forbids is 409 `invalid_transition`."""
    body = await read_json(request, ApiTicketPatchIn)
    assignee = None
    if isinstance(body.assignee, str):
        assignee = await _operator_id(request, body.assignee)
    edit = Edit(
        status=_given(body.status),
        priority=_given(body.priority),
        department=_given(body.department),
        assignee=assignee,
        unassign=body.assignee is None,
        type=_given(body.type),
        subject=_given(body.subject),
        fields=_given(body.fields),
        cc=_given(body.cc),
        tags=_given(body.tags),
        hold_until="" if body.hold_until is None else _given(body.hold_until),
    )
    operator = request[OPERATOR]
    ticket, events = await _services(request).helpdesk.tickets.change(operator, _ref(request), edit)
    await publish(request, events)
    return reply(ticket_out(ticket))


async def openapi(request: web.Request) -> web.StreamResponse:
    """This document: every endpoint, parameter, body, response and error."""
    return web.Response(body=request.app[OPENAPI], content_type="application/json")


_TICKET = f"{API_PREFIX}/tickets/{{ref}}"
_REQUESTER = f"{API_PREFIX}/requesters/{{requester_id}}"
_ORG = f"{API_PREFIX}/organisations/{{organisation_id}}"
_TICKET_LINKS = tuple(
    (operation, "ref", "$response.body#/id")
    for operation in ("getTicket", "updateTicket", "postMessage", "mergeTicket")
)
#: Every endpoint, once: the routes are added from it and the OpenAPI document made of it.
ENDPOINTS = (
    Endpoint("GET", f"{API_PREFIX}/desk", desk, "getDesk", "The desk's choices",
             response=ApiDesk, public=True),
    Endpoint("POST", f"{API_PREFIX}/tickets", create_ticket, "createTicket", "File a ticket",
             status=201, response=ApiTicket, body=ApiTicketIn, errors=(409, 422),
             headers=("Location",), links=_TICKET_LINKS),
    Endpoint("GET", f"{API_PREFIX}/tickets", list_tickets, "listTickets", "List tickets",
             response=ApiTicketPage, query=ApiTicketQuery),
    Endpoint("GET", _TICKET, get_ticket, "getTicket", "A ticket with its thread",
             response=ApiTicketDetail, errors=(404,)),
    Endpoint("PATCH", _TICKET, patch_ticket, "updateTicket", "Change a ticket",
             response=ApiTicket, body=ApiTicketPatchIn, errors=(404, 409, 422)),
    Endpoint("POST", f"{_TICKET}/messages", post_message, "postMessage",
             "Reply or write a note", status=201, response=ApiReply, body=ApiReplyIn,
             errors=(404, 409)),
    Endpoint("POST", f"{_TICKET}/merge", merge_ticket, "mergeTicket",
             "Merge into another ticket", response=ApiTicket, body=ApiMergeIn,
             errors=(404, 409)),
    Endpoint("POST", f"{_TICKET}/spam", mark_spam, "markSpam", "Mark as spam",
             response=ApiTicket, body=ApiSpamIn, errors=(404,)),
    Endpoint("POST", f"{_TICKET}/split", split_ticket, "splitTicket",
             "Split a requester's message into a new ticket", status=201,
             response=ApiTicket, body=ApiSplitIn, errors=(404, 409, 422),
             headers=("Location",), links=_TICKET_LINKS),
    Endpoint("PUT", f"{_TICKET}/problem", link_problem, "linkProblem",
             "Link to a problem ticket", response=ApiProblemLink, body=ApiProblemIn,
             errors=(404, 409)),
    Endpoint("DELETE", f"{_TICKET}/problem", unlink_problem, "unlinkProblem",
             "Unlink from its problem ticket", status=204, errors=(404,)),
    Endpoint("POST", f"{_TICKET}/linked-replies", reply_linked, "replyLinked",
             "Reply to every ticket linked to a problem", response=ApiLinkedReplyOut,
             body=ApiLinkedReplyIn, errors=(404,)),
    Endpoint("GET", f"{API_PREFIX}/requesters", list_requesters, "listRequesters",
             "Search the requesters", response=ApiRequesterPage, query=ApiRequesterQuery),
    Endpoint("POST", f"{API_PREFIX}/requesters", put_requester, "putRequester",
             "Create a requester, or bring one up to date", status=201,
             response=ApiRequesterDetail, body=_RequesterIn, headers=("Location",),
             also=(200, "Known already (by either address): brought up to date")),
    Endpoint("GET", _REQUESTER, get_requester, "getRequester", "A requester",
             response=ApiRequesterDetail, errors=(404,)),
    Endpoint("PATCH", _REQUESTER, patch_requester, "updateRequester",
             "Correct a requester's name or phone", response=ApiRequesterDetail,
             body=ApiRequesterPatchIn, errors=(404,)),
    Endpoint("POST", f"{_REQUESTER}/merge", merge_requester, "mergeRequester",
             "Merge into another requester (one person, two records)",
             response=ApiRequesterDetail, body=_MergeIn, errors=(404, 409)),
    Endpoint("POST", f"{_REQUESTER}/detach", detach_address, "detachAddress",
             "Make one of a requester's other addresses a requester of its own",
             status=201, response=ApiRequesterDetail, body=_DetachIn,
             errors=(404,), headers=("Location",)),
    Endpoint("GET", f"{API_PREFIX}/organisations", list_organisations, "listOrganisations",
             "The customer organisations (admins)", response=ApiOrganisationList,
             errors=(403,)),
    Endpoint("POST", f"{API_PREFIX}/organisations", create_organisation,
             "createOrganisation", "Create an organisation (admins)", status=201,
             response=ApiOrganisation, body=ApiOrganisationIn, errors=(403, 409),
             headers=("Location",)),
    Endpoint("GET", _ORG, get_organisation, "getOrganisation", "An organisation (admins)",
             response=ApiOrganisation, errors=(403, 404)),
    Endpoint("PATCH", _ORG, patch_organisation, "updateOrganisation",
             "Change an organisation's contract or caps (admins)", response=ApiOrganisation,
             body=ApiOrganisationPatchIn, errors=(403, 404)),
    Endpoint("POST", f"{_ORG}/merge", merge_organisation, "mergeOrganisation",
             "Merge into another organisation (admins)", response=ApiOrganisation,
             body=_OrgMergeIn, errors=(403, 404, 409)),
    Endpoint("POST", f"{_ORG}/members", add_member, "addMember",
             "Put someone in an organisation (admins)", status=201,
             response=ApiRequesterDetail, body=ApiMemberIn, errors=(403, 404, 409)),
    Endpoint("DELETE", f"{_ORG}/members/{{requester_id}}", remove_member, "removeMember",
             "Take a member out of an organisation (admins)", status=204,
             errors=(403, 404)),
    Endpoint("POST", f"{_ORG}/domains", add_domain, "addDomain",
             "Give an organisation an e-mail domain (admins)", status=201,
             response=ApiDomainOut, body=ApiDomainIn, errors=(403, 404, 409)),
    Endpoint("DELETE", f"{_ORG}/domains/{{domain}}", remove_domain, "removeDomain",
             "Take an e-mail domain from an organisation (admins)", status=204,
             errors=(403, 404)),
    Endpoint("GET", f"{API_PREFIX}/time", time_spent, "getTimeSpent",
             "Time spent per organisation, ticket and operator", response=ApiTimeReport,
             query=ApiTimeQuery, errors=(400,)),
    *BLOCK_ENDPOINTS,
    *OPERATOR_ENDPOINTS,
    Endpoint("GET", f"{API_PREFIX}/attachments/{{attachment_id}}", attachment,
             "getAttachment", "A file's bytes", errors=(404,)),
    Endpoint("GET", f"{API_PREFIX}/openapi.json", openapi, "getOpenApi",
             "This OpenAPI document", public=True),
)  # fmt: skip


def setup(app: web.Application) -> None:
    """Add the API's routes, its gate and its error middleware to ``app``."""
    settings = app[SETTINGS]
    services = app[SERVICES]
    limits = services.config.helpdesk.attachments
    app[GATE] = Gate(
        services.helpdesk.api_tokens,
        per_minute=settings.api_requests_per_minute,
        # Files arrive in base64 (4 bytes for 3) beside up to 1 MB of JSON.
        max_body=(limits.max_ticket + 2) // 3 * 4 + 1024**2,
        throttle=services.throttle,
    )
    document = openapi_document(
        ENDPOINTS, title="chatdesk API", version=__version__, description=_DESCRIPTION
    )
    app[OPENAPI] = encode(document)
    app.middlewares.append(api_errors)
    for endpoint in ENDPOINTS:
        handler = guarded(endpoint.handler, public=endpoint.public)
        app.router.add_route(endpoint.method, endpoint.path, handler, name=endpoint.name)


def _services(request: web.Request) -> Services:
    return request.app[SERVICES]


def _ref(request: web.Request) -> str:
    return request.match_info["ref"]


def _uploads(files: list[ApiFileIn]) -> list[Upload]:
    return [Upload(f.filename, f.content_base64) for f in files]


def _with(wanted: TicketFilter, **changes: Any) -> TicketFilter:
    return replace(wanted, **changes)


def _given(value: T | UnsetType) -> T | None:
    """Return a patch's value, or None (unchanged) when it was left out."""
    return None if isinstance(value, UnsetType) else value


async def _operator_id(request: web.Request, who: str) -> str:
    """Return the id of the operator named by id or e-mail (400 ``assignee`` if none)."""
    try:
        email: str | None = normalize_email(who)
    except InvalidPayload:
        email = None
    operators: list[Operator] = await _services(request).operators.list()
    for operator in operators:
        if operator.id == who or (email is not None and operator.email == email):
            return operator.id
    raise InvalidPayload(f"no operator {who[:80]!r}", code="assignee")
