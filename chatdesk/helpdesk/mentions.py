"""Colleagues named in an internal note (``@Bob`` or ``@Bob Martin``): each is told,
live in their console and by mail, through a ``mention`` history row written with the
note (the mail feed's trigger reads it). A chat's note names them the same way
(``named_colleagues``); they are told live only."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from ..events import Event, OperatorsMentioned
from ..models import Operator, Ticket, TicketEvent, TicketMessage
from ..store import Store
from .common import history, visible_to

__all__ = ["mention_events", "mention_rows", "named_colleagues"]


def _named(text: str, name: str) -> bool:
    """Return whether ``text`` (case-folded) holds ``@name`` as a whole word."""
    return re.search(rf"(?<![\w@])@{re.escape(name)}(?![\w])", text) is not None


async def mention_rows(
    store: Store, ticket: Ticket, author: Operator, text: str, note_id: str, now: datetime
) -> list[TicketEvent]:
    """Return the history row naming the colleagues a note mentions (none: no row). A
    colleague is named by their whole name, or by their first name when no other active
    operator has it; never the author, a disabled account, or someone the ticket is hidden
    from (a complaint)."""
    named = await named_colleagues(store, author, text, lambda o: visible_to(o, ticket))
    if not named:
        return []
    return [history(ticket.id, "mention", author, now, to=named, note=note_id, by=author.name)]


async def named_colleagues(
    store: Store, author: Operator, text: str, visible: Callable[[Operator], bool]
) -> list[str]:
    """Return the ids of the colleagues ``text`` names: by their whole name, or by their
    first name when no other active operator has it; never the author, a disabled
    account, or someone ``visible`` says may not see what the note is on."""
    if "@" not in text:
        return []
    colleagues = [
        o for o in await store.operators.list_operators()
        if not o.disabled and o.id != author.id and visible(o)
    ]  # fmt: skip
    firsts = Counter(o.name.split()[0].casefold() for o in colleagues if o.name.split())
    folded = text.casefold()
    named = []
    for colleague in colleagues:
        whole = " ".join(colleague.name.split()).casefold()
        first = whole.split(" ")[0] if whole else ""
        if whole and (_named(folded, whole) or (firsts[first] == 1 and _named(folded, first))):
            named.append(colleague.id)
    return named


def mention_events(ticket: Ticket, note: TicketMessage, rows: list[TicketEvent]) -> list[Event]:
    """Return the live news of a stored note's mentions (from its history rows)."""
    return [
        OperatorsMentioned(ticket, note, tuple(row.data["to"]))
        for row in rows
        if row.kind == "mention"
    ]
