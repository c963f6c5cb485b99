"""A ticket list's query string, read into a validated ``tickets`` request and written
back in a canonical form (what a saved view keeps)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping

from ..errors import InvalidPayload
from ..wire import decode
from ..wire.console import TicketsIn

__all__ = ["canonical_query", "list_request", "read_query"]

#: The filters that take several values (``?status=open&status=new``).
_MANY = ("status", "type", "priority")
_ONE = ("view", "department", "assignee", "requester", "org", "problem", "tag", "q", "sort")
#: What a saved view keeps: a kind of ticket (a customer's organisation's too, or the
#: tickets about one problem), not a page nor a person.
_SAVED = ("view", *_MANY, "department", "assignee", "org", "problem", "tag", "q", "sort")


def read_query(query: MultiMapping[str]) -> TicketsIn:
    """Read a list's query string (``?view=mine&status=open&status=new&q=...``).

    :raises InvalidPayload: a filter out of its range.
    """
    data: dict[str, Any] = {}
    for name in _MANY:
        if values := [v for v in query.getall(name, []) if v]:
            data[name] = values
    for name in _ONE:
        if query.get(name):
            data[name] = query[name]
    if page := query.get("page"):
        if not page.isdigit() or len(page) > 6:
            raise InvalidPayload("page: a number from 1")
        data["page"] = int(page)
    return decode(TicketsIn, data, "tickets")


def list_request(request: web.Request) -> TicketsIn:
    """Read a console request's query string; a bad one is a 400."""
    try:
        return read_query(request.query)
    except InvalidPayload as exc:
        raise web.HTTPBadRequest(text=exc.message) from None


def canonical_query(wanted: TicketsIn) -> str:
    """Return the list's filters as a query string, in one order, defaults left out,
    without its page or requester (what a saved view keeps)."""
    default = TicketsIn()
    pairs: list[tuple[str, str]] = []
    for name in _SAVED:
        value = getattr(wanted, name)
        if value == getattr(default, name) and name != "view":
            continue
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, str(one)))
    return urlencode(pairs)
