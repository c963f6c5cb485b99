"""What the helpdesk's services share: references, visibility, history rows, text checks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..errors import InvalidPayload, NotFound
from ..models import (
    TAGS_MAX,
    AuthorKind,
    Operator,
    Requester,
    Ticket,
    TicketChanges,
    TicketEvent,
    TicketType,
    clean_tags,
)
from ..operators import normalize_email
from ..store import Store
from ..tickets import SUBJECT_MAX

__all__ = [
    "CC_MAX",
    "TAGS_MAX",
    "TEXT_MAX",
    "Actor",
    "add_cc",
    "clean_cc",
    "clean_subject",
    "clean_tags",
    "clean_text",
    "copied_address",
    "history",
    "load_ticket",
    "parse_ref",
    "visible_to",
]

#: Longest description or message, in characters.
TEXT_MAX = 20_000
_NUMBER = re.compile(r"^#?(\d{1,9})$")
_ID = re.compile(r"^[0-9a-f]{32}$")

#: Who does something to a ticket: an operator, a requester, or the desk itself (None).
Actor = Operator | Requester | None


def parse_ref(ref: str) -> tuple[str | None, int | None]:
    """Return (id, number) of a reference: an id, or a number with or without ``#``."""
    ref = ref.strip()
    if match := _NUMBER.match(ref):
        return None, int(match[1])
    if _ID.match(ref):
        return ref, None
    raise NotFound(f"no ticket {ref[:40]!r}")


def visible_to(operator: Operator, ticket: Ticket) -> bool:
    """Return whether an operator may see a ticket (complaints: service managers and
    admins only)."""
    return ticket.type is not TicketType.COMPLAINT or operator.sees_complaints


#: Most people in Cc of one ticket.
CC_MAX = 10


def clean_cc(addresses: Iterable[str], *, requester: str, strict: bool = True) -> frozenset[str]:
    """Return the addresses to keep in Cc: normalised, without the requester's, at most
    :data:`CC_MAX`. :raises InvalidPayload: ``invalid_cc``, one is not an address, or too
    many (``strict``; otherwise those are left out, as for a mail's headers)."""
    kept: list[str] = []
    for address in addresses:
        try:
            email = normalize_email(address)
        except InvalidPayload:
            if strict:
                raise InvalidPayload(
                    f"{address[:100]!r} in Cc is not an e-mail address", code="invalid_cc"
                ) from None
            continue
        if "," not in email and email != requester.lower() and email not in kept:
            kept.append(email)
    if len(kept) > CC_MAX and strict:
        raise InvalidPayload(f"at most {CC_MAX} people in Cc", code="invalid_cc")
    return frozenset(kept[:CC_MAX])


async def add_cc(
    store: Store, ticket: Ticket, addresses: Iterable[str], actor: Actor, now: datetime
) -> Ticket:
    """Add ``addresses`` to the ticket's Cc (after those it has, up to :data:`CC_MAX`;
    wrong ones and the requester's left out), with a ``cc`` history row; return the ticket
    after (as it was when nothing is new)."""
    cc = clean_cc([*sorted(ticket.cc), *addresses], requester=ticket.requester_email,
                  strict=False)  # fmt: skip
    if cc == ticket.cc:
        return ticket
    row = history(ticket.id, "cc", actor, now, **{"from": sorted(ticket.cc), "to": sorted(cc)})
    changed = await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(cc=cc), [row], expect=None, now=now
    )
    return changed or ticket


async def copied_address(store: Store, ticket: Ticket, email: str) -> bool:
    """Return whether ``email`` is the ticket's organisation's notification address of the
    ticket's department (``billing``, ``abuse``...): its mails are copied there, and it
    may answer them."""
    if ticket.organisation_id is None:
        return False
    email = email.lower()
    return any(
        a.email.lower() == email and a.kind.value == ticket.department
        for a in await store.mail.org_addresses([ticket.organisation_id])
    )


async def load_ticket(store: Store, ref: str, operator: Operator | None = None) -> Ticket:
    """Return the ticket ``ref`` names (as ``operator`` may see it).

    :raises NotFound: no such ticket, or one the operator may not see.
    """
    ticket_id, number = parse_ref(ref)
    ticket = (
        await store.helpdesk.get_ticket(ticket_id)
        if ticket_id
        else await store.helpdesk.find_ticket(number or 0)
    )
    if ticket is None or (operator is not None and not visible_to(operator, ticket)):
        raise NotFound(f"no ticket {ref[:40]!r}")
    return ticket


def history(ticket_id: str, kind: str, actor: Actor, now: datetime, **data: Any) -> TicketEvent:
    """Return one history row of a ticket."""
    kind_of = (
        AuthorKind.OPERATOR
        if isinstance(actor, Operator)
        else AuthorKind.REQUESTER
        if isinstance(actor, Requester)
        else AuthorKind.SYSTEM
    )
    return TicketEvent(ticket_id, kind, kind_of, actor.id if actor else None, data, ts=now)


def clean_subject(subject: str) -> str:
    """Return the subject on one line. :raises InvalidPayload: when empty or too long."""
    subject = " ".join(subject.split())
    if not 1 <= len(subject) <= SUBJECT_MAX:
        raise InvalidPayload(f"the subject must be 1 to {SUBJECT_MAX} characters", code="subject")
    return subject


def clean_text(text: str, *, required: bool = True) -> str:
    """Return a message's text, trimmed. :raises InvalidPayload: empty or too long."""
    text = text.strip()
    if (required and not text) or len(text) > TEXT_MAX:
        raise InvalidPayload(f"the text must be 1 to {TEXT_MAX} characters", code="text")
    return text
