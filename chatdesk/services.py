"""Build every service once, wired together; transports receive this container."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from redis.asyncio import Redis

from .audit import AuditTrail
from .bot.gapreport import Gaps, GapSource
from .canned import CannedService
from .chatfiles import ChatFileLinks, ChatFiles
from .config import Settings
from .conversation import ConversationService, Responder
from .customers import Customers
from .desk import DeskService
from .deskconfig import DeskConfig
from .errors import ConfigError
from .escalation import EscalationService
from .events import SignInRequested
from .flood import VisitorFlood
from .health import Health
from .helpcentre import HelpCentre
from .helpdesk import Helpdesk, build_helpdesk
from .inbox import Inbox
from .jobs import Job, JobRunner, process_name
from .mail import Mail, build_mail
from .mail.passwords import PasswordResets
from .mail.signins import SignInNotices
from .models import utcnow
from .operatoradmin import OperatorAdmin
from .operators import OperatorService, SessionTokens
from .presence import PresenceService
from .privacy import Privacy
from .retention import RetentionJob
from .routing import RoutingService
from .spam import Spam
from .store import Store
from .throttle import Throttle
from .tickets import TicketService
from .tokens import VisitorTokens
from .twofactor import TwoFactor
from .webhooks import Webhooks

__all__ = [
    "AUTO_CLOSE_SECONDS",
    "JOB_SECONDS",
    "RETENTION_SECONDS",
    "SLA_SECONDS",
    "Services",
    "build_services",
]

#: How often the routing upkeep runs (operators past their grace period, expired offers).
JOB_SECONDS = 2.0
#: How often SLA warnings and breaches are looked for, and pending tickets auto-closed.
SLA_SECONDS = 30.0
AUTO_CLOSE_SECONDS = 300.0
#: How often the retention policy ([privacy]) looks for chats and tickets past their time.
RETENTION_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class Services:
    """The services of one desk process (none imports aiohttp or socketio).

    Transports use these and never the store: every rule lives in one service.
    """

    settings: Settings
    config: DeskConfig
    conversations: ConversationService
    desk: DeskService
    inbox: Inbox
    escalation: EscalationService
    routing: RoutingService
    presence: PresenceService
    tickets: TicketService
    operators: OperatorService
    canned: CannedService
    jobs: JobRunner
    helpdesk: Helpdesk
    mail: Mail
    #: What each visitor may send in total, across connections and processes.
    flood: VisitorFlood
    help: HelpCentre
    #: The bot's misses grouped by meaning, for the console (``kb gaps`` on the running bot).
    gaps: Gaps
    #: Files visitors send in chat once their conversation has a ticket.
    chatfiles: ChatFiles
    #: Whether the store answers, and the totals /metrics reports.
    health: Health
    #: What admins did to accounts and personal data (the console's audit log).
    audit: AuditTrail
    #: The tickets' changes posted to ``[[webhooks]]`` (the app gives it its poster).
    webhooks: Webhooks
    _store: Store = field(repr=False)
    #: The desk's attempt counts (logins, sign-in links, invitations, the API's budget,
    #: help-centre votes, inbound mail): on Redis, shared by every process.
    throttle: Throttle = field(default_factory=Throttle, repr=False)
    #: Operators' two-step sign-in (set by :func:`build_services`; None: not offered).
    two_factor: TwoFactor | None = field(default=None, repr=False)
    #: Links to choose a new password, for operators who forgot theirs.
    password_resets: PasswordResets | None = field(default=None, repr=False)

    @property
    def operator_admin(self) -> OperatorAdmin:
        """Return what admins do to operator accounts (a view over ``operators``)."""
        admin = OperatorAdmin(
            self.operators, self.audit, self.helpdesk.away, zone=self.config.hours.timezone
        )
        if self.password_resets is not None and self.password_resets.enabled:
            admin.invite = self.password_resets.invite
            admin.send_link = self.password_resets.send_link
        return admin

    @property
    def privacy(self) -> Privacy:
        """Return the requests about requesters' personal data (audited)."""
        return Privacy(self.helpdesk, self.audit)

    @property
    def customers(self) -> Customers:
        """Return customer organisations as programs manage them (admins)."""
        return Customers(self.helpdesk, self.audit)

    @property
    def spam(self) -> Spam:
        """Return spam marking and the block list (audited)."""
        return Spam(self.helpdesk, self.audit)

    @property
    def backend(self) -> str:
        """Return the storage backend's name (``sqlite``...)."""
        return self.health.backend


def build_services(
    settings: Settings,
    config: DeskConfig,
    store: Store,
    responder: Responder | None,
    *,
    clock: Callable[[], datetime] = utcnow,
    holder: str | None = None,
    redis: Redis | None = None,
    knowledge: GapSource | None = None,
) -> Services:
    """Wire the services for ``settings`` (the secret key must be set).

    :param clock: the current time for every service (tests move it).
    :param holder: this process's name for job leases (default: host, pid, random).
    :param redis: where processes share login throttles and flood counts (None: each
        process counts for itself).
    :param knowledge: the current bot, for the help centre and the misses' groups (None:
        no knowledge).
    :raises ConfigError: when ``config`` asks for what ``settings`` do not provide.
    """
    if config.password_sign_in == "admins" and not settings.oidc_issuer:  # noqa: S105
        raise ConfigError(
            '[security] password_sign_in = "admins" needs single sign-on for the others: '
            "set CHATDESK_OIDC_ISSUER, CHATDESK_OIDC_CLIENT_ID and CHATDESK_OIDC_CLIENT_SECRET"
        )
    inbox = Inbox(store, config, clock=clock)
    audit = AuditTrail(store, clock=clock)
    routing = RoutingService(
        store, config, inbox, max_message_length=settings.max_message_length, clock=clock,
        audit=audit,
    )  # fmt: skip
    escalation = EscalationService(
        store, config, inbox, routing, on_queued=routing.serve_queue, clock=clock
    )
    desk = DeskService(config, routing, clock=clock)
    routing.desk_status = desk.status
    presence = PresenceService(store, config, inbox, routing, clock=clock)
    conversations = ConversationService(
        store,
        VisitorTokens(settings.secret_key),
        responder=responder,
        handover=escalation,
        max_message_length=settings.max_message_length,
        default_lang=settings.default_lang,
        clock=clock,
    )
    # One store of attempt counts: on Redis, every process sees every attempt.
    throttle = Throttle() if redis is None else Throttle.on_redis(redis)
    operators = OperatorService(
        store,
        SessionTokens(settings.secret_key),
        departments=config.departments,
        throttle=throttle,
        clock=clock,
        two_factor=config.two_factor,
        password_sign_in=config.password_sign_in,
        sso=bool(settings.oidc_issuer),
    )
    helpdesk = build_helpdesk(
        store,
        config,
        settings.secret_key,
        default_lang=settings.default_lang,
        clock=clock,
        altcha_cost=settings.altcha_cost,
        throttle=throttle,
    )
    holder = holder or process_name()
    escalation.check_access = helpdesk.people.check_access
    escalation.check_sender = helpdesk.blocks.check
    escalation.answered = helpdesk.chat.visitor_wrote
    helpdesk.tickets.chat_changed = lambda conversation_id: inbox.changed([conversation_id])
    mail = build_mail(
        settings, config, store, helpdesk, clock=clock, holder=holder, throttle=throttle
    )
    helpdesk.signin.send = _sign_in_mailer(mail, settings.public_url, clock)
    mail.transcripts.bot_name = conversations.bot_name
    mail.transcripts.audit = audit
    resets = PasswordResets(
        store, operators, mail.outbox, settings.secret_key, public_url=settings.public_url,
        throttle=throttle, clock=clock,
    )  # fmt: skip
    resets.audit = audit
    if mail.enabled:
        operators.password_changed = resets.changed
        notices = SignInNotices(mail.outbox, public_url=settings.public_url, clock=clock)
        operators.new_device = notices.new_device
    desk.transcripts = mail.enabled
    seats = settings.public_url.rstrip("/") + "/support/org"
    helpdesk.people.tell_admin = lambda admin, data: mail.addresses.seat_requested(
        admin, data | {"link": seats}
    )
    helpdesk.people.tell_freed = mail.addresses.seat_freed
    webhooks = Webhooks(store, config.webhooks, settings.secret_key, clock=clock)
    jobs = JobRunner(
        store.leases,
        [
            Job("routing", timedelta(seconds=JOB_SECONDS), presence.tick),
            Job("sla", timedelta(seconds=SLA_SECONDS), helpdesk.clocks.check_sla),
            Job("auto_close", timedelta(seconds=AUTO_CLOSE_SECONDS), helpdesk.clocks.auto_close),
            Job("holds", timedelta(seconds=SLA_SECONDS), helpdesk.clocks.wake_holds),
            # Quick whatever the endpoints do: the posting runs in a task of its own.
            Job("webhooks", timedelta(seconds=JOB_SECONDS), webhooks.run),
            Job(
                "retention",
                timedelta(seconds=RETENTION_SECONDS),
                RetentionJob(store, config.retention, clock=clock).run,
            ),
            # Expired console sessions' rows (their cookies are refused anyway).
            Job("console_sessions", timedelta(seconds=RETENTION_SECONDS), operators.sessions.purge),
        ],
        holder=holder,
        clock=clock,
    )
    return Services(
        settings,
        config,
        conversations,
        desk,
        inbox,
        escalation,
        routing,
        presence,
        TicketService(store, config, inbox, clock=clock),
        operators,
        CannedService(store),
        jobs,
        helpdesk,
        mail,
        VisitorFlood.for_visitors(
            rate=settings.visitor_rate,
            burst=settings.visitor_burst,
            tabs=settings.visitor_tabs,
            redis=redis,
        ),
        HelpCentre(knowledge, store, throttle=throttle, clock=clock),
        Gaps(knowledge, store, clock=clock),
        ChatFiles(
            store,
            VisitorTokens(settings.secret_key),
            ChatFileLinks(settings.secret_key),
            config.helpdesk.attachments,
            clock=clock,
        ),
        Health(store),
        audit,
        webhooks,
        store,
        throttle,
        TwoFactor(store, settings.secret_key, issuer=config.name, throttle=throttle, clock=clock),
        resets,
    )


def _sign_in_mailer(
    mail: Mail, public_url: str, clock: Callable[[], datetime]
) -> Callable[[SignInRequested], Awaitable[bool]]:
    """Return what puts a portal sign-in link in the outbox (the link made absolute)."""

    async def send(event: SignInRequested) -> bool:
        minutes = int((event.expires_at - clock()).total_seconds() // 60)
        return await mail.addresses.sign_in_requested(
            event.requester.email,
            public_url.rstrip("/") + event.link,
            lang=event.lang,
            minutes=max(1, minutes),
            name=event.requester.name,
        )

    return send
