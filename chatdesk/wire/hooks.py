"""What a webhook posts (docs/webhooks.md): the change, and the ticket as the API shows it."""

from __future__ import annotations

from .apiout import ApiHistory, ApiMessage, ApiTicket
from .base import Out, Ts

__all__ = ["WebhookBody"]


class WebhookBody(Out):
    """One delivery's body.

    ``id`` is the delivery's (the same on every attempt: receivers drop repeats by it);
    ``event`` is ``ticket.<kind>`` (``change`` is the history row), ``message.created`` or
    ``note.created`` (``message`` is it), or ``ping`` (nothing else). ``ticket`` is the
    ticket as it is when the delivery is made, which may be later than the change.
    """

    id: str
    event: str
    occurred_at: Ts
    ticket: ApiTicket | None
    change: ApiHistory | None
    message: ApiMessage | None
