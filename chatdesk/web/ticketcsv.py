"""``GET /console/tickets.csv``: the tickets of a console view, with its filters, as a
spreadsheet (every page, up to :data:`EXPORT_MAX` tickets)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from ..helpdesk.console import request_filter
from ..models import Ticket
from .appkeys import SERVICES
from .auth import SESSION, login_required
from .console import base_context
from .reports import csv_download
from .ticketquery import list_request

__all__ = ["EXPORT_MAX", "setup"]

#: Tickets in one export, at most (a list's filters narrow a bigger one).
EXPORT_MAX = 10_000
_PAGE = 100


@login_required
async def tickets_csv(request: web.Request) -> web.StreamResponse:
    """The view's tickets as CSV: the same filters and order as the list page."""
    wanted = list_request(request)
    services = request.app[SERVICES]
    filters = replace(request_filter(wanted), page=1)
    tickets: list[Ticket] = []
    for page in range(1, EXPORT_MAX // _PAGE + 1):
        found = await services.helpdesk.views.list(
            request[SESSION].operator, replace(filters, page=page, per_page=_PAGE)
        )
        tickets += found.tickets
        if len(tickets) >= found.total or not found.tickets:
            break
    context = await base_context(request)
    names = {o.id: o.name for o in await services.operators.list()}
    zone = services.config.hours.timezone
    rows = _rows(tickets, context["t"], context["dept"], names, zone)
    return csv_download(f"chatdesk-tickets-{wanted.view}.csv", rows)


def _rows(
    tickets: list[Ticket],
    t: Callable[..., str],
    dept: Callable[[str], str],
    names: dict[str, str],
    zone: ZoneInfo,
) -> Iterator[list[object]]:
    def when(at: datetime | None) -> str:
        # Sortable, in the desk's time: a spreadsheet orders and filters on it.
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""

    yield [t(k) for k in ("csv_number", "subject", "status", "priority", "type", "department",
                          "requester", "email", "assignee", "tags", "csv_created",
                          "csv_updated", "csv_next_due")]  # fmt: skip
    for tk in tickets:
        yield [
            tk.label, tk.subject, t(f"ticket_{tk.status.value}"), t(f"priority_{tk.priority}"),
            t(f"type_{tk.type.value}"), dept(tk.department), tk.requester_name,
            tk.requester_email, names.get(tk.operator_id or "", ""), ", ".join(sorted(tk.tags)),
            when(tk.created_at), when(tk.updated_at), when(tk.next_due),
        ]  # fmt: skip


def setup(app: web.Application) -> None:
    """Add the export (before the console's catch-all ``/console/{view}``)."""
    app.router.add_get("/console/tickets.csv", tickets_csv)
