"""The console's ticket pages: views with filters, a ticket with its thread, replies with
files (multipart), and files served to operators who may see their ticket."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp_jinja2
import msgspec
from aiohttp import BodyPartReader, web

from ..errors import ChatdeskError, InvalidPayload, TooLarge
from ..events import Event
from ..helpdesk import Upload, ticket_summary, view_filter
from ..helpdesk.console import request_filter
from ..models import Operator, Status, TicketType, format_ts
from ..systemtexts import format_day
from ..wire import decode, encode
from ..wire.forms import TicketFollowForm, TicketReplyForm, TicketSplitForm
from .appkeys import EVENTS, SERVICES
from .auth import SESSION, check_csrf, login_required
from .console import base_context
from .consolelang import console_lang
from .forms import read_form
from .problempages import LINK_ERRORS
from .ticketanswers import answers_context, question_of
from .ticketquery import list_request
from .viewpages import views_context

__all__ = ["setup", "ticket_form"]

#: A ticket page's posted form (a wire struct with a ``csrf`` field).
F = TypeVar("F", bound=msgspec.Struct)

#: Most files one reply carries.
MAX_FILES = 10
_VIEWS = ("unassigned", "mine", "open", "pending", "following", "breaching", "all")


async def _desk_choices(request: web.Request) -> dict[str, Any]:
    """What the filter and edit forms offer."""
    services = request.app[SERVICES]
    assignees = await services.helpdesk.console.assignees()
    now, lang = services.helpdesk.console.clock(), console_lang(request)
    zone = services.config.hours.timezone
    return {
        "assignees": assignees,
        # Out of office: the menus say until when (their mail goes to a colleague).
        "away_days": {
            o.id: format_day(o.away_until, lang, zone)
            for o in assignees
            if o.away_until and o.away(now)
        },
        "names": {o.id: o.name for o in assignees},
        "types": [t.value for t in services.config.helpdesk.types],
        "all_types": [t.value for t in TicketType],
        "priorities": list(services.config.helpdesk.offered),
        "statuses": [s.value for s in Status],
        "custom_fields": services.config.helpdesk.fields,
    }


@login_required
async def ticket_list(request: web.Request) -> web.StreamResponse:
    """A ticket view (unassigned, mine, all open, pending, breaching soon, all) with
    filters, full-text search, sort and pages."""
    wanted = list_request(request)
    services = request.app[SERVICES]
    try:
        filters = request_filter(wanted)
        page = await services.helpdesk.views.list(request[SESSION].operator, filters)
    except InvalidPayload as exc:
        raise web.HTTPBadRequest(text=exc.message) from None
    if wanted.q.strip().startswith("#") and len(page.tickets) == page.total == 1:
        # "#000123" typed in the search: straight to that ticket.
        raise web.HTTPSeeOther(f"/console/t/{page.tickets[0].id}")
    pages = max(1, -(-page.total // filters.per_page))
    badges = await services.helpdesk.problems.badges(request[SESSION].operator, page.tickets)
    try:
        requester = (
            await services.helpdesk.people.get(wanted.requester) if wanted.requester else None
        )
        organisation = (
            await services.helpdesk.people.organisation(wanted.org) if wanted.org else None
        )
        problem = (
            await services.helpdesk.problems.problem(request[SESSION].operator, wanted.problem)
            if wanted.problem
            else None
        )
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such requester, organisation or ticket.") from None
    context = (
        await base_context(request)
        | await _desk_choices(request)
        | {
            "view": "tickets",
            "tview": wanted.view,
            "views": _VIEWS,
            "wanted": wanted,
            "requester": requester,
            "organisation": organisation,
            "problem": problem,
            "without_problem": str(request.rel_url.without_query_params("problem", "page")),
            "without_requester": str(request.rel_url.without_query_params("requester", "page")),
            "without_org": str(request.rel_url.without_query_params("org", "page")),
            "without_tag": str(request.rel_url.without_query_params("tag", "page")),
            # The export takes the view's filters, every page.
            "csv_query": request.rel_url.without_query_params("page").query_string,
            "tickets": [ticket_summary(t) | badges.get(t.id, {}) for t in page.tickets],
            "total": page.total,
            "pages": pages,
            "page_url": lambda n: str(request.rel_url.update_query(page=n)),
            "now": format_ts(services.helpdesk.console.clock()),
        }
        | await views_context(request, wanted)
    )
    return aiohttp_jinja2.render_template("console/tickets.html", request, context)


async def _other_tickets(request: web.Request, ticket: dict[str, Any]) -> dict[str, Any] | None:
    """The requester's other tickets the operator may see: the five last changed, and
    how many in all (the requester panel links to the whole list)."""
    requester_id = ticket["requester"]["id"]
    if not requester_id:
        return None
    wanted = view_filter("all", requester=requester_id, sort="updated")
    found = await request.app[SERVICES].helpdesk.views.list(request[SESSION].operator, wanted)
    others = [ticket_summary(t) for t in found.tickets if t.id != ticket["id"]]
    return {"recent": others[:5], "total": found.total - (len(found.tickets) - len(others))}


def _timeline(page: dict[str, Any]) -> list[dict[str, Any]]:
    """The thread and the history in one list by time; at one instant the filing first,
    then messages, then the changes they caused."""
    items = [{"item": "message", **m} for m in page["messages"]]
    items += [{"item": "event", **e} for e in page["events"]]
    rank = {"created": 0, "message": 1}
    return sorted(items, key=lambda i: (i["ts"], rank.get(i.get("kind") or i["item"], 2)))


def _people(page: dict[str, Any]) -> dict[str, str]:
    """The names of the people who wrote on the ticket, by id: the requester, colleagues
    and people in Cc (the history names them as it names operators)."""
    people = {
        str(m["author_id"]): str(m["author_name"])
        for m in page["messages"]
        if m.get("author") == "requester" and m.get("author_id") and m.get("author_name")
    }
    requester = page.get("requester")
    if requester and requester.get("name"):
        people[requester["id"]] = requester["name"]
    return people


@login_required
async def ticket_page(request: web.Request) -> web.StreamResponse:
    """One ticket: thread, reply box, fields, SLA countdowns, requester, merge."""
    services = request.app[SERVICES]
    try:
        page = await services.helpdesk.console.page(
            request[SESSION].operator, request.match_info["ref"]
        )
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such ticket.") from None
    files: dict[str | None, list[dict[str, Any]]] = {}
    for attachment in page["attachments"]:
        files.setdefault(attachment["message_id"], []).append(attachment)
    choices = await _desk_choices(request)
    others = await _other_tickets(request, page["ticket"])
    if page["ticket"]["priority"] not in choices["priorities"]:
        # Filed before the desk stopped offering it: keep it choosable, not silently changed.
        choices["priorities"] = [*choices["priorities"], page["ticket"]["priority"]]
    context = (
        await base_context(request)
        | choices
        | {
            "view": "tickets",
            "p": page,
            "tk": page["ticket"],
            "timeline": _timeline(page),
            "people": _people(page),
            "files": files,
            "others": others,
            # What met the first-response target: a person's reply, or the desk's
            # registration notice (``first_response = "registration_notice"``).
            "sla_met": "sla_registered"
            if services.config.helpdesk.first_response == "registration_notice"
            else "answered",
            # A form's or an e-mail's description is also the thread's first message:
            # shown once. Apart only when it is not in the thread (a chat's summary).
            "description": _description_apart(page),
            # The messages a split may take (helpdesk.split.splittable, on the payloads).
            "split_choices": [
                m
                for m in page["messages"]
                if m.get("source") == "ticket" and m["author"] == "requester" and not m["internal"]
            ],
            "signed_out": request.query.get("done") == "signed_out",
            # Only the panel's known refusals are said (a link cannot make the page talk).
            "link_error": LINK_ERRORS.get(request.query.get("link_error", ""), ""),
            "blocked": await services.helpdesk.blocks.find(
                page["ticket"]["requester"]["email"] or ""
            ),
        }
        | await answers_context(
            request,
            question=question_of(page),
            lang=page["ticket"]["lang"],
            action=f"/console/t/{page['ticket']['id']}",
        )
    )
    return aiohttp_jinja2.render_template("console/ticket.html", request, context)


def _description_apart(page: dict[str, Any]) -> str:
    description: str = page.get("description") or ""
    if any(m.get("text") == description for m in page["messages"]):
        return ""
    return description


async def _read_reply(request: web.Request) -> tuple[dict[str, str], list[Upload]]:
    """Read a multipart reply: its text fields and files, within the desk's limits."""
    limits = request.app[SERVICES].config.helpdesk.attachments
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    total = 0
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        raise InvalidPayload("send the reply as multipart/form-data") from None
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or not part.name:
            raise InvalidPayload("unexpected part in the form")
        if part.filename is None:
            value = await part.read(decode=True)
            if len(value) > 100_000 or part.name in fields or len(fields) > 10:
                raise InvalidPayload(f"`{part.name[:40]}` is not a field of this form")
            fields[part.name] = value.decode("utf-8", errors="replace")
            continue
        data = bytearray()
        while chunk := await part.read_chunk(64 * 1024):
            data += chunk
            total += len(chunk)
            if len(data) > limits.max_file or total > limits.max_ticket:
                raise TooLarge("a file is larger than the desk accepts")
        if part.filename or data:  # an empty file input sends a nameless, empty part
            uploads.append(Upload(part.filename, bytes(data)))
        if len(uploads) > MAX_FILES:
            raise InvalidPayload(f"at most {MAX_FILES} files at once", code="too_many_files")
    return fields, uploads


@login_required
async def reply(request: web.Request) -> web.StreamResponse:
    """Post a reply or an internal note with files; JSON for console.js, else back to
    the ticket's page."""
    session = request[SESSION]
    ref = request.match_info["ref"]
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        fields, uploads = await _read_reply(request)
        check_csrf(session.csrf, fields.get("csrf"))
        form = decode(TicketReplyForm, fields, "reply")
        helpdesk = request.app[SERVICES].helpdesk
        internal, then = form.internal in ("on", "1"), Status(form.status) if form.status else None
        message, ticket, events = await helpdesk.tickets.reply(
            ref, session.operator, form.text, internal=internal,
            client_id=form.client_id, attachments=uploads, then=then,
            tags=[t for t in form.tags.split(",") if t.strip()],
            hold_until=form.hold_until or None, time_spent=int(form.time_spent_minutes or 0),
        )  # fmt: skip
        linked = None
        if form.linked in ("on", "1") and not internal:
            # The same words to every ticket about this problem (each told by mail).
            linked, news = await helpdesk.problems.reply_linked(
                session.operator, ticket, form.text, then=then,
                hold_until=form.hold_until or None, attachments=uploads, client_id=form.client_id,
            )  # fmt: skip
            events += news
    except ChatdeskError as exc:
        if not wants_json:
            raise web.HTTPBadRequest(text=exc.message) from None
        return web.Response(
            body=encode({"ok": False, "error": exc.to_payload()}),
            status=exc.status,
            content_type="application/json",
        )
    await request.app[EVENTS].publish(events)
    if not wants_json:
        raise web.HTTPSeeOther(f"/console/t/{ticket.id}")
    payload: dict[str, Any] = {
        "ok": True,
        "message": {"source": "ticket", **message.to_payload()},
        "ticket": ticket_summary(ticket),
    }
    if linked is not None:
        payload["linked"] = {
            "sent": [t.label for t in linked.sent],
            "refused": {t.label: why for t, why in linked.refused},
        }
    return web.Response(body=encode(payload), content_type="application/json")


async def ticket_form(
    request: web.Request,
    kind: type[F],
    act: Callable[[Operator, str, F], Awaitable[tuple[str, list[Event]]]],
) -> web.StreamResponse:
    """Do what a ticket page's form posts: its CSRF token checked (403), the form read
    as ``kind`` (400), ``act(operator, ref, form)`` done (its refusal a 400), its events
    published; then to the page of the ticket ``act`` names."""
    session = request[SESSION]
    form = await read_form(request, kind)
    check_csrf(session.csrf, getattr(form, "csrf", None))
    try:
        ticket_id, events = await act(session.operator, request.match_info["ref"], form)
    except ChatdeskError as exc:
        raise web.HTTPBadRequest(text=exc.message) from None
    await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther(f"/console/t/{ticket_id}")


@login_required
async def follow(request: web.Request) -> web.StreamResponse:
    """Follow a ticket, or stop; back to its page."""
    console = request.app[SERVICES].helpdesk.console

    async def act(operator: Operator, ref: str, form: TicketFollowForm) -> tuple[str, list[Event]]:
        return await console.follow(operator, ref, on=form.on == "1"), []

    return await ticket_form(request, TicketFollowForm, act)


@login_required
async def split(request: web.Request) -> web.StreamResponse:
    """Split a requester's message into a new ticket; to the new ticket's page."""
    splitter = request.app[SERVICES].helpdesk.split

    async def act(operator: Operator, ref: str, form: TicketSplitForm) -> tuple[str, list[Event]]:
        ticket, events = await splitter.split(operator, ref, form.message, form.subject)
        return ticket.id, events

    return await ticket_form(request, TicketSplitForm, act)


@login_required
async def attachment(request: web.Request) -> web.StreamResponse:
    """Serve a ticket's file to an operator who may see the ticket, as a download."""
    try:
        name, content_type, data = await request.app[SERVICES].helpdesk.views.attachment(
            request.match_info["attachment_id"], operator=request[SESSION].operator
        )
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such file.") from None
    return web.Response(
        body=data,
        content_type=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def setup(app: web.Application) -> None:
    """Add the ticket routes (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/tickets", ticket_list)
    app.router.add_get("/console/t/{ref}", ticket_page)
    app.router.add_post("/console/t/{ref}/reply", reply)
    app.router.add_post("/console/t/{ref}/follow", follow)
    app.router.add_post("/console/t/{ref}/split", split)
    app.router.add_get("/console/files/{attachment_id}", attachment)
