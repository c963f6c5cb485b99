"""Webhooks' transport: bodies in the REST API's shapes, posted with aiohttp."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
import msgspec

from ..models import Ticket, TicketEvent, TicketMessage, format_ts
from ..models.hooks import HookDelivery, OrganisationNews, RequesterNews
from ..wire.apiorgs import ApiOrganisation
from ..wire.apipeople import ApiOrganisationRef, ApiRequesterRecord
from ..wire.hooks import WebhookBody
from .apiviews import history_out, message_out, ticket_out

__all__ = ["TIMEOUT", "HookPoster", "render"]

#: Seconds an endpoint has to answer (connecting included).
TIMEOUT = 10.0


def render(
    delivery: HookDelivery,
    ticket: Ticket | None,
    change: TicketEvent | None,
    message: TicketMessage | None,
    news: RequesterNews | OrganisationNews | None = None,
) -> bytes:
    """Return a delivery's JSON body (:class:`~chatdesk.wire.hooks.WebhookBody`)."""
    return msgspec.json.encode(
        WebhookBody(
            id=delivery.id,
            event=delivery.event,
            occurred_at=format_ts(delivery.created_at),
            ticket=ticket_out(ticket) if ticket is not None else None,
            change=history_out(change) if change is not None else None,
            message=message_out(message) if message is not None else None,
            requester_id=news.id if isinstance(news, RequesterNews) else None,
            requester=_requester_out(news) if isinstance(news, RequesterNews) else None,
            organisation_id=news.id if isinstance(news, OrganisationNews) else None,
            organisation=_organisation_out(news) if isinstance(news, OrganisationNews) else None,
        )
    )


def _requester_out(news: RequesterNews) -> ApiRequesterRecord | None:
    r = news.requester
    if r is None:
        return None
    org = ApiOrganisationRef(r.organisation_id, news.organisation) if r.organisation_id else None
    return ApiRequesterRecord(
        id=r.id, email=r.email, name=r.name, phone=r.phone, lang=r.lang,
        organisation=org, org_role=r.org_role.value,
        created_at=format_ts(r.created_at), note=r.note,
    )  # fmt: skip


def _organisation_out(news: OrganisationNews) -> ApiOrganisation | None:
    o = news.organisation
    if o is None:
        return None
    return ApiOrganisation(
        id=o.id, name=o.name, contract_active=o.contract_active, max_members=o.max_members,
        max_editors_per_site=o.max_editors_per_site, members=news.members,
        domains=list(news.domains), created_at=format_ts(o.created_at), note=o.note,
    )  # fmt: skip


class HookPoster:
    """Posts with one client session (its connections are reused per endpoint).

    Redirects are not followed (a 3xx is a failed attempt): a signed body goes only to
    the URL the admin wrote.
    """

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """Return the endpoint's HTTP status. :raises OSError: not reached in time."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT),
                connector=aiohttp.TCPConnector(limit_per_host=4),
            )
        try:
            async with self._session.post(
                url, data=body, headers=dict(headers), allow_redirects=False
            ) as response:
                return response.status
        except aiohttp.ClientError as exc:
            raise OSError(str(exc) or type(exc).__name__) from exc

    async def close(self) -> None:
        """Close the session's connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None
