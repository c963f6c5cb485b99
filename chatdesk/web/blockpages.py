"""The console's block list (``/console/blocked``, admins): the addresses and domains the
desk takes nothing from, with what each stopped, a form to add one, and unblocking; and
the chat visitors operators blocked, for now, each block liftable."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import ChatdeskError
from ..events import Event
from ..models import Operator
from ..wire.admin import BlockAddForm, BlockRemoveForm, VisitorLiftForm
from ..wire.forms import TicketSpamForm
from .adminpages import PageError, admin_page, read_admin_form, render_admin
from .appkeys import EVENTS, SERVICES
from .auth import SESSION, login_required
from .tickets import ticket_form

__all__ = ["setup"]

_PAGE = "console/blocked.html"
_FORMS: dict[str, type[Any]] = {
    "block": BlockAddForm,
    "unblock": BlockRemoveForm,
    "lift": VisitorLiftForm,
}
#: The page's text for each refusal of the service.
_ERRORS = {
    "invalid_pattern": "blocked_err_pattern",
    "already_blocked": "blocked_err_already",
    "not_blocked": "blocked_err_not",
    "note_too_long": "blocked_err_note",
}


@login_required
async def blocked_page(request: web.Request) -> web.StreamResponse:
    """The list; a block or an unblock posted back to the page (then shown, 303)."""
    context = await admin_page(request, _PAGE)
    if isinstance(context, web.Response):
        return context
    services = request.app[SERVICES]
    operator = request[SESSION].operator
    error: PageError | None = None
    if request.method == "POST":
        form: Any = None
        try:
            form = await read_admin_form(request, _FORMS)
            if isinstance(form, BlockAddForm):
                entry = await services.spam.block(operator, form.pattern, form.note)
                raise web.HTTPSeeOther(f"/console/blocked?added={entry.pattern}")
            if isinstance(form, VisitorLiftForm):
                events = await services.routing.unblock(operator, form.conversation_id)
                await request.app[EVENTS].publish(events)
                raise web.HTTPSeeOther("/console/blocked?lifted=1")
            pattern = await services.spam.unblock(operator, form.pattern)
            raise web.HTTPSeeOther(f"/console/blocked?removed={pattern}")
        except PageError as exc:
            error = exc
        except ChatdeskError as exc:
            error = PageError(_ERRORS.get(exc.code, "err_form"), getattr(form, "pattern", ""))
            context["form"] = form
    entries = await services.spam.entries(operator)
    # What the redirect names is said only if the list agrees (a link cannot make the
    # page claim anything).
    patterns = {e.pattern for e in entries}
    added, removed = request.query.get("added", ""), request.query.get("removed", "")
    context |= {
        "entries": entries,
        "visitors": await services.spam.visitors(operator),
        "lifted": error is None and request.query.get("lifted") == "1",
        "names": {o.id: o.name for o in await services.operators.list()},
        "added": added if error is None and added in patterns else "",
        "removed": removed if error is None and removed and removed not in patterns else "",
    }
    return render_admin(request, _PAGE, context, error)


@login_required
async def mark_spam(request: web.Request) -> web.StreamResponse:
    """Mark a ticket as spam (any operator who may see it), its sender blocked if
    asked; back to its page."""
    spam = request.app[SERVICES].spam

    async def act(operator: Operator, ref: str, form: TicketSpamForm) -> tuple[str, list[Event]]:
        marked = await spam.mark(operator, ref, block=form.block == "1")
        return marked.ticket.id, marked.events

    return await ticket_form(request, TicketSpamForm, act)


def setup(app: web.Application) -> None:
    """Add the block list page and the ticket page's spam form (before the console's
    catch-all ``/console/{view}``)."""
    app.router.add_get("/console/blocked", blocked_page)
    app.router.add_post("/console/blocked", blocked_page)
    app.router.add_post("/console/t/{ref}/spam", mark_spam)
