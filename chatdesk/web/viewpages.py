"""``POST /console/views`` and ``/console/views/<id>/delete``: operators save the ticket
list they are looking at under a name (an admin may share it with everyone), and find it
again among the list's views."""

from __future__ import annotations

import contextlib
import logging
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDict

from ..errors import ChatdeskError, InvalidPayload
from ..wire.console import TicketsIn
from ..wire.forms import LogoutForm, SavedViewForm
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .forms import read_form
from .ticketquery import canonical_query, read_query

__all__ = ["setup", "views_context"]

log = logging.getLogger(__name__)


async def views_context(request: web.Request, wanted: TicketsIn) -> dict[str, Any]:
    """What a ticket list shows of saved views: the operator's and the shared ones, the
    one open (``?saved=<id>``, while its filters are the page's), and this list's filters
    as a view would keep them."""
    operator = request[SESSION].operator
    views = await request.app[SERVICES].helpdesk.saved_views.visible(operator)
    query = canonical_query(wanted)
    opened = request.query.get("saved", "")
    current = next((v for v in views if v.id == opened and v.query == query), None)
    lists = []
    for view in views:
        with contextlib.suppress(InvalidPayload):  # a view saved before a filter's rule
            lists.append((view.id, read_query(MultiDict(parse_qsl(view.query)))))
    return {
        "saved_views": views,
        # How many tickets each holds now (as this operator sees them).
        "view_counts": await request.app[SERVICES].helpdesk.console.view_counts(operator, lists),
        "current_view": current,
        "view_query": query,
        "view_deleted": request.query.get("deleted_view") == "1",
        "may_delete_view": current is not None
        and (current.owner_id == operator.id or operator.is_admin),
    }


@login_required
async def save_view(request: web.Request) -> web.StreamResponse:
    """Save the list; then to it, as the saved view (303). Refused: 400 / 403 / 409."""
    form = await read_form(request, SavedViewForm)
    session = request[SESSION]
    check_csrf(session.csrf, form.csrf)
    try:
        wanted = read_query(MultiDict(parse_qsl(form.query)))
        view = await request.app[SERVICES].helpdesk.saved_views.save(
            session.operator, form.name, canonical_query(wanted), shared=form.shared == "1"
        )
    except ChatdeskError as exc:
        raise _refused(exc) from None
    log.info("operator %s saved the view %s", session.operator.id, view.id)
    raise web.HTTPSeeOther(f"/console/tickets?{view.query}&saved={view.id}")


@login_required
async def delete_view(request: web.Request) -> web.StreamResponse:
    """Delete a view (its author's, or an admin's for a shared one); then to the open
    tickets (303). Refused: 403 / 404."""
    form = await read_form(request, LogoutForm)
    session = request[SESSION]
    check_csrf(session.csrf, form.csrf)
    try:
        await request.app[SERVICES].helpdesk.saved_views.delete(
            session.operator, request.match_info["view_id"]
        )
    except ChatdeskError as exc:
        raise _refused(exc) from None
    raise web.HTTPSeeOther("/console/tickets?deleted_view=1")


def _refused(exc: ChatdeskError) -> web.HTTPException:
    kind = {403: web.HTTPForbidden, 404: web.HTTPNotFound, 409: web.HTTPConflict}
    if isinstance(exc, InvalidPayload):
        return web.HTTPBadRequest(text=exc.message)
    return kind.get(exc.status, web.HTTPBadRequest)(text=exc.message)


def setup(app: web.Application) -> None:
    """Add the saved views' routes (before the console's catch-all ``/console/{view}``)."""
    app.router.add_post("/console/views", save_view)
    app.router.add_post("/console/views/{view_id}/delete", delete_view)
