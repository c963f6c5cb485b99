"""The console's *New ticket* page: an operator files a ticket on a requester's behalf (a
phone call, a mail received in another mailbox), as ``POST /api/v1/tickets`` does. The
requester gets the acknowledgement with the number and the follow link."""

from __future__ import annotations

import re

import aiohttp_jinja2
from aiohttp import web

from ..errors import ChatdeskError, InvalidFields, InvalidPayload
from ..helpdesk import NewTicket
from ..wire import decode
from ..wire.forms import NewTicketForm
from .appkeys import EVENTS, SERVICES
from .auth import SESSION, check_csrf, login_required
from .console import base_context

__all__ = ["setup"]

_PAGE = "console/newticket.html"
_FIELD = "field:"
_PREFILL = ("email", "name", "phone", "lang")


@login_required
async def new_ticket(request: web.Request) -> web.StreamResponse:
    """The form (GET); file the ticket and open it (POST), or show the form again with
    what was typed and why it was refused."""
    services = request.app[SERVICES]
    config = services.config
    context = await base_context(request) | {
        "view": "tickets",
        "types": [t.value for t in config.helpdesk.types],
        "priorities": list(config.helpdesk.offered),
        "custom_fields": config.helpdesk.fields,
        "values": {},
        "errors": [],
    }
    if request.method != "POST":
        # From a requester's panel: their details filled in (only shown, checked on POST).
        context["values"] = {k: request.query[k][:254] for k in _PREFILL if k in request.query}
        return aiohttp_jinja2.render_template(_PAGE, request, context)
    posted = await request.post()
    check_csrf(request[SESSION].csrf, posted.get("csrf"))
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf"}
    fields = {k[len(_FIELD) :]: v.strip() for k, v in values.items() if k.startswith(_FIELD)}
    context["values"] = values
    try:
        form = decode(
            NewTicketForm,
            {k: v for k, v in values.items() if not k.startswith(_FIELD)} | {"csrf": ""},
            request.path,
        )
        outbound = form.channel == "outbound"
        if outbound and not form.description.strip():
            raise InvalidPayload("write the message to send", code="text")
        new = NewTicket(
            email=form.email, name=form.name, phone=form.phone, subject=form.subject,
            description="" if outbound else form.description, lang=form.lang,
            type=form.type or None, department=form.department or None,
            priority=form.priority or None, fields={k: v for k, v in fields.items() if v},
            channel="email" if outbound else form.channel,
            cc=[a for a in re.split(r"[\s,;]+", form.cc) if a], outbound=outbound,
        )  # fmt: skip
        operator = request[SESSION].operator
        ticket, events = await services.helpdesk.filing.file(new, operator=operator)
        if outbound:
            # Their first mail is this message, as a reply: the thread starts with it.
            _, ticket, replied = await services.helpdesk.tickets.reply(
                ticket.id, operator, form.description
            )
            events += replied
    except InvalidFields as exc:
        labels = {
            f.id: f.label.get(context["lang"]) or f.label.get("en") for f in config.helpdesk.fields
        }
        context["errors"] = [
            f"{labels.get(k) or k}{context['colon']} {m}" for k, m in exc.fields.items()
        ]
        return aiohttp_jinja2.render_template(_PAGE, request, context, status=422)
    except ChatdeskError as exc:
        if exc.status >= 500:
            raise
        context["errors"] = [exc.message]
        return aiohttp_jinja2.render_template(_PAGE, request, context, status=exc.status)
    await request.app[EVENTS].publish(events)
    raise web.HTTPSeeOther(f"/console/t/{ticket.id}")


def setup(app: web.Application) -> None:
    """Add the page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_route("*", "/console/tickets/new", new_ticket)
