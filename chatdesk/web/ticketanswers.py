"""The answers panel of a ticket's and a conversation's page: the help centre's entries for
what the requester or visitor asks, or for the operator's own search (``?kb=``, the panel's
form without a script), to quote in a reply (docs/operators.md, "Answers from the help
centre")."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import RateLimited
from ..helpcentre import MAX_QUERY
from .appkeys import SERVICES, SETTINGS
from .auth import SESSION
from .public import site_origin

__all__ = ["VISITOR_MESSAGES", "answers_context", "question_of", "visitor_question"]

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


#: A chat visitor's messages the question is read from: the last ones, as a visitor who
#: asks for a person ("je veux parler à quelqu'un") said what about just before.
VISITOR_MESSAGES = 3


def visitor_question(messages: list[dict[str, Any]]) -> str:
    """Return a chat visitor's question: their last messages, oldest first, the end kept
    when they are too long ("": none yet)."""
    said = [str(m.get("text") or "") for m in messages if m.get("author") == "visitor"]
    return " ".join(said[-VISITOR_MESSAGES:])[-MAX_QUERY:]


async def answers_context(
    request: web.Request, *, question: str, lang: str, action: str, asker: str = "requester"
) -> dict[str, Any]:
    """Return the panel's context: ``kb_on`` (the desk has knowledge: else no panel, and
    nothing is ranked), ``answers`` (best first) for ``question`` in ``lang``, or for the
    operator's ``?kb=`` search, ``kb_query`` (that search, "" for the question),
    ``kb_limited``, and what the panel needs to say and search (``action``: the page's
    path)."""
    typed = " ".join(request.query.get("kb", "").split())[:MAX_QUERY]
    help = request.app[SERVICES].help
    context: dict[str, Any] = {
        "kb_on": help.knowledge is not None,
        "answers": [],
        "kb_query": typed,
        "kb_limited": False,
        "answers_lang": lang,
        "answers_action": action,
        "answers_for": f"answers_for_{asker}",
    }
    if not context["kb_on"]:
        return context
    base = request.app[SETTINGS].public_url or site_origin(request)
    try:
        context["answers"] = await help.answers(
            typed or question,
            lang,
            client=request[SESSION].operator.id,
            base_url=base,
            searched=bool(typed),
        )
    except RateLimited:
        context["kb_limited"] = True
    return context
