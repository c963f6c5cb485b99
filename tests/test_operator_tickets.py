"""The console's ticket events over /operator: views and filters, a ticket's page, replies
and notes, edits through the state machine, merges, bulk actions, chats made tickets; every
change reaches the other consoles live (``ticket``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chatdesk.helpdesk import NewTicket
from chatdesk.models import Operator, Ticket, format_ts
from chatdesk.web.appkeys import EVENTS, SERVICES

from .clients import OperatorClient
from .test_operator_socket import ALWAYS_OPEN


@pytest.fixture
async def server(start_server: Any, tmp_path: Path) -> Any:
    config = tmp_path / "chatdesk.toml"
    config.write_text(ALWAYS_OPEN)
    return await start_server(config_file=config)


@pytest.fixture
async def console(server: Any) -> Any:
    made: list[OperatorClient] = []
    services = server.app[SERVICES]

    async def make(name: str, role: str = "operator") -> OperatorClient:
        operator = await services.operators.add(
            f"{name.lower()}@desk.test",
            name=name,
            role=role,
            departments=("general", "technical"),
            languages=("fr", "en"),
            password="correct horse battery",
        )
        token, _ = services.operators.tokens.issue(operator)
        client = OperatorClient(str(server.make_url("")))
        client.operator = operator  # type: ignore[attr-defined]
        made.append(client)
        await client.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
        return client

    yield make
    for client in made:
        await client.close()


async def file(server: Any, subject: str, **kw: Any) -> Ticket:
    kw.setdefault("email", "lea@example.be")
    kw.setdefault("lang", "fr")
    ticket, _ = await server.app[SERVICES].helpdesk.filing.file(NewTicket(subject=subject, **kw))
    return ticket  # type: ignore[no-any-return]


def me(client: OperatorClient) -> Operator:
    return client.operator  # type: ignore[attr-defined,no-any-return]


async def numbers(client: OperatorClient, **query: Any) -> list[str]:
    ack = await client.call("tickets", query)
    assert ack["ok"], ack
    return [t["number"] for t in ack["tickets"]]


async def test_views_filters_search_sort_and_pages(server: Any, console: Any) -> None:
    ann = await console("Ann")
    a = await file(server, "Facture de novembre", department="billing", priority="low")
    b = await file(server, "Site en panne", type="incident", priority="urgent")
    c = await file(server, "Wachtwoord vergeten", priority="normal", email="tom@example.be")
    ack = await ann.call("ticket_change", {"ref": b.label, "assignee": me(ann).id})
    assert ack["ok"], ack
    ack = await ann.call("ticket_change", {"ref": c.id, "status": "pending"})
    assert ack["ok"], ack

    assert await numbers(ann) == [b.label, a.label, c.label]  # by next due time
    assert set(await numbers(ann, view="open")) == {a.label, b.label, c.label}
    assert await numbers(ann, view="mine") == [b.label]
    assert set(await numbers(ann, view="unassigned")) == {a.label, c.label}
    assert await numbers(ann, view="pending") == [c.label]
    assert await numbers(ann, view="breaching") == [b.label]  # urgent: due within the hour
    assert await numbers(ann, priority=["urgent", "high"]) == [b.label]
    assert await numbers(ann, type=["incident"]) == [b.label]
    assert await numbers(ann, department="billing") == [a.label]
    assert await numbers(ann, assignee=me(ann).id) == [b.label]
    assert await numbers(ann, status=["pending"], view="all") == [c.label]
    assert await numbers(ann, q="factu") == [a.label]
    assert await numbers(ann, q="wachtwoord") == [c.label]
    assert await numbers(ann, view="all", requester=c.requester_id) == [c.label]
    assert set(await numbers(ann, view="all", requester=a.requester_id)) == {a.label, b.label}
    assert await numbers(ann, view="all", org="0" * 32) == []  # no organisation's: none
    # An address typed whole: its requester's tickets; a number: that ticket, any status.
    assert await numbers(ann, q="Tom@Example.be") == [c.label]
    assert await numbers(ann, view="pending", q=b.label) == [b.label]  # not pending, yet found
    assert await numbers(ann, q="#999") == []
    assert await numbers(ann, q="nobody@example.be") == []
    created = await numbers(ann, view="all", sort="created")
    assert created == [c.label, b.label, a.label]
    page = await ann.call("tickets", {"view": "all", "page": 2})
    assert page["ok"] and page["tickets"] == [] and page["total"] == 3 and page["per_page"] == 25
    for bad in ({"view": "everything"}, {"sort": "priority"}, {"page": 0}, {"status": ["x"]}):
        refused = await ann.call("tickets", bad)
        assert refused["ok"] is False and refused["error"]["code"] == "invalid_payload", bad


async def test_a_ticket_page_replies_notes_and_edits_reach_every_console(
    server: Any, console: Any
) -> None:
    ann, bob = await console("Ann"), await console("Bob")
    ticket = await file(server, "Site en panne", type="incident", name="Léa")
    bob.pending("ticket")

    page = await ann.call("ticket_watch", {"ref": ticket.label.lstrip("#")})
    assert page["ok"], page
    assert page["ticket"]["number"] == ticket.label and page["moves"] == [
        "open", "pending", "on_hold", "resolved", "closed",
    ]  # fmt: skip
    assert page["requester"]["name"] == "Léa" and page["organisation"] is None
    assert [e["kind"] for e in page["events"]] == ["created"]

    reply = await ann.call(
        "ticket_reply", {"ref": ticket.id, "text": "Nous regardons.", "client_id": "c1"}
    )
    assert reply["ok"], reply
    assert reply["message"]["source"] == "ticket" and reply["ticket"]["status"] == "open"
    live = await bob.next("ticket")
    assert live["id"] == ticket.id and live["status"] == "open"
    again = await ann.call(
        "ticket_reply", {"ref": ticket.id, "text": "Nous regardons.", "client_id": "c1"}
    )
    assert again["message"]["id"] == reply["message"]["id"]  # a retry stores nothing new
    note = await ann.call(
        "ticket_reply",
        {"ref": ticket.id, "text": "Serveur 3", "client_id": "c2", "internal": True},
    )
    assert note["ok"] and note["message"]["internal"] is True
    timed = await ann.call(
        "ticket_reply",
        {"ref": ticket.id, "text": "Logs lus", "client_id": "c5", "internal": True,
         "time_spent_minutes": 20},
    )  # fmt: skip
    assert timed["ok"], timed
    assert (await ann.call("ticket_watch", {"ref": ticket.id}))["time_spent_minutes"] == 20
    too_long = await ann.call(
        "ticket_reply",
        {"ref": ticket.id, "text": "?", "client_id": "c6", "time_spent_minutes": 24 * 60 + 1},
    )
    assert too_long["ok"] is False and too_long["error"]["code"] == "invalid_payload"
    asked = await ann.call(
        "ticket_reply",
        {"ref": ticket.id, "text": "Quel serveur ?", "client_id": "c3", "status": "pending"},
    )
    assert asked["ok"] and asked["ticket"]["status"] == "pending", asked
    wrong = await ann.call(
        "ticket_reply", {"ref": ticket.id, "text": "?", "client_id": "c4", "status": "new"}
    )
    assert wrong["ok"] is False and wrong["error"]["code"] == "invalid_payload"
    back = await ann.call("ticket_change", {"ref": ticket.id, "status": "open"})
    assert back["ok"] and back["ticket"]["status"] == "open"

    forbidden = await ann.call("ticket_change", {"ref": ticket.id, "status": "new"})
    assert forbidden["ok"], forbidden  # open -> new is allowed (back to a queue)
    resolved = await ann.call("ticket_change", {"ref": ticket.id, "status": "resolved"})
    assert resolved["ok"] and resolved["ticket"]["status"] == "resolved"
    refused = await ann.call("ticket_change", {"ref": ticket.id, "status": "pending"})
    assert refused["ok"] is False and refused["error"]["code"] == "invalid_transition"
    changed = await ann.call(
        "ticket_change",
        {"ref": ticket.id, "priority": "high", "subject": "Site en panne (prod)",
         "department": "technical", "type": "question", "assignee": me(bob).id},
    )  # fmt: skip
    assert changed["ok"], changed
    summary = changed["ticket"]
    assert (summary["priority"], summary["subject"], summary["operator_id"]) == (
        "high", "Site en panne (prod)", me(bob).id,
    )  # fmt: skip
    while (live := await bob.next("ticket"))["operator_id"] != me(bob).id:
        pass
    unknown = await ann.call("ticket_change", {"ref": ticket.id, "department": "nowhere"})
    assert unknown["ok"] is False and unknown["error"]["code"] == "department"

    page = await bob.call("ticket_watch", {"ref": ticket.id})
    texts = [(m["text"], m["internal"]) for m in page["messages"]]
    assert ("Serveur 3", True) in texts and ("Nous regardons.", False) in texts
    kinds = [e["kind"] for e in page["events"]]
    assert {"status", "priority", "subject", "department", "type", "assignee"} <= set(kinds)
    assert page["moves"] == ["open", "closed"]
    missing = await bob.call("ticket_watch", {"ref": "#999999"})
    assert missing["ok"] is False and missing["error"]["code"] == "not_found"


async def test_tags_are_the_team_s_labels(server: Any, console: Any) -> None:
    ann = await console("Ann")
    a = await file(server, "Facture en double", description="Deux fois débité.")
    b = await file(server, "Site lent", email="tom@example.be")
    ack = await ann.call("ticket_change", {"ref": a.label, "tags": ["Facture", " Panne réseau "]})
    assert ack["ok"] and ack["ticket"]["tags"] == ["facture", "panne-réseau"], ack
    # The ticket's history says it, every console hears it.
    page = await ann.call("ticket_watch", {"ref": a.label})
    [row] = [e for e in page["events"] if e["kind"] == "tags"]
    assert row["data"] == {"from": [], "to": ["facture", "panne-réseau"]}
    # Lists filter on one, written as typed or as stored.
    assert await numbers(ann, view="all", tag="Panne réseau") == [a.label]
    assert await numbers(ann, view="all", tag="facture") == [a.label]
    assert await numbers(ann, view="all", tag="fact") == []
    # Wrong ones are refused and nothing changes.
    for wrong in (["a,b"], ["-x"], [f"t{n}" for n in range(11)], ["x" * 41]):
        refused = await ann.call("ticket_change", {"ref": b.label, "tags": wrong})
        assert refused["ok"] is False, wrong
    assert (await ann.call("ticket_watch", {"ref": b.label}))["ticket"]["tags"] == []
    # Added to many at once (each keeps its own).
    ack = await ann.call("ticket_bulk", {"refs": [a.label, b.label], "tag": "Incident 42"})
    assert ack["ok"] and sorted(ack["changed"]) == sorted([a.id, b.id]), ack
    assert (await ann.call("ticket_watch", {"ref": a.label}))["ticket"]["tags"] == [
        "facture",
        "incident-42",
        "panne-réseau",
    ]
    assert set(await numbers(ann, view="all", tag="incident-42")) == {a.label, b.label}
    both = await ann.call("ticket_bulk", {"refs": [a.label], "tag": "x", "close": True})
    assert both["ok"] is False
    # The requester never sees them: not on the portal's view, not in their data.
    views = server.app[SERVICES].helpdesk.views
    tagged = await server.app[SERVICES].helpdesk.people.find("lea@example.be")
    assert (
        "tags"
        not in (await views.requester_view((await views.requester_tickets(tagged)).tickets[0]))[
            "ticket"
        ]
    )
    exported = await views.export(tagged)
    assert "panne-réseau" not in str(exported)


async def test_merge_bulk_assign_and_bulk_close(server: Any, console: Any) -> None:
    ann = await console("Ann")
    a = await file(server, "Panne 1")
    b = await file(server, "Panne 2")
    c = await file(server, "Panne 3")
    merged = await ann.call("ticket_merge", {"ref": a.id, "into": b.label})
    assert merged["ok"] and merged["ticket"]["id"] == b.id
    same = await ann.call("ticket_merge", {"ref": b.id, "into": b.id})
    assert same["ok"] is False and same["error"]["code"] == "same_ticket"

    assigned = await ann.call(
        "ticket_bulk", {"refs": [b.id, c.label, "#999999"], "assignee": me(ann).id}
    )
    assert assigned["ok"], assigned
    assert assigned["changed"] == [b.id, c.id] and list(assigned["refused"]) == ["#999999"]
    # A status for all, through the state machine: resolved, then pending is refused.
    resolved = await ann.call("ticket_bulk", {"refs": [b.id], "status": "resolved"})
    assert resolved["ok"] and resolved["changed"] == [b.id], resolved
    pending = await ann.call("ticket_bulk", {"refs": [b.id, c.id], "status": "pending"})
    assert pending["changed"] == [c.id] and list(pending["refused"]) == [b.id], pending
    closed = await ann.call("ticket_bulk", {"refs": [b.id, c.id], "close": True})
    assert closed["ok"] and closed["changed"] == [b.id, c.id] and closed["refused"] == {}
    assert await numbers(ann, view="open") == []
    both = await ann.call("ticket_bulk", {"refs": [b.id], "close": True, "assignee": "x"})
    neither = await ann.call("ticket_bulk", {"refs": [b.id]})
    two = await ann.call("ticket_bulk", {"refs": [b.id], "close": True, "status": "open"})
    bogus = await ann.call("ticket_bulk", {"refs": [b.id], "status": "new"})
    assert both["ok"] is False and neither["ok"] is False and two["ok"] is False
    assert bogus["ok"] is False and bogus["error"]["code"] == "invalid_payload"


async def test_complaints_stay_hidden_from_operators(server: Any, console: Any) -> None:
    ann, boss = await console("Ann"), await console("Boss", role="admin")
    complaint = await file(server, "Plainte", type="complaint")
    assert await numbers(ann, view="all") == []
    assert await numbers(boss, view="all") == [complaint.label]
    hidden = await ann.call("ticket_watch", {"ref": complaint.id})
    assert hidden["ok"] is False and hidden["error"]["code"] == "not_found"


async def test_a_chat_becomes_a_proper_ticket(
    server: Any, console: Any, visitor_factory: Any
) -> None:
    ann = await console("Ann")
    visitor = await visitor_factory({"lang": "fr"})
    await visitor.say("Mon site affiche une erreur 500")
    state = await visitor.call("escalate", {})
    assert state["ok"], state
    conversation_id = visitor.session["conversation_id"]
    ack = await ann.call(
        "ticket_from_chat",
        {"conversation_id": conversation_id, "type": "incident", "priority": "high"},
    )
    assert ack["ok"], ack
    ticket = ack["ticket"]
    assert (ticket["type"], ticket["priority"], ticket["channel"]) == ("incident", "high", "chat")
    assert ticket["conversation_id"] == conversation_id
    page = await ann.call("ticket_watch", {"ref": ticket["id"]})
    chat = [m for m in page["messages"] if m["source"] == "chat"]
    assert "Mon site affiche une erreur 500" in [m["text"] for m in chat]
    new = await ann.call("ticket_from_chat", {"conversation_id": conversation_id, "new": True})
    assert new["ok"] and new["ticket"]["id"] != ticket["id"]
    gone = await ann.call("ticket_from_chat", {"conversation_id": "nope"})
    assert gone["ok"] is False and gone["error"]["code"] == "not_found"


async def test_a_note_naming_a_colleague_alerts_their_console(server: Any, console: Any) -> None:
    ann, bob = await console("Ann"), await console("Bob")
    ticket = await file(server, "Site en panne")
    note = {"ref": ticket.id, "text": "@Bob tu regardes ?", "client_id": "n1", "internal": True}
    assert (await ann.call("ticket_reply", note))["ok"]
    told = await bob.next("mention")
    assert told == {
        "ticket_id": ticket.id, "number": ticket.label, "subject": "Site en panne",
        "by": "Ann", "text": "@Bob tu regardes ?",
    }  # fmt: skip
    assert ann.pending("mention") == []
    page = await bob.call("ticket_watch", {"ref": ticket.id})
    [row] = [e for e in page["events"] if e["kind"] == "mention"]
    assert row["data"]["to"] == [me(bob).id]


async def summary(client: OperatorClient, status: str) -> Any:
    """Return the next ``ticket`` event with that status (skipping earlier ones)."""
    while (ticket := await client.next("ticket"))["status"] != status:
        pass
    return ticket


async def test_a_ticket_on_hold_until_a_date_tells_its_assignee_when_it_is_back(
    server: Any, console: Any
) -> None:
    ann, bob = await console("Ann"), await console("Bob")
    ticket = await file(server, "Attente du registrar")
    until = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    change = {"ref": ticket.id, "status": "on_hold", "hold_until": until.isoformat()}
    refused = await ann.call("ticket_change", change | {"hold_until": "demain"})
    assert refused["ok"] is False and refused["error"]["code"] == "hold_until"
    ack = await ann.call("ticket_change", change | {"assignee": me(ann).id})
    assert ack["ok"] and ack["ticket"]["hold_until"] == format_ts(until)
    assert (await summary(bob, "on_hold"))["hold_until"] == format_ts(until)  # every console
    page = await ann.call("ticket_watch", {"ref": ticket.id})
    [row] = [e for e in page["events"] if e["kind"] == "hold"]
    assert row["data"] == {"from": None, "to": format_ts(until)}
    # The date comes (the job's clock moved): Ann's consoles hear it, Bob's do not.
    clocks = server.app[SERVICES].helpdesk.clocks
    clocks.clock = lambda: until + timedelta(seconds=1)
    await server.app[EVENTS].publish(await clocks.wake_holds())
    told = await ann.next("hold_ended")
    assert told == {
        "ticket_id": ticket.id, "number": ticket.label, "subject": "Attente du registrar",
        "until": format_ts(until),
    }  # fmt: skip
    assert (await summary(bob, "open"))["hold_until"] is None
    assert bob.pending("hold_ended") == []


async def test_a_reply_adds_tags_in_the_same_step(server: Any, console: Any) -> None:
    ann = await console("Ann")
    ticket = await file(server, "Facture en double")
    before = await ann.call("ticket_watch", {"ref": ticket.id})
    bad = {"ref": ticket.id, "text": "Voici", "client_id": "t0", "tags": ["pas bon!"]}
    refused = await ann.call("ticket_reply", bad)
    assert refused["ok"] is False and refused["error"]["code"] == "tags"
    page = await ann.call("ticket_watch", {"ref": ticket.id})
    assert page["messages"] == before["messages"]  # nothing posted
    reply = {"ref": ticket.id, "text": "Voici", "client_id": "t1", "tags": ["Facture", "vip"]}
    ack = await ann.call("ticket_reply", reply)
    assert ack["ok"] and ack["ticket"]["tags"] == ["facture", "vip"]
    page = await ann.call("ticket_watch", {"ref": ticket.id})
    [row] = [e for e in page["events"] if e["kind"] == "tags"]
    assert row["data"] == {"from": [], "to": ["facture", "vip"]}
    # Tags it has already: no new history row.
    again = {"ref": ticket.id, "text": "Encore", "client_id": "t2", "tags": ["vip"]}
    assert (await ann.call("ticket_reply", again))["ok"]
    page = await ann.call("ticket_watch", {"ref": ticket.id})
    assert len([e for e in page["events"] if e["kind"] == "tags"]) == 1


async def test_a_reply_puts_the_ticket_on_hold_until_a_date_in_one_step(
    server: Any, console: Any
) -> None:
    ann = await console("Ann")
    ticket = await file(server, "Attente du fournisseur")
    until = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    said = {"ref": ticket.id, "text": "Nous attendons le fournisseur.", "status": "on_hold"}
    # A date without "on hold", or a wrong one: refused, and nothing is posted.
    for client_id, wrong in (("h1", {"status": "resolved"}), ("h2", {"hold_until": "lundi"})):
        refused = await ann.call(
            "ticket_reply", said | {"client_id": client_id, "hold_until": until.isoformat()} | wrong
        )
        assert refused["ok"] is False and refused["error"]["code"] == "hold_until"
    assert (await ann.call("ticket_watch", {"ref": ticket.id}))["messages"] == []
    ack = await ann.call(
        "ticket_reply", said | {"client_id": "h3", "hold_until": until.isoformat()}
    )
    assert ack["ok"] and ack["ticket"]["status"] == "on_hold"
    assert ack["ticket"]["hold_until"] == format_ts(until)
    page = await ann.call("ticket_watch", {"ref": ticket.id})
    [row] = [e for e in page["events"] if e["kind"] == "hold"]
    assert row["data"] == {"from": None, "to": format_ts(until)}
    assert [m["text"] for m in page["messages"]] == ["Nous attendons le fournisseur."]


async def test_a_spam_wave_is_marked_at_once_and_its_senders_blocked(
    server: Any, console: Any
) -> None:
    ann = await console("Ann")
    a = await file(server, "Gagnez un iPhone", email="promo@spam.example")
    b = await file(server, "Gagnez un iPad", email="deals@spam.example")
    c = await file(server, "Ma facture", email="tom@example.be")
    ack = await ann.call("ticket_bulk", {"refs": [a.label, b.id, "#999999"], "spam": True,
                                         "block": True})  # fmt: skip
    assert ack["ok"] and sorted(ack["changed"]) == sorted([a.id, b.id]), ack
    assert list(ack["refused"]) == ["#999999"]
    for ref in (a.label, b.label):
        ticket = (await ann.call("ticket_watch", {"ref": ref}))["ticket"]
        assert ticket["status"] == "closed" and ticket["tags"] == ["spam"]
    blocks = server.app[SERVICES].helpdesk.blocks
    assert [e.pattern for e in await blocks.entries()] == ["deals@spam.example",
                                                          "promo@spam.example"]  # fmt: skip
    # Without `block`, marked only; `block` alone, or with another action, is refused.
    assert (await ann.call("ticket_bulk", {"refs": [c.label], "spam": True}))["ok"]
    assert await blocks.find("tom@example.be") is None
    for wrong in ({"block": True}, {"spam": True, "close": True}, {"tag": "x", "block": True}):
        refused = await ann.call("ticket_bulk", {"refs": [c.label], **wrong})
        assert refused["ok"] is False and refused["error"]["code"] == "invalid_payload", wrong
