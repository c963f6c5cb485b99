"""Operators over the socket: login required, takeover, live chat, notes, close and rating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import socketio

from chatdesk.app import VISITORS
from chatdesk.web.appkeys import SERVICES

from .clients import OperatorClient

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Open round the clock without holidays, so the tests do not depend on when they run.
ALWAYS_OPEN = "[hours]\nholidays = ''\n[hours.week]\n" + "".join(
    f"{day} = ['00:00-24:00']\n" for day in DAYS
)


@pytest.fixture
async def server(start_server: Any, tmp_path: Path) -> Any:
    config = tmp_path / "chatdesk.toml"
    config.write_text(ALWAYS_OPEN)
    # shop.example may embed the widget; it must still never reach /operator.
    return await start_server(
        knowledge_dir=FIXTURE, config_file=config, allowed_origins=("https://shop.example",)
    )


@pytest.fixture
async def operator_factory(server: Any) -> Any:
    made: list[OperatorClient] = []
    services = server.app[SERVICES]

    async def make(
        name: str = "Sophie",
        *,
        departments: tuple[str, ...] = ("general", "billing"),
        role: str = "operator",
        connect: bool = True,
        **kw: Any,
    ) -> OperatorClient:
        operator = await services.operators.add(
            f"{name.lower()}@desk.test",
            name=name,
            role=role,
            departments=departments,
            languages=("fr", "en"),
            password="correct horse battery",
        )
        token, _ = services.operators.tokens.issue(operator)
        client = OperatorClient(str(server.make_url("")))
        client.operator = operator  # type: ignore[attr-defined]
        client.cookie = f"chatdesk_session={token}"  # type: ignore[attr-defined]
        made.append(client)
        if connect:
            await client.connect(None, headers={"Cookie": client.cookie, **kw})  # type: ignore[attr-defined]
        return client

    yield make
    for client in made:
        await client.close()


async def refused(server: Any, new_client: Any, headers: dict[str, str]) -> Any:
    client = OperatorClient(str(server.make_url("")))
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(None, headers=headers)
        return client.connect_error
    finally:
        await client.close()


async def test_refused_without_a_valid_session(server: Any, new_client: Any) -> None:
    assert (await refused(server, new_client, {}))["message"] == "unauthorized"
    forged = {"Cookie": "chatdesk_session=forged.token.value"}
    assert (await refused(server, new_client, forged))["message"] == "unauthorized"


async def test_refused_when_disabled_or_cross_origin(
    server: Any, operator_factory: Any, new_client: Any
) -> None:
    sophie = await operator_factory("Sophie", connect=False)
    cross = {"Cookie": sophie.cookie, "Origin": "https://shop.example"}
    assert (await refused(server, new_client, cross))["message"] == "forbidden_origin"
    await server.app[SERVICES].operators.set_disabled(sophie.operator.email, True)
    assert (await refused(server, new_client, {"Cookie": sophie.cookie}))["message"] == (
        "unauthorized"
    )


async def test_hello_and_inbox(operator_factory: Any) -> None:
    sophie = await operator_factory("Sophie")
    hello = sophie.session
    assert hello["operator"]["name"] == "Sophie" and hello["status"] == "online"
    assert hello["counts"] == {"queue": 0, "mine": 0, "all": 0}
    inbox = await sophie.call("inbox", {"view": "queue"})
    assert inbox == {"ok": True, "conversations": [], "counts": hello["counts"]}
    bad = await sophie.call("inbox", {"view": "everything"})
    assert bad["ok"] is False and bad["error"]["code"] == "invalid_payload"


async def escalated_visitor(
    visitor_factory: Any, text: str = "je veux parler à un conseiller"
) -> tuple[Any, dict[str, Any]]:
    v = await visitor_factory({"lang": "fr"})
    await v.say(text)
    while True:
        message = await v.next("message")
        if message["author"] == "system" and message.get("event") == "ticket_opened":
            return v, message


async def test_escalation_gives_the_visitor_a_ticket_number(
    visitor_factory: Any, operator_factory: Any
) -> None:
    sophie = await operator_factory("Sophie")
    v, system = await escalated_visitor(visitor_factory)
    assert system["ticket"] == "#000001"
    assert system["text"] == "Votre demande porte le numéro #000001."
    state = await v.next("state")
    while state["mode"] != "queued":
        state = await v.next("state")
    assert state["ticket"]["number"] == "#000001"
    assert state["queue"]["position"] == 1
    # Operators see it arrive in their lists.
    summary = await sophie.next("conversation")
    assert summary["ticket"]["number"] == "#000001" and summary["mode"] == "queued"


async def test_takeover_silences_the_bot_and_chat_goes_both_ways(
    server: Any, visitor_factory: Any, operator_factory: Any
) -> None:
    sophie = await operator_factory("Sophie")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    ack = await sophie.call("claim", {"conversation_id": cid})
    assert ack["ok"] is True and ack["conversation"]["operator"]["name"] == "Sophie"
    joined = await v.next("message")
    while joined.get("event") != "operator_joined":
        joined = await v.next("message")
    assert joined["text"] == "Sophie a rejoint la conversation."
    watch = await sophie.call("watch", {"conversation_id": cid})
    assert [m["author"] for m in watch["messages"]][:2] == ["visitor", "bot"]  # bot part kept

    # The visitor asks a question the bot knows: no bot answer any more.
    question = await v.say("Où trouver mes factures ?")
    assert (await sophie.next("message"))["id"] == question["id"]
    await server.app[VISITORS].drain()
    history = await v.call("history", {"since": question["seq"] - 1})
    assert [m["author"] for m in history["messages"]] == ["visitor"]

    # Typing both ways.
    await v.sio.emit("typing", {"on": True}, namespace="/visitor")
    assert (await sophie.next("typing"))["author"] == "visitor"
    await sophie.sio.emit("typing", {"conversation_id": cid, "on": True}, namespace="/operator")
    assert (await v.next("typing")) == {"conversation_id": cid, "author": "operator", "on": True}

    reply = await sophie.call(
        "message",
        {"conversation_id": cid, "client_id": "r1", "text": "Bonjour, je regarde votre facture."},
    )
    assert reply["ok"] is True
    received = await v.next("message")
    while received["author"] != "operator":
        received = await v.next("message")
    assert received["text"] == "Bonjour, je regarde votre facture."
    assert received["operator"]["name"] == "Sophie"


async def test_notes_never_reach_the_visitor(visitor_factory: Any, operator_factory: Any) -> None:
    sophie, marc = await operator_factory("Sophie"), await operator_factory("Marc")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    await marc.call("watch", {"conversation_id": cid})
    ack = await sophie.call("note", {"conversation_id": cid, "text": "Client VIP, be quick"})
    assert ack["ok"] is True and ack["note"]["internal"] is True
    assert (await marc.next("note"))["text"] == "Client VIP, be quick"
    sentinel = await sophie.call("claim", {"conversation_id": cid})
    assert sentinel["ok"]
    history = await v.call("history", {"since": 0})
    assert all("VIP" not in m["text"] for m in history["messages"])
    assert v.pending("note") == []
    assert all("VIP" not in m["text"] for m in v.pending("message"))
    watch = await marc.call("watch", {"conversation_id": cid})
    assert [n["text"] for n in watch["notes"]] == ["Client VIP, be quick"]


async def test_a_note_on_a_chat_tells_the_colleagues_it_names(
    visitor_factory: Any, operator_factory: Any
) -> None:
    sophie, marc = await operator_factory("Sophie"), await operator_factory("Marc")
    ines = await operator_factory("Ines")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    text = "@marc tu connais ce client ? @Sophie"  # the author is never told
    assert (await sophie.call("note", {"conversation_id": cid, "text": text}))["ok"]
    assert await marc.next("chat_mention") == {"conversation_id": cid, "by": "Sophie", "text": text}
    # The note without a mention, then one naming Ines: she hears only hers.
    assert (await sophie.call("note", {"conversation_id": cid, "text": "Client VIP"}))["ok"]
    assert (await sophie.call("note", {"conversation_id": cid, "text": "@Ines aussi"}))["ok"]
    assert (await ines.next("chat_mention"))["text"] == "@Ines aussi"
    assert marc.pending("chat_mention") == [] and sophie.pending("chat_mention") == []


async def test_claim_race_over_sockets(visitor_factory: Any, operator_factory: Any) -> None:
    import asyncio

    sophie, marc = await operator_factory("Sophie"), await operator_factory("Marc")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    acks = await asyncio.gather(
        sophie.call("claim", {"conversation_id": cid}), marc.call("claim", {"conversation_id": cid})
    )
    assert sorted(a["ok"] for a in acks) == [False, True]
    loser = next(a for a in acks if not a["ok"])
    assert loser["error"]["code"] == "already_claimed"


async def test_close_asks_for_a_rating_which_is_stored(
    server: Any, visitor_factory: Any, operator_factory: Any
) -> None:
    sophie = await operator_factory("Sophie")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    await sophie.call("claim", {"conversation_id": cid})
    assert (await sophie.call("close", {"conversation_id": cid}))["ok"] is True
    state = await v.next("state")
    while state["mode"] != "closed":
        state = await v.next("state")
    assert state["rating_requested"] is True
    assert (await v.call("rate", {"score": 6}))["error"]["code"] == "invalid_payload"
    assert await v.call("rate", {"score": 4, "comment": "Rapide"}) == {"ok": True}
    ticket = await server.app[SERVICES]._store.tickets.current_ticket(cid)
    assert (ticket.rating, ticket.rating_comment, ticket.status.value) == (4, "Rapide", "resolved")
    again = await v.call("rate", {"score": 5})
    assert again["error"]["code"] == "nothing_to_rate"


async def test_an_operator_blocks_an_abusive_visitor(
    server: Any, visitor_factory: Any, operator_factory: Any, new_client: Any
) -> None:
    import asyncio

    sophie = await operator_factory("Sophie")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    tab = await visitor_factory({"token": v.token})  # the same visitor in a second tab
    closed = asyncio.Event()
    v.sio.on("disconnect", lambda *_: closed.set(), namespace="/visitor")
    refused = await sophie.call("block_visitor", {"conversation_id": cid, "days": 7})
    assert refused["error"]["code"] == "forbidden"  # claim it first
    await sophie.call("claim", {"conversation_id": cid})
    bad = await sophie.call("block_visitor", {"conversation_id": cid, "days": 365})
    assert bad["error"]["code"] == "invalid_payload"
    assert await sophie.call("block_visitor", {"conversation_id": cid, "days": 1}) == {"ok": True}
    # Every tab hears it, then the connections close.
    blocked = await v.next("blocked")
    assert (await tab.next("blocked")) == blocked
    await asyncio.wait_for(closed.wait(), 5)
    line = await v.next("message")
    while line.get("event") != "blocked":
        line = await v.next("message")
    assert "Ce chat vous est fermé" in line["text"]
    # Coming back with the token is refused until then.
    again = new_client(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await again.connect({"token": v.token})
    assert again.connect_error["message"] == "blocked"
    ticket = await server.app[SERVICES]._store.tickets.current_ticket(cid)
    assert ticket.status.value == "resolved"
    # Lifted (a block given by mistake): the token connects again.
    marc = await operator_factory("Marc")
    assert await marc.call("unblock_visitor", {"conversation_id": cid}) == {"ok": True}
    back = await visitor_factory({"token": v.token})
    assert back.session["conversation_id"] == cid
    lifted = await marc.call("unblock_visitor", {"conversation_id": cid})
    assert lifted["error"]["code"] == "not_blocked"


async def test_visitor_button_and_offline_form(server: Any, visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "en"})
    ack = await v.call("escalate", {"department": "billing"})
    assert ack["ok"] is True
    state = ack["state"]
    assert state["mode"] == "waiting" and state["offline_form"] is True  # nobody online
    assert state["ticket"]["department"] == "billing"
    bad = await v.call("contact", {"email": "not-an-address"})
    assert bad["ok"] is False and bad["error"]["code"] == "invalid_email"
    ack = await v.call(
        "contact",
        {
            "email": "lea@example.be",
            "name": "Lea",
            "description": "Invoice counted twice",
            "priority": "high",
        },
    )
    assert ack["ok"] is True and ack["state"]["offline_form"] is False
    assert ack["state"]["ticket"]["priority"] == "high"
    assert (await v.call("escalate", {"priority": "asap"}))["error"]["code"] == "invalid_payload"


async def test_a_desk_for_customers_takes_only_their_details_in_the_chat(
    start_server: Any, new_client: Any, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[helpdesk]\naccess = "customers"\n', encoding="utf-8")
    server = await start_server(config_file=config)
    people = server.app[SERVICES].helpdesk.people
    await people.add_member(await people.add_organisation("Dupont"), "claire@dupont.fr")
    v = new_client(server)
    await v.connect({"lang": "fr"})
    assert (await v.call("escalate", {}))["ok"]
    # As on the web form: a stranger's address is refused, in the visitor's language.
    refused = await v.call("contact", {"email": "inconnu@example.fr"})
    assert refused["ok"] is False and refused["error"]["code"] == "access_denied"
    assert refused["error"]["message"].startswith("Ce service est réservé aux clients")
    ticket = await server.app[SERVICES]._store.tickets.current_ticket(v.session["conversation_id"])
    assert ticket is not None and ticket.requester_email in ("", None)
    taken = await v.call("contact", {"email": "claire@dupont.fr"})
    assert taken["ok"] is True, taken


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("claim", None),
        ("claim", {}),
        ("claim", {"conversation_id": 5}),
        ("message", {"conversation_id": "x", "text": "hi"}),  # client_id required
        ("message", {"conversation_id": "x", "client_id": "c", "text": ""}),
        ("note", {"conversation_id": "x"}),
        ("transfer", {"conversation_id": "x"}),
        ("transfer", {"conversation_id": "x", "operator_id": "a", "department": "b"}),
        ("status", {"status": "sleeping"}),
        ("canned_save", {"shortcut": "Bad Shortcut!", "lang": "fr", "text": "x"}),
        ("watch", {"conversation_id": "nope"}),
        ("close", {"conversation_id": "nope"}),
    ],
)
async def test_malformed_operator_payloads(operator_factory: Any, event: str, payload: Any) -> None:
    sophie = await operator_factory("Sophie")
    ack = await sophie.call(event, payload)
    assert ack["ok"] is False and ack["error"]["code"]
    assert (await sophie.call("inbox", {"view": "all"}))["ok"] is True


async def test_canned_responses_are_admin_managed(operator_factory: Any) -> None:
    admin = await operator_factory("Ada", role="admin")
    sophie = await operator_factory("Sophie")
    entry = {"shortcut": "hello", "lang": "fr", "text": "Bonjour, je m'appelle {name}."}
    denied = await sophie.call("canned_save", entry)
    assert denied["error"]["code"] == "forbidden"
    assert (await admin.call("canned_save", entry))["ok"] is True
    listed = await sophie.call("canned", {})
    assert listed["responses"] == [entry | {"status": "", "tags": []}]
    # A response that resolves the ticket it answers; a status the machine lacks: refused.
    done = {"shortcut": "done", "lang": "fr", "text": "C'est réglé.", "status": "resolved"}
    assert (await admin.call("canned_save", done))["ok"] is True
    assert (await admin.call("canned_save", done | {"status": "gone"}))["ok"] is False
    listed = await sophie.call("canned", {})
    assert done | {"tags": []} in listed["responses"]
    # And one that tags it (written as a ticket's tags); a wrong tag: refused.
    tagging = done | {"shortcut": "facture", "tags": ["Facture", "vip"]}
    assert (await admin.call("canned_save", tagging))["ok"] is True
    wrong = await admin.call("canned_save", tagging | {"tags": ["a!"]})
    assert wrong["ok"] is False and wrong["error"]["code"] == "tags"
    listed = await sophie.call("canned", {})
    assert tagging | {"tags": ["facture", "vip"]} in listed["responses"]
