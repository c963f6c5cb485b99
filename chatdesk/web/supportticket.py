"""A ticket as its requester follows it (``/support/t/<token>``): thread, files, reply,
close, and the scanner-proof rating page."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web

from ..errors import ChatdeskError, TooLarge
from ..fields import shown_fields
from ..helpdesk.lifecycle import RATING_DAYS
from ..models import Requester, Status, Ticket
from ..wire import decode
from ..wire.support import CsrfForm, RateForm, ReplyForm
from .appkeys import EVENTS, SERVICES
from .forms import read_form
from .supportbase import check_csrf, render
from .supportform import megabytes, ticket_facts
from .supportlang import portal_lang, translator
from .supportupload import file_problems, read_posted, too_large_text

__all__ = ["file_download", "setup", "ticket_page_for"]

_ACTIVE = (Status.NEW, Status.OPEN)


async def _follow(request: web.Request) -> tuple[Ticket, Requester | None]:
    try:
        return await request.app[SERVICES].helpdesk.views.follow(request.match_info["token"])
    except ChatdeskError:
        raise web.HTTPNotFound() from None


async def ticket_page(request: web.Request) -> web.StreamResponse:
    """The ticket, its thread and files, and what its requester may do now."""
    try:
        ticket, requester = await _follow(request)
    except web.HTTPNotFound:
        return await _not_found(request)
    return await ticket_page_for(request, ticket, requester)


async def ticket_page_for(
    request: web.Request,
    ticket: Ticket,
    requester: Requester | None,
    *,
    lang: str = "",
    error: str = "",
    status: int = 200,
    template: str = "support/ticket.html",
    extra: dict[str, Any] | None = None,
    viewer: Requester | None = None,
) -> web.Response:
    """Render ``template`` about ``ticket`` as its requester reads it (its follow page,
    the rating page; an organisation admin's read-only copy, as ``viewer``)."""
    services = request.app[SERVICES]
    lang = lang or portal_lang(request)
    view = await services.helpdesk.views.requester_view(ticket)
    now = services.helpdesk.tickets.clock()
    done = ticket.resolved_at or ticket.closed_at
    rating_until = done + timedelta(days=RATING_DAYS) if done else None
    answered = any(m.get("author") == "operator" for m in view["messages"])
    merged = next(
        (e["data"].get("into") for e in view["events"] if e["kind"] == "merged_into"), None
    )
    phone = services.config.phone
    limits = services.config.helpdesk.attachments
    t = translator(lang, services.config.hours.timezone)
    max_file, max_ticket = megabytes(limits.max_file, t), megabytes(limits.max_ticket, t)
    context = {
        "token": request.match_info.get("token", ""),
        "ticket": ticket,
        "view": view,
        "facts": ticket_facts(services.config, ticket, lang, t),
        "fields": shown_fields(services.config.helpdesk.fields, view["fields"], lang),
        "requester": requester,
        "reply_by": ticket.due_at if ticket.status in _ACTIVE and not answered else None,
        "auto_close_at": ticket.auto_close_at,
        "merged_into": merged,
        "phone": phone if phone is not None and phone.shown_for(ticket.priority) else None,
        "can_rate": requester is not None
        and ticket.status in (Status.RESOLVED, Status.CLOSED)
        and rating_until is not None
        and now <= rating_until,
        "rating_until": rating_until,
        "error": error,
        "flash": {k: request.query[k] for k in ("filed", "sent", "closed", "rated", "followup")
                  if k in request.query},
        "follow_url": f"{request.url.origin()}/support/t/{request.match_info.get('token', '')}",
        # A resent form (a double click, a retry) carries the same id: stored once.
        "client_id": secrets.token_urlsafe(12),
        # The reply's files: the desk's limits, checked by the page's script before sending.
        "limits": {"max_file": limits.max_file, "max_ticket": limits.max_ticket,
                   "max_file_text": max_file, "max_ticket_text": max_ticket,
                   "help": t("attachments_help", max_file=max_file, max_ticket=max_ticket)},
        "typed": "",
        "had_files": False,
    } | (extra or {})  # fmt: skip
    viewer = viewer or requester
    return await render(request, template, context, status=status, lang=lang, viewer=viewer)


async def _not_found(request: web.Request) -> web.Response:
    return await render(request, "support/error.html", {"message": "err_not_found"}, status=404)


async def reply(request: web.Request) -> web.StreamResponse:
    """The requester's reply, with files; on a closed ticket it opens a follow-up."""
    ticket, requester = await _follow(request)
    services = request.app[SERVICES]
    filing = services.helpdesk.filing
    limits = services.config.helpdesk.attachments
    lang = portal_lang(request)
    t = translator(lang, services.config.hours.timezone)
    try:
        posted = await read_posted(request, max_file=limits.max_file, max_total=limits.max_ticket)
    except TooLarge:
        return await ticket_page_for(
            request, ticket, requester, error=too_large_text(filing, t), status=413
        )
    except ChatdeskError:
        return await ticket_page_for(
            request, ticket, requester, error=t("err_bad_form"), status=400
        )
    lang = portal_lang(request, posted.values.get("lang", ""))
    t = translator(lang, services.config.hours.timezone)
    # What the requester wrote comes back with the error (files cannot: the page says so).
    kept = {"typed": posted.values.get("text", ""), "had_files": bool(posted.files)}

    async def again(error: str, status: int) -> web.Response:
        return await ticket_page_for(
            request, ticket, requester, lang=lang, error=error, status=status, extra=kept
        )

    if requester is None or not check_csrf(request, posted.values.get("csrf", "")):
        return await again(t("err_csrf"), 403)
    try:
        form = decode(ReplyForm, posted.values, "reply")
    except ChatdeskError:
        return await again(t("err_bad_form"), 400)
    problems = file_problems(filing, posted.files, t)
    if problems:
        return await again(problems, 400)
    try:
        _, after, events = await services.helpdesk.tickets.reply(
            ticket.id, requester, form.text, client_id=form.client_id or None,
            attachments=posted.files,
        )  # fmt: skip
    except TooLarge:
        return await again(too_large_text(filing, t), 413)
    except ChatdeskError as exc:
        return await again(t("err_text") if exc.code == "text" else t("err_conflict"), exc.status)
    await request.app[EVENTS].publish(events)
    if after.id != ticket.id:
        token = services.helpdesk.links.token(after.id, after.requester_id)
        raise web.HTTPSeeOther(f"/support/t/{token}?followup={quote(ticket.label)}")
    raise web.HTTPSeeOther(f"{request.path.rpartition('/')[0]}?sent=1")


async def close(request: web.Request) -> web.StreamResponse:
    """The requester closes their own ticket."""
    ticket, requester = await _follow(request)
    form = await read_form(request, CsrfForm)
    services = request.app[SERVICES]
    lang = portal_lang(request, form.lang)
    if requester is None or not check_csrf(request, form.csrf):
        t = translator(lang, services.config.hours.timezone)
        return await ticket_page_for(
            request, ticket, requester, lang=lang, error=t("err_csrf"), status=403
        )
    if ticket.status is not Status.CLOSED:
        try:
            _, events = await services.helpdesk.tickets.requester_closed(requester, ticket.id)
        except ChatdeskError as exc:
            t = translator(lang, services.config.hours.timezone)
            error, status = t("err_conflict"), exc.status
            return await ticket_page_for(
                request, ticket, requester, lang=lang, error=error, status=status
            )
        await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther(f"{request.path.rpartition('/')[0]}?closed=1")


async def rate_page(request: web.Request) -> web.StreamResponse:
    """The rating chosen in an e-mail, shown with a button: only the POST records (mail
    scanners follow every link)."""
    try:
        ticket, requester = await _follow(request)
    except web.HTTPNotFound:
        return await _not_found(request)
    score = request.query.get("score", "")
    chosen = int(score) if score in ("1", "2", "3", "4", "5") else ticket.rating
    return await ticket_page_for(
        request, ticket, requester, template="support/rate.html", extra={"chosen": chosen}
    )


async def rate(request: web.Request) -> web.StreamResponse:
    """Record (or change) the requester's rating."""
    ticket, requester = await _follow(request)
    posted = await request.post()
    lang = portal_lang(request, str(posted.get("lang", "")))
    services = request.app[SERVICES]
    t = translator(lang, services.config.hours.timezone)
    if requester is None or not check_csrf(request, str(posted.get("csrf", ""))):
        return await ticket_page_for(
            request, ticket, requester, lang=lang, error=t("err_csrf"), status=403
        )
    try:
        form = decode(RateForm, {k: posted.get(k) for k in posted}, "rate")
        ticket, events = await services.helpdesk.tickets.requester_rated(
            requester, ticket.id, int(form.score), form.comment
        )
    except ChatdeskError as exc:
        error = t(f"err_{exc.code}") if exc.status == 409 else t("err_choice")
        return await ticket_page_for(
            request, ticket, requester, lang=lang, error=error, status=exc.status,
            template="support/rate.html", extra={"chosen": None},
        )  # fmt: skip
    await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther(f"{request.path.rpartition('/')[0]}?rated=1")


async def attachment(request: web.Request) -> web.StreamResponse:
    """A file of the ticket, for the follow link's holder: always a download."""
    views = request.app[SERVICES].helpdesk.views
    try:
        name, content_type, data = await views.attachment(
            request.match_info["file_id"], token=request.match_info["token"]
        )
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such file.") from None
    return file_download(name, content_type, data)


def file_download(name: str, content_type: str, data: bytes) -> web.Response:
    """Return a ticket's file as a download that never runs in the desk's origin."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return web.Response(
        body=data,
        content_type=content_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def setup(app: web.Application) -> None:
    """Add the follow-link routes to ``app``."""
    app.router.add_get("/support/t/{token}", ticket_page)
    app.router.add_post("/support/t/{token}/reply", reply)
    app.router.add_post("/support/t/{token}/close", close)
    app.router.add_get("/support/t/{token}/rate", rate_page)
    app.router.add_post("/support/t/{token}/rate", rate)
    app.router.add_get("/support/t/{token}/files/{file_id}", attachment)
