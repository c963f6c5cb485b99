"""The ticket page's answers panel: the help centre's entries for what the requester asks,
or for the operator's own search (``?kb=``, the panel's form without a script), to quote
in a reply (docs/operators.md, "Answers from the help centre")."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import RateLimited
from ..helpcentre import MAX_QUERY
from .appkeys import SERVICES, SETTINGS
from .auth import SESSION
from .public import site_origin

__all__ = ["answers_context", "question_of"]

#: Who wrote what the requester asks: in a ticket's thread, and in a chat merged into it.
_ASKERS = ("requester", "visitor")


def question_of(page: dict[str, Any]) -> str:
    """Return what the requester asks on a ticket page: its subject and their latest
    public message (an e-mail's or a form's first message is its description)."""
    latest = next(
        (
            str(m.get("text") or "")
            for m in reversed(page["messages"])
            if m.get("author") in _ASKERS and not m.get("internal")
        ),
        str(page.get("description") or ""),
    )
    return f"{page['ticket']['subject']} {latest}"[:MAX_QUERY]


async def answers_context(request: web.Request, page: dict[str, Any]) -> dict[str, Any]:
    """Return the panel's context: ``answers`` (best first), ``kb_query`` (what the
    operator searched, "" for the requester's question) and ``kb_limited``."""
    typed = " ".join(request.query.get("kb", "").split())[:MAX_QUERY]
    base = request.app[SETTINGS].public_url or site_origin(request)
    try:
        found = await request.app[SERVICES].help.answers(
            typed or question_of(page),
            page["ticket"]["lang"],
            client=request[SESSION].operator.id,
            base_url=base,
        )
    except RateLimited:
        return {"answers": [], "kb_query": typed, "kb_limited": True}
    return {"answers": found, "kb_query": typed, "kb_limited": False}
