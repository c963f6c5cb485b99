"""Store protocol for e-mail: the feed of changes, the outbox, inbound and held mail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..models.mail import AddressKind, Bounce, FeedItem, HeldMail, MailState, OrgAddress, OutboxMail

__all__ = ["MailStore"]


class MailStore(Protocol):
    """The durable side of e-mail.

    **The feed** is the transactional log mail is made from: every ticket history row of
    kind ``created``, ``status``, ``auto_close``, ``merged_into``, ``assignee``,
    ``sla_warning`` or ``sla_breach``, every public message (an operator's or a
    requester's), every invitation and every notice adds one :class:`FeedItem` *in the
    same transaction* as the row itself, whichever code path writes it (SQLite: triggers).
    :meth:`consume_feed` turns one item into outbox mails exactly once.

    **The outbox** holds each mail until the SMTP server took it. Usage::

        for item in await store.mail.take_feed(100):
            await store.mail.consume_feed(item.id, plan(item))
        for mail in await store.mail.claim_mails(now, until=now + lease, limit=20):
            ...  # send, then mark_mail_sent() or mark_mail_failed()
    """

    async def take_feed(self, limit: int) -> list[FeedItem]:
        """Return the oldest feed items, oldest first (they stay until consumed)."""
        ...

    async def consume_feed(self, item_id: int, mails: Sequence[OutboxMail]) -> bool:
        """Remove the item and enqueue ``mails`` with it, all or nothing; False (nothing
        stored) when the item was consumed already."""
        ...

    async def enqueue_mails(self, mails: Sequence[OutboxMail]) -> int:
        """Store mails to send; a mail whose ``key`` is queued already is left out.
        Return how many were stored."""
        ...

    async def claim_mails(self, now: datetime, *, until: datetime, limit: int) -> list[OutboxMail]:
        """Return queued mails whose attempt is due, oldest first, and keep them from
        other claims until ``until`` (a sender that dies leaves them to the next)."""
        ...

    async def mark_mail_sent(self, mail_id: str, now: datetime) -> None:
        """Record that the SMTP server took the mail."""
        ...

    async def mark_mail_failed(
        self, mail_id: str, error: str, *, retry_at: datetime | None, now: datetime
    ) -> OutboxMail | None:
        """Count a failed attempt: queued again from ``retry_at``, or failed for good
        (None). Return the mail after."""
        ...

    async def get_mail(self, mail_id: str) -> OutboxMail | None:
        """Return an outbox mail by id."""
        ...

    async def list_mails(self, state: MailState, *, limit: int = 100) -> list[OutboxMail]:
        """Return mails in ``state``, newest first."""
        ...

    async def retry_mail(self, mail_id: str, now: datetime) -> bool:
        """Queue a failed mail again at once; False if it is not failed."""
        ...

    async def add_inbound(self, message_id: str, ticket_id: str | None, now: datetime) -> bool:
        """Remember a received message (and its ticket); False if it was known."""
        ...

    async def seen_inbound(self, message_id: str) -> bool:
        """Return whether a message with this ``Message-ID`` was received before."""
        ...

    async def inbound_ticket(self, message_ids: Sequence[str]) -> str | None:
        """Return the ticket of the first of ``message_ids`` received before (or sent:
        an outbox mail's id), if any."""
        ...

    async def latest_inbound(self, ticket_id: str) -> str | None:
        """Return the ``Message-ID`` of the latest mail received on the ticket (None: none,
        or none that had one): the desk's answers name it in ``In-Reply-To``."""
        ...

    async def set_bouncing(self, email: str, reason: str, now: datetime) -> bool:
        """Flag an address as bouncing; True if it was not flagged yet."""
        ...

    async def clear_bouncing(self, email: str) -> bool:
        """Unflag an address (it wrote to us); True if it was flagged."""
        ...

    async def bounces(self, emails: Sequence[str] = ()) -> list[Bounce]:
        """Return the bouncing addresses among ``emails`` (all when empty), newest first."""
        ...

    async def hold_mail(self, held: HeldMail) -> None:
        """Keep a message until its sender confirms."""
        ...

    async def take_held(self, held_id: str) -> HeldMail | None:
        """Remove and return a held message (None: confirmed already, or purged)."""
        ...

    async def purge_held(self, before: datetime) -> int:
        """Drop messages held since before ``before``; return how many."""
        ...

    async def set_org_address(
        self, organisation_id: str, kind: AddressKind, email: str, *, on: bool
    ) -> bool:
        """Add (``on``) or remove an organisation's notification address; return whether
        anything changed. :raises NotFound: if the organisation does not exist."""
        ...

    async def org_addresses(self, organisation_ids: Sequence[str]) -> list[OrgAddress]:
        """Return the notification addresses of these organisations."""
        ...
