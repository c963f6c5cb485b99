"""The REST API's reads beside tickets: a ticket's file's bytes, and the time spent per
organisation, ticket and operator (for invoicing)."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from aiohttp import web
from msgspec import UnsetType

from ..wire.api import ApiTimeQuery
from .apigate import OPERATOR, read_query, reply
from .apiviews import time_out
from .appkeys import SERVICES

__all__ = ["attachment", "time_spent"]


async def attachment(request: web.Request) -> web.StreamResponse:
    """A file's bytes (its type was read from its content when it was received)."""
    name, content_type, data = await request.app[SERVICES].helpdesk.views.attachment(
        request.match_info["attachment_id"], operator=request[OPERATOR]
    )
    return web.Response(
        body=data,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def time_spent(request: web.Request) -> web.StreamResponse:
    """The minutes operators recorded on tickets over a period of the desk's days (default:
    the last 30), a row per organisation, ticket and operator: what a monthly invoice
    needs. `400 period` for a period that ends before it starts or is over 366 days."""
    query = read_query(request, ApiTimeQuery)
    services = request.app[SERVICES]
    reports = services.helpdesk.reports
    start, end, rows = await reports.time_spent(
        request[OPERATOR], _given(query.start), _given(query.to)
    )
    organisations = await services.helpdesk.people.organisations()
    operators = await services.operators.list()
    return reply(time_out(start, end, rows, organisations, operators))


def _given(value: date | UnsetType) -> date | None:
    return None if isinstance(value, UnsetType) else value
