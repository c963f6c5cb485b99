"""The REST API's problem tickets (``/api/v1/tickets/{ref}/problem`` and
``/linked-replies``): linking a ticket to the problem it is about, and one reply to every
ticket linked to a problem."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from .api import Ref
from .apiout import ApiTicket
from .base import ClientId, HoldUntil, In, Out

__all__ = ["ApiLinkedReplyIn", "ApiLinkedReplyOut", "ApiProblemIn", "ApiProblemLink"]


def _about(text: str, **constraints: Any) -> msgspec.Meta:
    return msgspec.Meta(description=text, **constraints)


class ApiProblemIn(In):
    """``PUT /api/v1/tickets/{ref}/problem``: the problem ticket this one is about."""

    problem: Annotated[Ref, _about("The problem ticket's number or id.")]


class ApiProblemLink(Out):
    """The ticket linked, and its problem ticket."""

    ticket: ApiTicket
    problem: ApiTicket


class ApiLinkedReplyIn(In):
    """``POST /api/v1/tickets/{ref}/linked-replies``: a public reply to each ticket
    linked to this problem ticket (not to the problem itself)."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
    #: Each linked ticket's status after the reply, where its status allows the move.
    status: Literal["pending", "on_hold", "resolved", "closed"] | None = None
    hold_until: HoldUntil | None = None
    client_id: Annotated[
        ClientId, _about("A retry with the same one posts nothing twice on any ticket.")
    ] | None = None  # fmt: skip


class ApiLinkedReplyOut(Out):
    """The tickets the reply went to, and those it did not (closed, or not yours to
    see), by id with the reason."""

    sent: list[str]
    refused: dict[str, str]
