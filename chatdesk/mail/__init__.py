"""E-mail both ways: the outbox and its worker, templates, reminders, the weekly report,
incoming mail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..config import Settings
from ..deskconfig import DeskConfig
from ..helpdesk import Helpdesk
from ..jobs import Job, JobRunner
from ..mailconfig import parse_imap_url, parse_smtp_url
from ..models import utcnow
from ..store import Store
from ..throttle import Throttle
from .addresses import AddressBook
from .compose import Composer
from .imap import ImapPoller
from .inbound import InboundMail, Outcome, Received
from .outbox import Outbox
from .planner import FeedPlanner
from .reminders import Reminders
from .sender import DeliveryError, Sender, SmtpSender
from .transcript import Transcripts
from .weekly import WeeklyReports

__all__ = [
    "MAIL_SECONDS",
    "REMINDER_SECONDS",
    "AddressBook",
    "DeliveryError",
    "ImapPoller",
    "InboundMail",
    "Mail",
    "Outbox",
    "Outcome",
    "Received",
    "Sender",
    "SmtpSender",
    "Transcripts",
    "WeeklyReports",
    "build_mail",
]

#: How often the outbox turns the feed into mail and sends what is due.
MAIL_SECONDS = 5.0
#: How often pending reminders are looked for.
REMINDER_SECONDS = 300.0
#: How often the weekly report looks whether its Monday came.
WEEKLY_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class Mail:
    """The desk's e-mail services (docs/email.md); ``jobs`` run them under leases."""

    outbox: Outbox
    inbound: InboundMail
    reminders: Reminders
    addresses: AddressBook
    jobs: JobRunner
    #: Chats' transcripts mailed on the visitor's request.
    transcripts: Transcripts
    #: Last week's figures to admins and service managers (``[email] weekly_report``).
    weekly: WeeklyReports
    #: IMAP polling (``CHATDESK_IMAP_URL``) and its ``imap`` job, on a runner of its own:
    #: a slow IMAP server must not delay sending.
    imap: ImapPoller | None = None
    imap_jobs: JobRunner | None = None

    @property
    def enabled(self) -> bool:
        """Return whether the desk sends e-mail (``CHATDESK_SMTP_URL`` is set)."""
        return self.outbox.enabled


def build_mail(
    settings: Settings,
    config: DeskConfig,
    store: Store,
    helpdesk: Helpdesk,
    *,
    sender: Sender | None = None,
    clock: Callable[[], datetime] = utcnow,
    holder: str | None = None,
    throttle: Throttle | None = None,
) -> Mail:
    """Wire e-mail for ``settings``: SMTP when ``smtp_url`` is set (or ``sender``);
    ``throttle``: where inbound mail's counts per sender live (the desk's, shared)."""
    if sender is None and settings.smtp_url:
        sender = SmtpSender(parse_smtp_url(settings.smtp_url))
    lang = settings.default_lang
    composer = Composer(
        store, config, helpdesk.links, public_url=settings.public_url, sender=settings.mail_from
    )
    planner = FeedPlanner(store, config, default_lang=lang)
    outbox = Outbox(
        store, planner, composer, sender, clock=clock, registered=helpdesk.clocks.registered
    )
    reminders = Reminders(store, config, outbox, default_lang=lang, clock=clock)
    weekly = WeeklyReports(store, config, outbox, helpdesk.reports, clock=clock)
    inbound = InboundMail(
        store, config, helpdesk, outbox, secret_key=settings.secret_key,
        throttle=throttle or Throttle(),
        domain=composer.domain, default_lang=lang, clock=clock,
    )  # fmt: skip
    jobs = JobRunner(
        store.leases,
        [
            Job("mail", timedelta(seconds=MAIL_SECONDS), outbox.run),
            Job("mail_reminders", timedelta(seconds=REMINDER_SECONDS), reminders.run),
            Job("weekly_report", timedelta(seconds=WEEKLY_SECONDS), weekly.run),
        ],
        holder=holder,
        clock=clock,
    )
    addresses = AddressBook(store, outbox, default_lang=lang, clock=clock)
    transcripts = Transcripts(
        store, outbox, throttle=throttle or Throttle(), check_sender=helpdesk.blocks.check,
        clock=clock,
    )  # fmt: skip
    imap, imap_jobs = None, None
    if settings.imap_url:
        every = timedelta(seconds=settings.imap_poll)
        limits = config.helpdesk.attachments
        imap = ImapPoller(
            parse_imap_url(settings.imap_url), inbound, every=every, clock=clock,
            max_size=limits.max_ticket * 4 // 3 + 2**20,  # as the SMTP receiver's
        )  # fmt: skip
        imap_jobs = JobRunner(store.leases, [Job("imap", every, imap.run)], holder=holder,
                              clock=clock)  # fmt: skip
    return Mail(outbox, inbound, reminders, addresses, jobs, transcripts, weekly, imap, imap_jobs)
