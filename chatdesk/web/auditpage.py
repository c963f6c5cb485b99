"""The console's audit log (``/console/audit``, admins): what admins did to operators'
accounts and to requesters' personal data, newest first, a page at a time."""

from __future__ import annotations

from datetime import datetime

import aiohttp_jinja2
from aiohttp import web

from ..audit import PAGE
from ..models import format_ts, parse_ts
from .adminpages import admin_page
from .appkeys import SERVICES
from .auth import SESSION, login_required

__all__ = ["setup"]

_PAGE = "console/audit.html"


def _before(text: str) -> tuple[datetime, str] | None:
    """Read ``?before=TIME~ID`` (the last entry of the page before); None if absent or bad."""
    ts, _, entry_id = text.partition("~")
    if not entry_id or len(entry_id) > 64:
        return None
    try:
        return parse_ts(ts), entry_id
    except ValueError:
        return None


@login_required
async def audit_page(request: web.Request) -> web.StreamResponse:
    """A page of the audit log, with a link to the next (older) one."""
    context = await admin_page(request, _PAGE)
    if isinstance(context, web.Response):
        return context
    before = _before(request.query.get("before", "")[:100])
    audit = request.app[SERVICES].audit
    entries = await audit.page(request[SESSION].operator, before=before)
    last = entries[-1] if len(entries) == PAGE else None
    context |= {
        "entries": entries,
        "older": f"{format_ts(last.ts)}~{last.id}" if last else "",
        "paged": before is not None,
    }
    return aiohttp_jinja2.render_template(_PAGE, request, context)


def setup(app: web.Application) -> None:
    """Add the audit log's page (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/audit", audit_page)
