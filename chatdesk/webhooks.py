"""Webhooks: the changes of tickets, requesters and organisations posted, signed, to the
endpoints of ``[[webhooks]]``.

The store's triggers write a feed item with each ticket history row and message, and each
requester's or organisation's record made, changed or deleted (in its transaction); the
``webhooks`` job turns each item into one delivery per endpoint that wants its event
(exactly once: the item is consumed in the transaction that stores them), and posts what
is due in a task of its own, so that a slow endpoint never holds the desk's other jobs.
docs/webhooks.md is the contract.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from .errors import Forbidden, NotFound
from .events import Event
from .hookconfig import Webhook
from .mail.outbox import backoff
from .models import Operator, Ticket, TicketEvent, TicketMessage, utcnow
from .models.hooks import (
    HookDelivery,
    HookFeedItem,
    HookState,
    OrganisationNews,
    RequesterNews,
)
from .store import Store
from .version import __version__

__all__ = ["MAX_ATTEMPTS", "Poster", "Render", "Webhooks", "sign", "signing_secret"]

log = logging.getLogger(__name__)

#: Attempts before a delivery is given up (about 6 hours of retries, as mail).
MAX_ATTEMPTS = 10
#: Deliveries one send claims; a claim keeps them from other processes this long.
BATCH = 50
CLAIM = timedelta(minutes=2)
#: Seconds one send keeps taking full batches.
TURN = 30.0
#: Delivered and given-up deliveries are kept this long (``chatdesk webhooks failed``).
KEEP = timedelta(days=30)
_PURGE_EVERY = 3600.0


class Poster(Protocol):
    """Posts a body to an endpoint (the transport: aiohttp)."""

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """Return the HTTP status. :raises OSError: the endpoint was not reached in time."""
        ...


class Render(Protocol):
    """Makes a delivery's JSON body (the transport: the REST API's shapes)."""

    def __call__(
        self,
        delivery: HookDelivery,
        ticket: Ticket | None,
        change: TicketEvent | None,
        message: TicketMessage | None,
        news: RequesterNews | OrganisationNews | None = None,
    ) -> bytes:
        """Return the body."""
        ...


def signing_secret(secret_key: str, name: str) -> str:
    """Return endpoint ``name``'s signing secret, derived from the desk's secret key
    (``chatdesk webhooks secret NAME`` prints it; rename the endpoint to change it)."""
    digest = hmac.new(secret_key.encode(), f"chatdesk webhook {name}".encode(), "sha256")
    return "whsec_" + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return ``X-Chatdesk-Signature``: ``sha256=`` and the hex HMAC-SHA256 of
    ``<timestamp>.<body>`` under the endpoint's secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class Webhooks:
    """Run by the ``webhooks`` job under a store lease (one process of the cluster).

    :param endpoints: ``[[webhooks]]`` of chatdesk.toml.
    :param secret_key: the desk's secret key (each endpoint's secret derives from it).
    The transport gives :attr:`poster` and :attr:`render` at start-up; until then the
    feed is planned and nothing is posted.
    """

    def __init__(
        self, store: Store, endpoints: tuple[Webhook, ...], secret_key: str,
        *, clock: Callable[[], datetime] = utcnow,
    ) -> None:  # fmt: skip
        self.store = store
        self.endpoints = endpoints
        self._secret_key = secret_key
        self.clock = clock
        self.poster: Poster | None = None
        self.render: Render | None = None
        self._sending: asyncio.Task[int] | None = None
        self._purged = 0.0

    def secret(self, name: str) -> str:
        """Return the signing secret of endpoint ``name``."""
        return signing_secret(self._secret_key, name)

    async def run(self) -> list[Event]:
        """The job's turn: plan the feed, then start a send unless one is running."""
        await self.plan_feed()
        if time.monotonic() - self._purged > _PURGE_EVERY:
            self._purged = time.monotonic()
            await self.store.hooks.purge_deliveries(self.clock() - KEEP)
        if self.poster is not None and (self._sending is None or self._sending.done()):
            self._sending = asyncio.get_running_loop().create_task(self._send_backlog())
        return []

    async def _send_backlog(self) -> int:
        """Send batch after batch while they come full, for at most :data:`TURN` seconds
        (a bulk change of hundreds of tickets goes out in one go)."""
        started, sent = time.monotonic(), 0
        while time.monotonic() - started < TURN:
            claimed, taken = await self._send_batch()
            sent += taken
            if claimed < BATCH:
                break
        return sent

    async def close(self) -> None:
        """Stop a send in progress (its claims run out; the next holder sends them)."""
        if self._sending is not None and not self._sending.done():
            self._sending.cancel()
            await asyncio.gather(self._sending, return_exceptions=True)

    async def plan_feed(self, limit: int = 500) -> int:
        """Turn feed items into deliveries; return how many were stored."""
        planned = 0
        for item in await self.store.hooks.take_feed(limit):
            deliveries = self.plan(item)
            if await self.store.hooks.consume_feed(item.id, deliveries):
                planned += len(deliveries)
        return planned

    def plan(self, item: HookFeedItem) -> list[HookDelivery]:
        """Return the deliveries of one feed item (one per endpoint that wants it)."""
        event = item.event
        return [
            HookDelivery(
                endpoint=e.name,
                event=event,
                source=item.source,
                ref_id=item.ref_id,
                ticket_id=item.ticket_id,
                feed_id=item.id,
                created_at=item.created_at,
                next_attempt_at=self.clock(),
            )
            for e in self.endpoints
            if e.wants(event)
        ]

    async def send_due(self) -> int:
        """Post the deliveries that are due (a batch): each endpoint's in order, the
        endpoints side by side. Return how many were taken."""
        return (await self._send_batch())[1]

    async def _send_batch(self) -> tuple[int, int]:
        now = self.clock()
        claimed = await self.store.hooks.claim_deliveries(now, until=now + CLAIM, limit=BATCH)
        by_endpoint: dict[str, list[HookDelivery]] = {}
        for delivery in claimed:
            by_endpoint.setdefault(delivery.endpoint, []).append(delivery)
        done = await asyncio.gather(*(self._send_all(batch) for batch in by_endpoint.values()))
        return len(claimed), sum(done)

    async def ping(self, endpoint: Webhook) -> int:
        """Post a ``ping`` event to ``endpoint`` now (nothing stored); return the status.
        :raises OSError: it was not reached."""
        assert self.poster is not None and self.render is not None
        delivery = HookDelivery(
            endpoint=endpoint.name, event="ping", source="", ref_id="", ticket_id="",
            feed_id=0, created_at=self.clock(),
        )  # fmt: skip
        return await self._post(endpoint, delivery, self.render(delivery, None, None, None))

    async def failures(self) -> list[HookDelivery]:
        """Return the deliveries given up on, newest first."""
        return await self.store.hooks.list_deliveries(HookState.FAILED)

    async def overview(self) -> list[tuple[Webhook, int, int]]:
        """Return each endpoint with how many deliveries wait for it and were given up."""
        counts = await self.store.hooks.count_deliveries()
        return [
            (e, counts.get(e.name, {}).get(HookState.QUEUED, 0),
             counts.get(e.name, {}).get(HookState.FAILED, 0))
            for e in self.endpoints
        ]  # fmt: skip

    async def ticket_labels(self, deliveries: list[HookDelivery]) -> dict[str, str]:
        """Return the label (``#000123``) of each delivery's ticket that still exists."""
        labels: dict[str, str] = {}
        for ticket_id in {d.ticket_id for d in deliveries if d.ticket_id}:  # a requester's: ""
            ticket = await self.store.helpdesk.get_ticket(ticket_id)
            if ticket is not None:
                labels[ticket_id] = ticket.label
        return labels

    async def retry(self, actor: Operator | None, delivery_id: str) -> None:
        """Queue a failed delivery again (an admin, or None: the command line).

        :raises Forbidden: not an admin. :raises NotFound: not a failed delivery.
        """
        if actor is not None and not actor.is_admin:
            raise Forbidden("only admins retry webhook deliveries")
        if not await self.store.hooks.retry_delivery(delivery_id, self.clock()):
            raise NotFound("no such failed delivery")

    def endpoint(self, name: str) -> Webhook:
        """Return the endpoint ``name``. :raises NotFound: none in chatdesk.toml."""
        found = next((e for e in self.endpoints if e.name == name), None)
        if found is None:
            raise NotFound(f"no webhook named {name!r} in chatdesk.toml")
        return found

    async def _send_all(self, batch: list[HookDelivery]) -> int:
        started = time.monotonic()
        sent = 0
        for delivery in batch:
            if time.monotonic() - started > CLAIM.total_seconds() / 2:
                break  # a slow endpoint: the rest waits for its claim to run out
            sent += await self._send(delivery)
        return sent

    async def _send(self, delivery: HookDelivery) -> int:
        endpoint = next((e for e in self.endpoints if e.name == delivery.endpoint), None)
        if endpoint is None:  # removed from chatdesk.toml since it was planned
            await self._failed(delivery, "no such endpoint in chatdesk.toml", permanent=True)
            return 0
        try:
            body = await self._body(delivery)
            status = await self._post(endpoint, delivery, body)
        except NotFound as exc:  # its ticket or row is gone (erased): nothing to send
            await self._failed(delivery, exc.message, permanent=True)
            return 0
        except OSError as exc:
            await self._failed(delivery, f"not reached: {exc}", permanent=False)
            return 0
        except Exception as exc:  # one delivery that cannot be made must not stop the others
            log.exception("webhook delivery %s could not be made", delivery.id)
            await self._failed(delivery, f"{type(exc).__name__}: {exc}", permanent=True)
            return 0
        if 200 <= status < 300:
            await self.store.hooks.mark_delivered(delivery.id, self.clock())
            return 1
        # 410 Gone: the receiver says it wants no more (as GitHub and Stripe read it).
        await self._failed(delivery, f"HTTP {status}", permanent=status == 410)
        return 0

    async def _body(self, delivery: HookDelivery) -> bytes:
        assert self.render is not None
        if delivery.source == "requester":
            return self.render(delivery, None, None, None, await self._news(delivery))
        if delivery.source == "organisation":
            return self.render(delivery, None, None, None, await self._org_news(delivery))
        ticket = await self.store.helpdesk.get_ticket(delivery.ticket_id)
        if ticket is None:
            raise NotFound("the ticket is gone")
        change = message = None
        if delivery.source == "ticket_event":
            events = await self.store.helpdesk.list_ticket_events(ticket.id)
            change = next((e for e in events if e.id == delivery.ref_id), None)
            if change is None:
                raise NotFound("the history row is gone")
        else:
            messages = await self.store.helpdesk.list_ticket_messages(ticket.id)
            message = next((m for m in messages if m.id == delivery.ref_id), None)
            if message is None:
                raise NotFound("the message is gone")
        return self.render(delivery, ticket, change, message)

    async def _news(self, delivery: HookDelivery) -> RequesterNews:
        requester = await self.store.requesters.get_requester(delivery.ref_id)
        if requester is None and delivery.event != "requester.deleted":
            # Erased (or merged away) since: nothing of theirs goes out any more.
            raise NotFound("the requester is gone")
        organisation = None
        if requester is not None and requester.organisation_id:
            organisation = await self.store.requesters.get_organisation(requester.organisation_id)
        return RequesterNews(delivery.ref_id, requester, organisation.name if organisation else "")

    async def _org_news(self, delivery: HookDelivery) -> OrganisationNews:
        people = self.store.requesters
        organisation = await people.get_organisation(delivery.ref_id)
        if organisation is None:
            if delivery.event != "organisation.deleted":
                raise NotFound("the organisation is gone")  # merged into another since
            return OrganisationNews(delivery.ref_id, None)
        members = await people.list_members(organisation.id)
        domains = await people.organisation_domains(organisation.id)
        return OrganisationNews(organisation.id, organisation, len(members), tuple(domains))

    async def _post(self, endpoint: Webhook, delivery: HookDelivery, body: bytes) -> int:
        assert self.poster is not None
        timestamp = int(self.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"chatdesk-webhooks/{__version__}",
            "X-Chatdesk-Event": delivery.event,
            "X-Chatdesk-Delivery": delivery.id,
            "X-Chatdesk-Timestamp": str(timestamp),
            "X-Chatdesk-Signature": sign(self.secret(endpoint.name), timestamp, body),
        }
        return await self.poster.post(endpoint.url, body, headers)

    async def _failed(self, delivery: HookDelivery, error: str, *, permanent: bool) -> None:
        attempts = delivery.attempts + 1
        give_up = permanent or attempts >= MAX_ATTEMPTS
        now = self.clock()
        log.warning(
            "webhook %s: delivery %s (%s) failed (attempt %d): %s%s",
            delivery.endpoint, delivery.id, delivery.event, attempts, error,
            "; given up" if give_up else "",
        )  # fmt: skip
        retry_at = None if give_up else now + backoff(attempts)
        await self.store.hooks.mark_delivery_failed(delivery.id, error, retry_at=retry_at, now=now)
