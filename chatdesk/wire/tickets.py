"""Helpdesk payloads sent to operators: a ticket as lists show it (the ``ticket`` event)."""

from __future__ import annotations

from typing import Literal

from .base import Out, Ts

__all__ = ["RequesterRef", "SlaOut", "TicketSummaryOut"]

TicketStatus = Literal["new", "open", "pending", "on_hold", "resolved", "closed"]


class RequesterRef(Out):
    """Who filed a ticket (None fields: a chat ticket without contact)."""

    id: str | None
    name: str
    email: str


class SlaOut(Out):
    """A ticket's due times, the targets it missed, whether the resolution clock waits."""

    first_response_due: Ts | None
    resolution_due: Ts | None
    breached: list[Literal["first_response", "resolution"]]
    paused: bool


class TicketSummaryOut(Out):
    """``ticket``: a helpdesk ticket changed (sent to every operator; complaints only to
    service managers and admins)."""

    id: str
    number: str
    subject: str
    status: TicketStatus
    type: Literal["question", "incident", "idea", "complaint"]
    channel: Literal["chat", "form", "email", "api", "phone"]
    priority: str
    department: str
    requester: RequesterRef
    organisation_id: str | None
    operator_id: str | None
    conversation_id: str | None
    lang: str
    created_at: Ts
    updated_at: Ts
    next_due: Ts | None
    sla: SlaOut
    merged_into: str | None
    follow_up_of: str | None
    #: People in Cc (e-mail addresses): copies of the replies, their answers join it.
    cc: list[str]
    #: The team's labels (operators only; not in a requester's view).
    tags: list[str]
    #: On hold until then: the ticket comes back open (operators only).
    hold_until: Ts | None
    #: In a list's page (``tickets``): the number and id of the problem ticket it is
    #: linked to, or how many tickets are linked to it (a problem).
    problem: str | None = None
    problem_id: str | None = None
    linked: int = 0
