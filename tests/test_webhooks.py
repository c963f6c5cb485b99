"""Webhooks end to end: a real HTTP receiver on a free port, signed bodies in the API's
shapes, retries on the test clock, given-up deliveries, the command line, the app's job."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import msgspec
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from chatdesk.cli import main
from chatdesk.deskconfig import load_desk_config
from chatdesk.errors import ConfigError
from chatdesk.helpdesk import NewTicket
from chatdesk.hookconfig import Webhook
from chatdesk.models import Ticket
from chatdesk.models.hooks import HookState
from chatdesk.services import Services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES
from chatdesk.web.hookpost import HookPoster, render
from chatdesk.webhooks import MAX_ATTEMPTS, Webhooks
from chatdesk.wire.hooks import WebhookBody

from .conftest import StartServer
from .desk import Clock, make_services
from .helpdesk.conftest import operator
from .ports import free_port


@dataclass
class Received:
    event: str
    headers: dict[str, str]
    raw: bytes
    body: WebhookBody


@dataclass
class Receiver:
    """An HTTP endpoint that answers ``status`` and keeps what it was sent."""

    url: str = ""
    status: int = 204
    got: asyncio.Queue[Received] = field(default_factory=asyncio.Queue)

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = msgspec.json.decode(raw, type=WebhookBody)  # strict: unknown fields refused
        self.got.put_nowait(Received(body.event, dict(request.headers), raw, body))
        return web.Response(status=self.status)

    def drain(self) -> list[Received]:
        out = []
        while not self.got.empty():
            out.append(self.got.get_nowait())
        return out


@pytest.fixture
async def receiver(aiohttp_server: Any) -> Receiver:
    found = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", found.handle)
    server: TestServer = await aiohttp_server(app)
    found.url = str(server.make_url("/hooks"))
    return found


@pytest.fixture
async def hooks(store: Store, clock: Clock, receiver: Receiver) -> AsyncIterator[Services]:
    desk = make_services(store, clock)
    endpoints = (
        Webhook("all", receiver.url),
        Webhook("crm", receiver.url + "?crm", ("ticket.created", "ticket.status")),
    )
    service = Webhooks(store, endpoints, "s" * 40, clock=clock)
    service.poster, service.render = HookPoster(), render
    yield replace(desk, webhooks=service)
    await service.close()
    assert isinstance(service.poster, HookPoster)
    await service.poster.close()


async def file(desk: Services) -> Ticket:
    ticket, _ = await desk.helpdesk.filing.file(
        NewTicket(email="lea@example.be", name="Léa", subject="Site en panne",
                  description="Depuis ce matin le site ne répond plus.", lang="fr")
    )  # fmt: skip
    return ticket


def verify(secret: str, got: Received) -> bool:
    stamp = got.headers["X-Chatdesk-Timestamp"]
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + got.raw, hashlib.sha256)
    return hmac.compare_digest(got.headers["X-Chatdesk-Signature"], "sha256=" + mac.hexdigest())


async def turn(desk: Services) -> int:
    await desk.webhooks.plan_feed()
    return await desk.webhooks.send_due()


async def test_a_filed_ticket_is_posted_signed_in_the_apis_shapes(
    hooks: Services, receiver: Receiver
) -> None:
    ticket = await file(hooks)
    assert await turn(hooks) == 4
    got = receiver.drain()
    # "all" gets the new requester, the description (a message) and the creation, "crm"
    # only the creation.
    assert sorted(g.event for g in got) == [
        "message.created", "requester.created", "ticket.created", "ticket.created"
    ]  # fmt: skip
    created = next(g for g in got if g.event == "ticket.created")
    body = created.body
    assert body.ticket is not None and body.ticket.id == ticket.id
    assert body.ticket.number == "#000001" and body.ticket.requester.email == "lea@example.be"
    assert body.change is not None and body.change.kind == "created" and body.message is None
    message = next(g for g in got if g.event == "message.created").body.message
    assert message is not None and message.text.startswith("Depuis ce matin")
    assert message.author == "requester" and not message.internal
    for g in got:
        assert g.headers["X-Chatdesk-Delivery"] == g.body.id
        assert g.headers["X-Chatdesk-Event"] == g.event
        assert g.headers["Content-Type"] == "application/json"
        assert g.headers["User-Agent"].startswith("chatdesk-webhooks/")
    # Each endpoint has its own secret, and signs the exact bytes sent.
    for g in got:
        assert verify(hooks.webhooks.secret("all"), g) != verify(hooks.webhooks.secret("crm"), g)
    assert not verify(hooks.webhooks.secret("all"), replace(created, raw=created.raw + b" "))
    assert hooks.webhooks.secret("all").startswith("whsec_")
    assert await turn(hooks) == 0 and receiver.drain() == []  # each change once


async def test_notes_status_and_replies(hooks: Services, receiver: Receiver) -> None:
    ticket = await file(hooks)
    await turn(hooks)
    receiver.drain()
    ann = await operator(hooks, "Ann")
    await hooks.helpdesk.tickets.reply(ticket.id, ann, "Un instant", internal=True)
    await hooks.helpdesk.tickets.reply(ticket.id, ann, "Bonjour Léa")
    await turn(hooks)
    got = receiver.drain()
    events = sorted((g.event, g.headers.get("X-Chatdesk-Event")) for g in got)
    assert ("note.created", "note.created") in events
    note = next(g.body for g in got if g.event == "note.created")
    assert note.message is not None and note.message.internal and note.message.author == "operator"
    # The public reply opened the ticket: "crm" hears of the status.
    status = [g for g in got if g.event == "ticket.status"]
    assert len(status) == 2 and status[0].body.change is not None
    assert status[0].body.change.data["to"] == "open"


async def test_failures_are_retried_later_then_given_up(
    hooks: Services, receiver: Receiver, clock: Clock
) -> None:
    hooks = replace(hooks, webhooks=_only(hooks.webhooks, "crm"))
    await file(hooks)
    receiver.status = 500
    assert await turn(hooks) == 0
    first = receiver.drain()
    assert [g.event for g in first] == ["ticket.created"]
    assert await turn(hooks) == 0 and receiver.drain() == []  # not before its time
    clock.advance(seconds=30)
    receiver.status = 200
    assert await turn(hooks) == 1
    (again,) = receiver.drain()
    assert again.body.id == first[0].body.id  # the same delivery: receivers drop repeats
    sent = await hooks._store.hooks.list_deliveries(HookState.SENT)
    assert sent[0].attempts == 2 and sent[0].last_error == "HTTP 500"

    # 410 Gone: given up at once, shown to admins, queued again on request.
    ann = await operator(hooks, "Ann")
    ticket = await hooks._store.helpdesk.get_ticket(sent[0].ticket_id)
    assert ticket is not None
    await hooks.helpdesk.tickets.reply(ticket.id, ann, "Bonjour")
    receiver.status = 410
    await turn(hooks)
    (failed,) = await hooks.webhooks.failures()
    assert failed.event == "ticket.status" and failed.last_error == "HTTP 410"
    receiver.drain()
    receiver.status = 204
    await hooks.webhooks.retry(None, failed.id)
    assert await turn(hooks) == 1 and len(receiver.drain()) == 1
    with pytest.raises(Exception, match="no such failed delivery"):
        await hooks.webhooks.retry(None, failed.id)


async def test_an_endpoint_that_is_down_is_tried_for_hours(hooks: Services, clock: Clock) -> None:
    down = Webhooks(hooks._store, (Webhook("down", f"http://127.0.0.1:{free_port()}/x"),),
                    "s" * 40, clock=clock)  # fmt: skip
    down.poster, down.render = HookPoster(), render
    try:
        await file(hooks)
        await down.plan_feed()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert await down.send_due() == 0
            clock.advance(hours=1)
            failed = await down.failures()
            assert bool(failed) == (attempt == MAX_ATTEMPTS)
        assert failed[0].attempts == MAX_ATTEMPTS
        assert failed[0].last_error.startswith("not reached")
    finally:
        assert isinstance(down.poster, HookPoster)
        await down.poster.close()


async def test_an_erased_requester_is_never_posted(hooks: Services, receiver: Receiver) -> None:
    # Planned before the erasure, made after it: bodies are made when they are sent.
    await file(hooks)
    await hooks.webhooks.plan_feed()
    assert await hooks.helpdesk.people.forget("lea@example.be") == 1
    await hooks.webhooks.send_due()
    got = receiver.drain()
    assert got
    for g in got:
        assert b"lea@example.be" not in g.raw and "Léa".encode() not in g.raw
        assert b"Depuis ce matin" not in g.raw
    failed = await hooks.webhooks.failures()
    # The erased description, and the requester's record.
    assert {(f.event, f.last_error) for f in failed} == {
        ("message.created", "the message is gone"),
        ("requester.created", "the requester is gone"),
    }
    # What is said afterwards is that they are gone, by id alone.
    await turn(hooks)
    (gone,) = [g for g in receiver.drain() if g.event == "requester.deleted"]
    assert gone.body.requester is None and gone.body.requester_id
    assert gone.body.ticket is None and b"lea@example.be" not in gone.raw


def _only(service: Webhooks, name: str) -> Webhooks:
    kept = tuple(e for e in service.endpoints if e.name == name)
    found = Webhooks(service.store, kept, "s" * 40, clock=service.clock)
    found.poster, found.render = service.poster, service.render
    return found


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('name = "CRM"\nurl = "https://x.test/"', "must be 1-40 lower-case"),
        ('name = "crm"\nurl = "ftp://x.test/"', "must be an http:// or https:// URL"),
        ('name = "crm"\nurl = "https://u:p@x.test/"', "no user or password"),
        ('name = "crm"\nurl = "https://x.test/"\nevents = ["tickets.*"]', "matches no event"),
        ('name = "crm"\nurl = "https://x.test/"\nevents = []', "name at least one event"),
        ('name = "crm"\nurl = "https://x.test/"\nsecret = "x"', "unknown key 'secret'"),
        ('url = "https://x.test/"', "name"),
    ],
)
def test_bad_webhook_entries_are_named(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(f"[[webhooks]]\n{toml}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_desk_config(path)


def test_two_endpoints_cannot_share_a_name(tmp_path: Path) -> None:
    path = tmp_path / "chatdesk.toml"
    entry = '[[webhooks]]\nname = "crm"\nurl = "https://x.test/"\n'
    path.write_text(entry + entry, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"#2 name: 'crm' is used twice"):
        load_desk_config(path)


async def test_the_running_desk_posts_what_the_api_files(
    start_server: StartServer, receiver: Receiver, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text(
        f'[[webhooks]]\nname = "crm"\nurl = "{receiver.url}"\nevents = ["ticket.*"]\n',
        encoding="utf-8",
    )
    server = await start_server(config_file=config)
    services: Services = server.app[SERVICES]
    await file(services)
    await services.jobs.run_due()  # the job plans, and posts in a task of its own
    got = await asyncio.wait_for(receiver.got.get(), timeout=10)
    assert got.event == "ticket.created"
    assert verify(services.webhooks.secret("crm"), got)


def test_the_command_line(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    config = tmp_path / "chatdesk.toml"
    config.write_text(
        f'[[webhooks]]\nname = "crm"\nurl = "{receiver.url}"\nevents = ["ticket.*"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CHATDESK_CONFIG_FILE", str(config))
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHATDESK_KNOWLEDGE_DIR", "")
    assert main(["webhooks", "list"]) == 0
    assert "crm" in capsys.readouterr().out
    assert main(["webhooks", "secret", "crm"]) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("whsec_")
    assert main(["webhooks", "secret", "erp"]) == 1
    assert "no webhook named 'erp'" in capsys.readouterr().err
    assert main(["webhooks", "failed"]) == 0
    assert "no failed deliveries" in capsys.readouterr().out
    assert main(["webhooks", "retry", "nope"]) == 1
    capsys.readouterr()


async def test_ping_from_the_command_line(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text(f'[[webhooks]]\nname = "crm"\nurl = "{receiver.url}"\n', encoding="utf-8")
    monkeypatch.setenv("CHATDESK_CONFIG_FILE", str(config))
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHATDESK_KNOWLEDGE_DIR", "")
    # The command runs its own event loop: on a thread, beside the receiver's.
    assert await asyncio.to_thread(main, ["webhooks", "secret", "crm"]) == 0
    assert await asyncio.to_thread(main, ["webhooks", "ping", "crm"]) == 0
    got = receiver.got.get_nowait()
    assert got.event == "ping" and got.body.ticket is None
    receiver.status = 500
    assert await asyncio.to_thread(main, ["webhooks", "ping", "crm"]) == 1


async def test_a_backlog_goes_out_in_one_turn(hooks: Services, receiver: Receiver) -> None:
    # 30 tickets of one requester: 61 deliveries to "all" (with the requester's record,
    # once), 30 to "crm", more than one batch (50).
    for _ in range(30):
        await file(hooks)
    await hooks.webhooks.run()  # plans, then posts in a task of its own
    got = [await asyncio.wait_for(receiver.got.get(), timeout=10) for _ in range(91)]
    assert len({g.body.id for g in got}) == 91
    created = [g.body.ticket.number for g in got if g.event == "ticket.created"
               and g.headers["X-Chatdesk-Signature"] and g.body.ticket]  # fmt: skip
    assert len(created) == 60


async def test_a_requesters_record_is_posted_when_made_changed_and_deleted(
    hooks: Services, receiver: Receiver
) -> None:
    await file(hooks)
    await turn(hooks)
    (made,) = [g.body for g in receiver.drain() if g.event == "requester.created"]
    assert made.ticket is None and made.change is None and made.message is None
    assert made.requester is not None and made.requester_id == made.requester.id
    assert (made.requester.email, made.requester.name) == ("lea@example.be", "Léa")
    assert made.requester.organisation is None and made.requester.org_role == "member"
    people = hooks.helpdesk.people
    lea = await people.find("lea@example.be")
    await people.update(lea, name="Léa Dubois", phone="+32 470 12 34 56")
    await hooks._store.requesters.end_requester_sessions(lea.id)  # a sign-out is not news
    acme = await people.add_organisation("Acme")
    await people.add_member(acme, "lea@example.be", role="admin")
    await turn(hooks)
    updates = [g.body for g in receiver.drain() if g.event.startswith("requester.")]
    assert len(updates) == 2 and all(u.requester is not None for u in updates)
    # Bodies are made when sent: both say the record as it is now.
    last = updates[-1].requester
    assert last is not None and last.name == "Léa Dubois" and last.org_role == "admin"
    assert last.organisation is not None and last.organisation.name == "Acme"


async def test_an_organisations_record_is_posted_with_its_members_and_domains(
    hooks: Services, receiver: Receiver
) -> None:
    people = hooks.helpdesk.people
    acme = await people.add_organisation("Acme", max_members=5)
    await people.add_member(acme, "tom@acme.be")
    await hooks.customers.add_domain(None, acme.id, "acme.be")
    await turn(hooks)
    got = [g.body for g in receiver.drain() if g.event.startswith("organisation.")]
    assert [b.event for b in got] == ["organisation.created", "organisation.updated"]
    assert all(b.ticket is None and b.requester is None for b in got)
    org = got[-1].organisation
    assert org is not None and got[-1].organisation_id == acme.id
    assert (org.name, org.max_members, org.members, org.domains) == ("Acme", 5, 1, ["acme.be"])
    twice = await people.add_organisation("Acme SA")
    await turn(hooks)
    receiver.drain()
    await hooks.customers.merge(None, twice.id, acme.id)
    await turn(hooks)
    (gone,) = [g.body for g in receiver.drain() if g.event == "organisation.deleted"]
    assert gone.organisation_id == twice.id and gone.organisation is None
