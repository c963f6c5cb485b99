"""The desk served on PostgreSQL, end to end: real server, real sockets, real database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from chatdesk.cli import main
from chatdesk.store.migrations import SCHEMA_VERSION
from chatdesk.web.appkeys import SERVICES

from .clients import OperatorClient, VisitorClient
from .ports import free_port
from .postgres import PostgresServer
from .test_operator_socket import ALWAYS_OPEN


@pytest.fixture
async def server(postgres_url: str, start_server: Any, tmp_path: Path) -> TestServer:
    # postgres_url first: set up before the server, the database is dropped after it stops.
    config = tmp_path / "chatdesk.toml"
    config.write_text(ALWAYS_OPEN)
    served: TestServer = await start_server(database_url=postgres_url, config_file=config)
    return served


async def connect_operator(server: TestServer, name: str) -> OperatorClient:
    """Create an operator through the desk's services and connect their console socket."""
    services = server.app[SERVICES]
    operator = await services.operators.add(
        f"{name.lower()}@desk.test",
        name=name,
        role="operator",
        departments=("general",),
        languages=("fr", "en"),
        password="correct horse battery",
    )
    token, _ = services.operators.tokens.issue(operator)
    client = OperatorClient(str(server.make_url("")))
    await client.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
    return client


async def next_where(client: VisitorClient, kind: str, **fields: Any) -> Any:
    """Wait for the next event ``kind`` whose payload has ``fields``."""
    while True:
        payload = await client.next(kind)
        if all(payload.get(k) == v for k, v in fields.items()):
            return payload


async def test_healthz_names_postgresql(server: TestServer) -> None:
    async with aiohttp.ClientSession() as http, http.get(server.make_url("/healthz")) as r:
        body = await r.json()
    assert r.status == 200 and body["store"] == "postgresql"


async def test_visitor_message_round_trip(
    server: TestServer,
    visitor_factory: Callable[..., Any],
    postgres_url: str,
) -> None:
    tab1 = await visitor_factory({"lang": "fr"})
    tab2 = await visitor_factory({"token": tab1.token})
    message = await tab1.say("Bonjour", client_id="c-1")
    assert message["seq"] == 1
    assert await tab2.next("message") == message
    # A retry is answered with the stored message and stored once.
    assert await tab1.say("Bonjour", client_id="c-1") == message
    history = await tab2.call("history", {"since": 0})
    assert history == {"ok": True, "messages": [message], "more": False}
    # Past the 32-bit seq columns: "after the last", never a store error.
    later = await tab2.call("history", {"since": 2**53 - 1})
    assert later == {"ok": True, "messages": [], "more": False}
    assert await tab1.call("read", {"seq": 2**53 - 1}) == {"ok": True}
    # The ack meant committed: another connection to the database sees it.
    db = await asyncpg.connect(postgres_url)
    try:
        rows = await db.fetch("SELECT seq, text FROM messages WHERE client_id = 'c-1'")
    finally:
        await db.close()
    assert [tuple(r) for r in rows] == [(1, "Bonjour")]


async def test_escalation_claim_and_chat_both_ways(
    server: TestServer, visitor_factory: Callable[..., Any]
) -> None:
    sophie = await connect_operator(server, "Sophie")
    marc = await connect_operator(server, "Marc")
    try:
        v = await visitor_factory({"lang": "fr"})
        await v.say("Ma facture est fausse")
        ack = await v.call("escalate", {})
        assert ack["ok"] is True and ack["state"]["mode"] == "queued"
        assert ack["state"]["ticket"]["number"] == "#000001"
        cid = v.session["conversation_id"]
        assert (await next_where(sophie, "conversation", id=cid))["mode"] == "queued"

        claims = await asyncio.gather(
            sophie.call("claim", {"conversation_id": cid}),
            marc.call("claim", {"conversation_id": cid}),
        )
        assert sorted(c["ok"] for c in claims) == [False, True]
        winner = sophie if claims[0]["ok"] else marc
        await next_where(v, "message", event="operator_joined")
        watch = await winner.call("watch", {"conversation_id": cid})
        assert watch["messages"][0]["text"] == "Ma facture est fausse"

        reply = await winner.call(
            "message", {"conversation_id": cid, "client_id": "r1", "text": "Je regarde."}
        )
        assert reply["ok"] is True
        assert (await next_where(v, "message", author="operator"))["text"] == "Je regarde."
        answer = await v.say("Merci")
        assert (await next_where(winner, "message", id=answer["id"]))["text"] == "Merci"
    finally:
        await sophie.close()
        await marc.close()


def test_serve_refuses_a_database_behind_or_newer_and_names_the_command(
    postgres_server: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A plain test: `chatdesk serve` runs its own event loop, here, as in production.
    empty = asyncio.run(postgres_server.create_database(migrated=False))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHATDESK_DATABASE_URL", empty)
    monkeypatch.setenv("CHATDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHATDESK_KNOWLEDGE_DIR", "")

    async def set_version(version: int) -> None:
        db = await asyncpg.connect(empty)
        try:
            await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            await db.execute("DELETE FROM schema_version")
            await db.execute("INSERT INTO schema_version VALUES ($1)", version)
        finally:
            await db.close()

    try:
        assert main(["serve", "--port", str(free_port())]) == 2
        err = capsys.readouterr().err
        assert "no chatdesk schema yet" in err and "run `chatdesk db migrate`" in err

        asyncio.run(set_version(SCHEMA_VERSION - 1))
        assert main(["serve", "--port", str(free_port())]) == 2
        err = capsys.readouterr().err
        assert f"at version {SCHEMA_VERSION - 1}, this chatdesk needs {SCHEMA_VERSION}" in err
        assert "run `chatdesk db migrate`" in err

        asyncio.run(set_version(SCHEMA_VERSION + 1))
        assert main(["serve", "--port", str(free_port())]) == 2
        assert "newer than this chatdesk understands" in capsys.readouterr().err
    finally:
        asyncio.run(postgres_server.drop_database(empty))
