"""The helpdesk's services: filing, a ticket's life, views, clocks, people, notices, tokens,
the web form's challenges and the portal's sign-in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..deskconfig import DeskConfig
from ..models import utcnow
from ..store import Store
from ..throttle import Throttle
from .apitokens import ApiTokenService
from .away import OutOfOffice, stand_in
from .blocklist import BlockList
from .challenges import Challenges
from .chat import ChatTickets
from .clocks import SlaClocks
from .console import ConsoleTickets, view_filter
from .directory import RequesterDirectory, RequesterProfile
from .edits import Edit
from .filing import FilingService, NewTicket, Upload
from .identities import RequesterIdentities
from .importing import RequesterImport
from .lifecycle import TicketLifecycle
from .links import FollowLinks
from .notices import NoticeService
from .orgadmin import OrgAdmin
from .orgdomains import OrgDomains
from .people import Refused, RequesterService
from .problems import LinkedReply, Problems, ProblemTickets
from .reports import Report, ReportService, for_reader
from .savedviews import SavedViews
from .signin import SignIn
from .split import TicketSplit
from .ticketimport import TicketImport
from .views import TicketFilter, TicketViews, ticket_summary

__all__ = [
    "ApiTokenService",
    "BlockList",
    "Challenges",
    "ChatTickets",
    "ConsoleTickets",
    "Edit",
    "FilingService",
    "FollowLinks",
    "Helpdesk",
    "LinkedReply",
    "NewTicket",
    "NoticeService",
    "OrgAdmin",
    "OrgDomains",
    "OutOfOffice",
    "ProblemTickets",
    "Problems",
    "Refused",
    "Report",
    "ReportService",
    "RequesterDirectory",
    "RequesterIdentities",
    "RequesterImport",
    "RequesterProfile",
    "RequesterService",
    "SavedViews",
    "SignIn",
    "SlaClocks",
    "TicketFilter",
    "TicketLifecycle",
    "TicketSplit",
    "TicketViews",
    "Upload",
    "build_helpdesk",
    "for_reader",
    "stand_in",
    "ticket_summary",
    "view_filter",
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
    challenges: Challenges
    signin: SignIn
    orgadmin: OrgAdmin
    console: ConsoleTickets
    reports: ReportService
    blocks: BlockList
    split: TicketSplit
    saved_views: SavedViews
    directory: RequesterDirectory
    domains: OrgDomains
    problems: ProblemTickets
    away: OutOfOffice
    identities: RequesterIdentities
    importing: RequesterImport
    #: Tickets brought from another helpdesk (``chatdesk tickets import``).
    ticket_import: TicketImport


def build_helpdesk(
    store: Store,
    config: DeskConfig,
    secret_key: str,
    *,
    default_lang: str = "en",
    clock: Callable[[], datetime] = utcnow,
    altcha_cost: int = 5000,
    throttle: Throttle | None = None,
) -> Helpdesk:
    """Wire the helpdesk's services on ``store``; ``altcha_cost``: the web form's
    proof-of-work (PBKDF2 iterations per attempt); ``throttle``: where the sign-in and
    invitation counts live (shared by every process on Redis; else this process's)."""
    links = FollowLinks(secret_key)
    people = RequesterService(store, config, clock=clock)
    blocks = BlockList(store, clock=clock)
    filing = FilingService(
        store, config, people, links, default_lang=default_lang, clock=clock, blocks=blocks
    )
    lifecycle = TicketLifecycle(store, config, filing, links, clock=clock)
    views = TicketViews(store, links, clock=clock)
    return Helpdesk(
        filing=filing,
        tickets=lifecycle,
        chat=ChatTickets(store, config, lifecycle, clock=clock),
        views=views,
        clocks=SlaClocks(store, config, clock=clock),
        people=people,
        notices=NoticeService(store, clock=clock),
        api_tokens=ApiTokenService(store, clock=clock),
        links=links,
        # The altcha library checks expiry on the wall clock: challenges use it too.
        challenges=Challenges(store, secret_key, cost=altcha_cost),
        signin=SignIn(
            store, secret_key, throttle=throttle, people=people, clock=clock, blocks=blocks
        ),
        orgadmin=OrgAdmin(store, people, throttle=throttle, clock=clock),
        console=ConsoleTickets(store, views, clock=clock),
        reports=ReportService(store, config, clock=clock),
        blocks=blocks,
        split=TicketSplit(store, filing, clock=clock),
        saved_views=SavedViews(store, clock=clock),
        directory=RequesterDirectory(store, views, blocks),
        domains=OrgDomains(store, clock=clock),
        problems=ProblemTickets(store, lifecycle, clock=clock),
        away=OutOfOffice(store, clock=clock),
        identities=RequesterIdentities(store, clock=clock),
        importing=RequesterImport(store, people, clock=clock),
        ticket_import=TicketImport(store, config, people, default_lang=default_lang, clock=clock),
    )
