"""What a webhook posts (docs/webhooks.md): the change, and the ticket (or the requester)
as the API shows it."""

from __future__ import annotations

from .apiorgs import ApiOrganisation
from .apiout import ApiHistory, ApiMessage, ApiTicket
from .apipeople import ApiRequesterRecord
from .base import Out, Ts

__all__ = ["WebhookBody"]


class WebhookBody(Out):
    """One delivery's body.

    ``id`` is the delivery's (the same on every attempt: receivers drop repeats by it);
    ``event`` is ``ticket.<kind>`` (``change`` is the history row), ``message.created`` or
    ``note.created`` (``message`` is it), ``requester.created``, ``requester.updated`` or
    ``requester.deleted`` (``requester_id`` names them, ``requester`` is their record; no
    ticket), ``organisation.created``, ``.updated`` or ``.deleted`` (``organisation_id``,
    ``organisation``), or ``ping`` (nothing else). ``ticket``, ``requester`` and
    ``organisation`` are as they are when the delivery is made, which may be later than
    the change (null once deleted).
    """

    id: str
    event: str
    occurred_at: Ts
    ticket: ApiTicket | None
    change: ApiHistory | None
    message: ApiMessage | None
    requester_id: str | None = None
    requester: ApiRequesterRecord | None = None
    organisation_id: str | None = None
    organisation: ApiOrganisation | None = None
