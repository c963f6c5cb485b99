"""A requester's page's record forms: merge another requester into this one (one person,
two records: ``POST /console/requesters/<id>/merge``) and detach one of their other
addresses again (``/detach``). Both are on the audit log; a refusal is said on the page
(``?merge_error=<code>``, only the codes it knows)."""

from __future__ import annotations

import logging

from aiohttp import web

from ..errors import ChatdeskError
from ..wire.forms import RequesterDetachForm, RequesterMergeForm
from .appkeys import SERVICES
from .auth import SESSION, check_csrf, login_required
from .forms import read_form

__all__ = ["MERGE_ERRORS", "setup"]

log = logging.getLogger(__name__)

#: The refusals the page says (``?merge_error=<code>``: ``req_merge_error_<code>``).
MERGE_ERRORS = frozenset(
    {"unknown_requester", "same_requester", "other_organisation", "invalid_email",
     "unknown_address"}
)  # fmt: skip


def _back(requester_id: str, *, done: str = "", error: str = "") -> web.HTTPSeeOther:
    query = f"?merge_error={error}" if error else f"?done={done}"
    return web.HTTPSeeOther(f"/console/requesters/{requester_id}{query}#req-addresses-h")


@login_required
async def merge(request: web.Request) -> web.StreamResponse:
    """Merge the requester whose address the form names into this one; back to this
    one's page."""
    session = request[SESSION]
    form = await read_form(request, RequesterMergeForm)
    check_csrf(session.csrf, form.csrf)
    services = request.app[SERVICES]
    people = services.helpdesk.people
    try:
        into = await people.get(request.match_info["requester_id"])
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such requester.") from None
    try:
        source = await people.find(form.email)
        await services.privacy.merge(session.operator, source, into)
    except ChatdeskError as exc:
        code = exc.code if exc.code in MERGE_ERRORS else "unknown_requester"
        raise _back(into.id, error=code) from None
    log.info("operator %s merged requester %s into %s", session.operator.id, source.id, into.id)
    raise _back(into.id, done="merged")


@login_required
async def detach(request: web.Request) -> web.StreamResponse:
    """Make one of this requester's other addresses a requester of its own again; back
    to this one's page."""
    session = request[SESSION]
    form = await read_form(request, RequesterDetachForm)
    check_csrf(session.csrf, form.csrf)
    services = request.app[SERVICES]
    try:
        requester = await services.helpdesk.people.get(request.match_info["requester_id"])
    except ChatdeskError:
        raise web.HTTPNotFound(text="No such requester.") from None
    try:
        await services.privacy.detach(session.operator, requester, form.address)
    except ChatdeskError as exc:
        code = exc.code if exc.code in MERGE_ERRORS else "unknown_address"
        raise _back(requester.id, error=code) from None
    raise _back(requester.id, done="detached")


def setup(app: web.Application) -> None:
    """Add the routes (before the console's catch-all ``/console/{view}``)."""
    app.router.add_post("/console/requesters/{requester_id}/merge", merge)
    app.router.add_post("/console/requesters/{requester_id}/detach", detach)
