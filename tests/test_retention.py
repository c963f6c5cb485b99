"""The retention policy ([privacy]): read from chatdesk.toml, applied by the desk's job on
the test clock, and a visitor whose chat it deleted starts afresh over a real socket."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import socketio
from aiohttp import ClientSession, CookieJar

from chatdesk.deskconfig import Retention, load_desk_config
from chatdesk.errors import ConfigError
from chatdesk.helpdesk import NewTicket
from chatdesk.models import Mode, utcnow
from chatdesk.retention import BATCH, RESCAN, RetentionJob
from chatdesk.services import Services, build_services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from .conftest import StartServer
from .desk import Clock, make_services
from .test_console_http import PASSWORD, login


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "chatdesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_policy_is_read_from_the_privacy_table(tmp_path: Path) -> None:
    assert load_desk_config(_config(tmp_path, "")).retention == Retention()
    path = _config(
        tmp_path, "[privacy]\ndelete_chats_after_days = 90\nanonymise_tickets_after_days = 730\n"
    )
    assert load_desk_config(path).retention == Retention(timedelta(days=90), timedelta(days=730))
    with pytest.raises(ConfigError, match=r"\[privacy\] delete_chats_after_days: .*>= 0"):
        load_desk_config(_config(tmp_path, "[privacy]\ndelete_chats_after_days = -1\n"))
    with pytest.raises(ConfigError, match=r"\[privacy\] unknown key 'keep_chats'"):
        load_desk_config(_config(tmp_path, "[privacy]\nkeep_chats = 3\n"))


def _desk(store: Store, clock: Clock, chats: int, tickets: int) -> Services:
    made = make_services(store, clock)
    policy = Retention(timedelta(days=chats), timedelta(days=tickets))
    return build_services(
        made.settings, replace(made.config, retention=policy), store, None, clock=clock
    )


async def test_the_desk_s_job_deletes_old_chats_and_anonymises_closed_tickets(
    store: Store, clock: Clock
) -> None:
    desk = _desk(store, clock, chats=30, tickets=365)
    session = await desk.conversations.visitor_connected(token=None, lang="fr", page="/")
    chat = session.conversation.id
    await desk.conversations.visitor_said(chat, client_id="c1", text="Vos tarifs ?")
    ticket, _ = await desk.helpdesk.filing.file(
        NewTicket(email="lea@example.be", name="Léa", subject="Site de Léa en panne",
                  description="Depuis ce matin.", lang="fr")
    )  # fmt: skip
    lea = await desk.helpdesk.people.find("lea@example.be")
    await desk.helpdesk.tickets.requester_closed(lea, ticket.id)
    await desk.jobs.run_due()
    assert await store.conversations.get_conversation(chat) is not None

    clock.advance(days=29)
    await desk.jobs.run_due()
    assert await store.conversations.get_conversation(chat) is not None
    clock.advance(days=2)
    await desk.jobs.run_due()
    assert await store.conversations.get_conversation(chat) is None
    assert await store.conversations.get_visitor(session.visitor.id) is None
    kept = await store.helpdesk.get_ticket(ticket.id)
    assert kept is not None and kept.subject == "Site de Léa en panne"

    clock.advance(days=365)
    await desk.jobs.run_due()
    after = await store.helpdesk.get_ticket(ticket.id)
    assert after is not None and (after.subject, after.requester_email) == ("—", "")
    assert after.number == ticket.number and after.status == "closed"
    assert await store.helpdesk.list_ticket_messages(ticket.id) == []


async def test_a_policy_that_keeps_everything_takes_nothing(store: Store, clock: Clock) -> None:
    desk = make_services(store, clock)
    session = await desk.conversations.visitor_connected(token=None, lang="fr", page="/")
    await desk.jobs.run_due()
    clock.advance(days=10 * 365)
    await desk.jobs.run_due()
    assert await store.conversations.get_conversation(session.conversation.id) is not None
    assert await RetentionJob(store, Retention(), clock=clock).due() == (0, 0)


async def test_a_backlog_is_taken_over_several_batches(store: Store, clock: Clock) -> None:
    desk = make_services(store, clock)
    for _ in range(BATCH + 5):
        await desk.conversations.visitor_connected(token=None, lang="fr", page="/")
    clock.advance(days=2)
    job = RetentionJob(store, Retention(chats=timedelta(days=1)), clock=clock)
    assert await job.due() == (BATCH + 5, 0)
    await job.run()
    assert await job.due() == (0, 0)


async def test_a_chat_people_had_is_found_again_once_handed_back(
    store: Store, clock: Clock
) -> None:
    desk = make_services(store, clock)
    session = await desk.conversations.visitor_connected(token=None, lang="fr", page="/")
    chat = session.conversation.id
    await store.conversations.set_mode(chat, Mode.QUEUED)
    clock.advance(days=2)
    job = RetentionJob(store, Retention(chats=timedelta(days=1)), clock=clock)
    await job.run()  # waiting for people: kept, and the scan's cursor goes past it
    assert await store.conversations.get_conversation(chat) is not None
    await store.conversations.set_mode(chat, Mode.BOT, expect=Mode.QUEUED)
    await job.run()
    assert await store.conversations.get_conversation(chat) is not None
    clock.now += RESCAN
    await job.run()
    assert await store.conversations.get_conversation(chat) is None


async def test_a_visitor_whose_chat_was_deleted_starts_afresh(
    start_server: StartServer, visitor_factory: Any, new_client: Any, tmp_path: Path
) -> None:
    config = _config(tmp_path, "[privacy]\ndelete_chats_after_days = 30\n")
    server = await start_server(config_file=config)
    services: Services = server.app[SERVICES]
    assert services.config.retention.chats == timedelta(days=30)
    old = new_client(server)
    await old.connect()
    await old.say("Bonjour")

    later = utcnow() + timedelta(days=31)
    job = RetentionJob(services._store, services.config.retention, clock=lambda: later)
    await job.run()
    # Still connected when its chat went (a tab left open a month): told, not crashed.
    ack = await old.call("message", {"client_id": "c" * 16, "text": "Encore là ?"})
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    await old.close()

    again = new_client(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await again.connect({"token": old.token})
    assert again.connect_error["message"] == "invalid_token"
    fresh = new_client(server)
    await fresh.connect()
    assert fresh.token != old.token
    assert fresh.session["desk"]["chats_kept_days"] == 30  # the widget tells the visitor
    assert (await fresh.say("Me revoilà"))["text"] == "Me revoilà"


async def test_the_console_s_privacy_page_states_the_policy(
    start_server: StartServer, tmp_path: Path
) -> None:
    config = _config(tmp_path, "[privacy]\ndelete_chats_after_days = 30\n")
    server = await start_server(config_file=config)
    await server.app[SERVICES].operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("fr",), password=PASSWORD,
    )  # fmt: skip
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as http:
        await login(http)
        async with http.get("/console/privacy", headers={"Accept-Language": "fr"}) as response:
            page = await response.text()
    assert "supprimées 30 jours après leur dernier message" in page
    assert "Les tickets fermés sont gardés." in page
