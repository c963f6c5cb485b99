"""create_app(): wire settings, store, services and transports into one aiohttp app."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import aiohttp_jinja2
import jinja2
import socketio
from aiohttp import web
from redis.asyncio import Redis

from .bot.embeddings import EMBEDDINGS_FILE
from .bot.encoderproc import ProcessEncoder
from .bot.library import KnowledgeLibrary
from .bot.responder import BotResponder
from .config import Settings
from .conversation import Responder
from .deskconfig import load_desk_config
from .jobs import JobRunner
from .logs import process_label
from .looplag import LoopLagProbe
from .mailconfig import parse_listen
from .metrics import Metrics
from .models import utcnow
from .realtime import OperatorNamespace, Publisher, VisitorNamespace, create_sio
from .realtime.fanout import BoundedRedisManager
from .realtime.server import install_quiet_websocket, websocket_compression
from .redislink import connect_redis
from .services import Services, build_services
from .smtpserver import MailReceiver, start_receiver
from .store import Store, create_store
from .web import (
    account,
    api,
    auditpage,
    auth,
    awaypage,
    blockpages,
    chatfiles,
    console,
    gaps,
    helpcentre,
    hookpages,
    identitypages,
    importpage,
    mailpages,
    newticket,
    noticepages,
    operatorpages,
    orgpages,
    passwordpages,
    privacypages,
    problempages,
    reports,
    requesterpages,
    routes,
    rulepages,
    sso,
    support,
    ticketcsv,
    tickets,
    twofactor,
    viewpages,
)
from .web.appkeys import EVENTS, LIBRARY, METRICS, SERVICES, SETTINGS
from .web.hookpost import HookPoster
from .web.hookpost import render as render_hook

__all__ = [
    "OPERATORS_NS",
    "PUBLISHER",
    "REDIS",
    "SIO",
    "STORE",
    "VISITORS",
    "create_app",
]

log = logging.getLogger(__name__)

#: How often each process looks for periodic jobs whose turn has come.
TICK_SECONDS = 1.0

STORE = web.AppKey("store", Store)
SIO = web.AppKey("sio", socketio.AsyncServer)
PUBLISHER = web.AppKey("publisher", Publisher)
VISITORS = web.AppKey("visitors", VisitorNamespace)
#: How often consoles whose session ended while they were idle are cut.
SESSION_SWEEP_SECONDS = 60.0
OPERATORS_NS = web.AppKey("operators_ns", OperatorNamespace)
#: The process's Redis client (bounded pool), when CHATDESK_REDIS_URL is set.
REDIS = web.AppKey("redis", Redis)

_TEMPLATES = Path(__file__).parent / "web" / "templates"


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    responder: Responder | None = None,
    clock: Callable[[], datetime] = utcnow,
    tick: float | None = TICK_SECONDS,
) -> web.Application:
    """Return the chatdesk web application for ``settings``.

    :param store: an unopened store to use instead of the configured one.
    :param responder: what answers visitors (default: the FAQ bot on
        ``settings.knowledge_dir``, or nobody when that is unset).
    :param clock: the current time for every service (tests move it).
    :param tick: seconds between two looks for due periodic jobs; None: tests run
        ``app[SERVICES].jobs.run_due()`` themselves.
    """
    settings = settings.with_secret()
    app = web.Application(client_max_size=1024**2)
    store = store if store is not None else create_store(settings)
    metrics = Metrics(process_label(settings.process_name))
    # Services see the store through the metrics' timing (the app opens and closes it).
    timed = metrics.timed_store(store)
    library = None
    if responder is None and settings.knowledge_dir is not None:
        # The child process starts at the first question; only the server uses it.
        encoder = ProcessEncoder() if settings.bot_encoder == "process" else None
        library = KnowledgeLibrary(
            settings.knowledge_dir, cache_path=settings.data_dir / EMBEDDINGS_FILE, encoder=encoder
        )
        app[LIBRARY] = library
        app.cleanup_ctx.append(functools.partial(_library_lifetime, encoder=encoder))
        responder = BotResponder(library)
    if isinstance(responder, BotResponder):
        decisions = responder.decisions
        metrics.watch_counts(
            "chatdesk_bot_decisions", "Bot decisions by kind.", "decision", lambda: decisions
        )
    config = load_desk_config(settings.config_file)
    redis = connect_redis(settings)
    services = build_services(
        settings, config, timed, responder, clock=clock, redis=redis, knowledge=library
    )
    sio = create_sio(settings, redis)
    compress = settings.websocket_compression == "on"
    if not install_quiet_websocket(sio, compress=compress):
        app.middlewares.append(websocket_compression(compress))
    publisher = Publisher(sio, metrics, services.chatfiles.links)
    visitors = VisitorNamespace(services, publisher, metrics)
    operators = OperatorNamespace(services, publisher, metrics)
    sio.register_namespace(visitors)
    sio.register_namespace(operators)
    sio.attach(app)
    _watch(metrics, services, visitors, operators)
    probe = LoopLagProbe(observe=metrics.observe_loop_lag)
    metrics.watch_loop_lag(lambda: probe.max_lag)
    app.cleanup_ctx.append(functools.partial(_probe_lifetime, probe=probe))

    app[SETTINGS] = settings
    app[STORE] = store
    app[SERVICES] = services
    app[SIO] = sio
    app[PUBLISHER] = publisher
    app[EVENTS] = publisher
    app[VISITORS] = visitors
    app[OPERATORS_NS] = operators
    app[METRICS] = metrics
    if redis is not None:
        app[REDIS] = redis
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True)
    # cleanup_ctx runs in order at start-up and in reverse at shutdown: the store opens
    # first and closes last.
    app.cleanup_ctx.insert(0, _store_lifetime)
    app.cleanup_ctx.append(_shared_state_lifetime)
    services.webhooks.poster, services.webhooks.render = HookPoster(), render_hook
    app.cleanup_ctx.append(_webhooks_lifetime)
    if tick is not None:
        app.cleanup_ctx.append(functools.partial(_periodic_jobs, tick=tick))
    if settings.mail_in_listen:
        app.cleanup_ctx.append(_mail_receiver)
    app.on_shutdown.append(_close_sockets)
    routes.setup(app)
    chatfiles.setup(app)
    auth.setup(app)
    passwordpages.setup(app)
    sso.setup(app)
    tickets.setup(app)  # before the console's catch-all /console/{view}
    ticketcsv.setup(app)
    newticket.setup(app)
    reports.setup(app)
    gaps.setup(app)
    orgpages.setup(app)
    noticepages.setup(app)
    account.setup(app)
    awaypage.setup(app)
    twofactor.setup(app)
    operatorpages.setup(app)
    privacypages.setup(app)
    auditpage.setup(app)
    hookpages.setup(app)
    rulepages.setup(app)
    blockpages.setup(app)
    problempages.setup(app)
    importpage.setup(app)
    requesterpages.setup(app)
    identitypages.setup(app)
    viewpages.setup(app)
    console.setup(app)
    api.setup(app)
    support.setup(app)
    mailpages.setup(app)
    helpcentre.setup(app)
    return app


def _watch(
    metrics: Metrics,
    services: Services,
    visitors: VisitorNamespace,
    operators: OperatorNamespace,
) -> None:
    """Let the metrics read what the namespaces and services count themselves."""
    metrics.watch_connections(lambda: visitors.connections, lambda: operators.connections)
    jobs, presence = services.jobs, services.presence
    metrics.watch_counts(
        "chatdesk_job_runs", "Periodic job runs in this process.", "job", lambda: jobs.runs
    )
    metrics.watch_counts(
        "chatdesk_offers_expired",
        "Offers withdrawn by this process because nobody accepted them in time.",
        "",
        lambda: {"": presence.expired_offers},
    )


async def _close_sockets(app: web.Application) -> None:
    # Let bot replies under way reach the store before it closes (not forever, though).
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(app[VISITORS].drain(), timeout=5)
    await app[SIO].shutdown()


async def _probe_lifetime(app: web.Application, *, probe: LoopLagProbe) -> AsyncIterator[None]:
    probe.start()
    yield
    await probe.stop()


async def _store_lifetime(app: web.Application) -> AsyncIterator[None]:
    store = app[STORE]
    await store.open()
    yield
    await store.close()


async def _shared_state_lifetime(app: web.Application) -> AsyncIterator[None]:
    manager = app[SIO].manager
    if isinstance(manager, BoundedRedisManager):
        # Listen before serving: what other processes publish for clients that connect
        # here from the first moment must not be missed.
        await manager.ready()
    yield
    await app[SERVICES].flood.close()
    if isinstance(manager, BoundedRedisManager):
        await manager.close()
    redis = app.get(REDIS)
    if redis is not None:
        await redis.aclose(close_connection_pool=True)


async def _webhooks_lifetime(app: web.Application) -> AsyncIterator[None]:
    yield
    webhooks = app[SERVICES].webhooks
    await webhooks.close()
    if isinstance(webhooks.poster, HookPoster):
        await webhooks.poster.close()


async def _library_lifetime(
    app: web.Application, *, encoder: ProcessEncoder | None
) -> AsyncIterator[None]:
    library = app[LIBRARY]
    try:
        await library.start()
        yield
        await library.stop()
    finally:  # also when the knowledge is invalid at start-up
        if encoder is not None:
            await asyncio.to_thread(encoder.close)  # joins the child: off the loop


async def _sweep_sessions(operators: OperatorNamespace) -> None:
    """Cut, once a minute, the consoles whose session ended while they sent nothing."""
    while True:
        await asyncio.sleep(SESSION_SWEEP_SECONDS)
        try:
            await operators.cut_ended_sessions()
        except Exception:  # the sweep must go on after a transient store error
            log.exception("the sessions' sweep failed")


#: Seconds the shutdown waits for the periodic loops to end once told to.
_LOOPS_STOP = 10.0


async def _periodic_jobs(app: web.Application, *, tick: float) -> AsyncIterator[None]:
    services, publisher = app[SERVICES], app[PUBLISHER]
    stopping = asyncio.Event()

    async def loop(runner: JobRunner) -> None:
        while not stopping.is_set():
            await asyncio.sleep(tick)
            try:
                await publisher.publish(await runner.run_due())
            except Exception:  # the jobs must go on after a transient store error
                log.exception("periodic jobs failed")

    # Mail has its own loop: a slow SMTP server must not delay the routing upkeep.
    runners = [services.jobs, services.mail.jobs]
    if services.mail.imap_jobs is not None:  # and IMAP its own: a slow server delays nothing
        runners.append(services.mail.imap_jobs)
    tasks = [asyncio.create_task(loop(r), name=f"periodic-jobs-{i}") for i, r in enumerate(runners)]
    tasks.append(asyncio.create_task(_sweep_sessions(app[OPERATORS_NS]), name="session-sweep"))
    yield
    stopping.set()
    for task in tasks:
        task.cancel()
    # A job may lose the cancellation (Python 3.11's asyncio.wait_for, as the SMTP client
    # uses it, swallows one that comes as its own wait ends): the loops also stop at their
    # next turn, and the shutdown waits for them a while only (never forever).
    await asyncio.wait(tasks, timeout=_LOOPS_STOP)
    for runner in runners:
        with contextlib.suppress(Exception):  # the store may be gone; leases then expire
            await runner.stop()


async def _mail_receiver(app: web.Application) -> AsyncIterator[None]:
    settings, services = app[SETTINGS], app[SERVICES]
    host, port = parse_listen(settings.mail_in_listen)
    limits = services.config.helpdesk.attachments
    # Attachments travel in base64 (4/3 of their size), with room for the text.
    handler = MailReceiver(services.mail.inbound, app[PUBLISHER].publish)
    server = await start_receiver(handler, host, port, max_size=limits.max_ticket * 4 // 3 + 2**20)
    log.info("receiving mail on %s:%d", host, port)
    yield
    server.close()
    await server.wait_closed()
