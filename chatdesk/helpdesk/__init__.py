"""The helpdesk's services: filing, a ticket's life, views, clocks, people, notices, tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..deskconfig import DeskConfig
from ..models import utcnow
from ..store import Store
from .apitokens import ApiTokenService
from .chat import ChatTickets
from .clocks import SlaClocks
from .edits import Edit
from .filing import FilingService, NewTicket, Upload
from .lifecycle import TicketLifecycle
from .links import FollowLinks
from .notices import NoticeService
from .people import Refused, RequesterService
from .views import TicketFilter, TicketViews, ticket_summary

__all__ = [
    "ApiTokenService",
    "ChatTickets",
    "Edit",
    "FilingService",
    "FollowLinks",
    "Helpdesk",
    "NewTicket",
    "NoticeService",
    "Refused",
    "RequesterService",
    "SlaClocks",
    "TicketFilter",
    "TicketLifecycle",
    "TicketViews",
    "Upload",
    "build_helpdesk",
    "ticket_summary",
]


@dataclass(frozen=True, slots=True)
class Helpdesk:
    """The helpdesk's services, as transports use them (docs/helpdesk.md)."""

    filing: FilingService
    tickets: TicketLifecycle
    chat: ChatTickets
    views: TicketViews
    clocks: SlaClocks
    people: RequesterService
    notices: NoticeService
    api_tokens: ApiTokenService
    links: FollowLinks


def build_helpdesk(
    store: Store,
    config: DeskConfig,
    secret_key: str,
    *,
    default_lang: str = "en",
    clock: Callable[[], datetime] = utcnow,
) -> Helpdesk:
    """Wire the helpdesk's services on ``store``."""
    links = FollowLinks(secret_key)
    people = RequesterService(store, config, clock=clock)
    filing = FilingService(store, config, people, links, default_lang=default_lang, clock=clock)
    lifecycle = TicketLifecycle(store, config, filing, links, clock=clock)
    return Helpdesk(
        filing=filing,
        tickets=lifecycle,
        chat=ChatTickets(store, config, lifecycle, clock=clock),
        views=TicketViews(store, links, clock=clock),
        clocks=SlaClocks(store, config, clock=clock),
        people=people,
        notices=NoticeService(store, clock=clock),
        api_tokens=ApiTokenService(store, clock=clock),
        links=links,
    )
