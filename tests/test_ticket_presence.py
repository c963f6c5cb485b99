"""Collision detection on tickets over /operator (``ticket_presence``): an operator sees
who else has the ticket open and who is writing a reply; a console that goes away is
told as gone; complaints stay hidden; each connection follows a bounded number."""

from __future__ import annotations

from typing import Any

from .clients import OperatorClient
from .test_operator_tickets import console, file, me, server

__all__ = ["console", "server"]


async def say(client: OperatorClient, ref: str, state: str) -> str:
    ack = await client.call("ticket_presence", {"ref": ref, "state": state})
    assert ack["ok"], ack
    return str(ack["tab"])


async def test_viewers_see_each_other_and_who_replies(server: Any, console: Any) -> None:
    ann, bob = await console("Ann"), await console("Bob")
    ticket = await file(server, "Site en panne")
    other = await file(server, "Facture")

    ann_tab = await say(ann, ticket.label, "viewing")
    # Each viewer hears its own too (the console skips its own operator).
    assert await ann.next("ticket_presence") == {
        "ticket_id": ticket.id, "operator_id": me(ann).id, "name": "Ann",
        "state": "viewing", "tab": ann_tab,
    }  # fmt: skip
    bob_tab = await say(bob, ticket.id, "viewing")
    assert bob_tab != ann_tab
    heard = await ann.next("ticket_presence")
    assert (heard["name"], heard["state"], heard["tab"]) == ("Bob", "viewing", bob_tab)
    await bob.next("ticket_presence")  # his own

    await say(bob, ticket.id, "replying")
    assert (await ann.next("ticket_presence"))["state"] == "replying"
    # Another ticket's viewers are not told.
    await say(ann, other.id, "viewing")
    await ann.next("ticket_presence")
    bob.pending("ticket_presence")
    await say(ann, other.id, "replying")
    await ann.next("ticket_presence")
    assert bob.pending("ticket_presence") == []

    # Leaving says so, and Bob no longer hears the ticket.
    await say(bob, ticket.id, "left")
    assert (await ann.next("ticket_presence"))["state"] == "left"
    bob.pending("ticket_presence")
    await say(ann, ticket.id, "replying")
    await ann.next("ticket_presence")
    assert bob.pending("ticket_presence") == []


async def test_a_console_that_goes_away_is_told_as_gone(server: Any, console: Any) -> None:
    ann, bob = await console("Ann"), await console("Bob")
    ticket = await file(server, "Site en panne")
    await say(ann, ticket.id, "viewing")
    bob_tab = await say(bob, ticket.id, "replying")
    ann.pending("ticket_presence")
    await bob.sio.disconnect()
    gone = await ann.next("ticket_presence")
    assert (gone["name"], gone["state"], gone["tab"]) == ("Bob", "left", bob_tab)


async def test_complaints_unknown_tickets_and_bad_input_are_refused(
    server: Any, console: Any
) -> None:
    ann, boss = await console("Ann"), await console("Boss", role="admin")
    complaint = await file(server, "Plainte", type="complaint")
    await say(boss, complaint.id, "viewing")
    boss.pending("ticket_presence")
    refused = await ann.call("ticket_presence", {"ref": complaint.id, "state": "viewing"})
    assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    assert boss.pending("ticket_presence") == []  # nothing told of Ann, nor to her
    for bad in ({"ref": complaint.id, "state": "typing"}, {"ref": ""}, "x"):
        ack = await ann.call("ticket_presence", bad)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", bad
    missing = await ann.call("ticket_presence", {"ref": "#999999", "state": "viewing"})
    assert missing["error"]["code"] == "not_found"


async def test_one_console_follows_ten_tickets_at_most(server: Any, console: Any) -> None:
    ann = await console("Ann")
    tickets = [await file(server, f"Demande {n}") for n in range(11)]
    for ticket in tickets[:10]:
        await say(ann, ticket.id, "viewing")
        await say(ann, ticket.id, "viewing")  # a heartbeat: still one
    ack = await ann.call("ticket_presence", {"ref": tickets[10].id, "state": "viewing"})
    assert ack["ok"] is False and ack["error"]["code"] == "too_many_tickets"
    await say(ann, tickets[0].id, "left")
    await say(ann, tickets[10].id, "viewing")


async def test_ticket_lists_hear_who_is_on_each_ticket_they_may_see(
    server: Any, console: Any
) -> None:
    """``ticket_viewers``: every console hears the presence of every ticket it may see (its
    lists show it), complaints only service managers and admins, viewers or not."""
    ann, cat, boss = await console("Ann"), await console("Cat"), await console("Boss", role="admin")
    ticket = await file(server, "Site en panne")
    complaint = await file(server, "Plainte", type="complaint")

    tab = await say(ann, ticket.id, "replying")
    expected = {
        "ticket_id": ticket.id, "operator_id": me(ann).id, "name": "Ann",
        "state": "replying", "tab": tab,
    }  # fmt: skip
    assert await cat.next("ticket_viewers") == expected  # not on the ticket: her list
    assert await boss.next("ticket_viewers") == expected
    assert cat.pending("ticket_presence") == []  # the ticket's own event: its viewers only

    boss_tab = await say(boss, complaint.id, "viewing")
    heard = await boss.next("ticket_viewers")
    assert (heard["ticket_id"], heard["tab"]) == (complaint.id, boss_tab)
    await say(ann, ticket.id, "left")  # what follows Boss's complaint on the same socket
    assert (await cat.next("ticket_viewers"))["state"] == "left"
    assert [p["ticket_id"] for p in cat.pending("ticket_viewers")] == []  # no complaint

    # A console that goes away without a word: its tickets are not looked up again, so
    # only those who may see any ticket hear it (the lists forget a silent tab anyway).
    await say(ann, ticket.id, "viewing")
    await cat.next("ticket_viewers")
    cat.pending("ticket_viewers")
    await ann.sio.disconnect()
    gone = await boss.next("ticket_viewers")
    assert (gone["ticket_id"], gone["state"]) == (ticket.id, "left")
    await say(boss, complaint.id, "viewing")
    await boss.next("ticket_viewers")
    assert cat.pending("ticket_viewers") == []


async def test_a_list_that_opens_has_the_ticket_pages_answer_it_at_once(
    server: Any, console: Any
) -> None:
    """``ticket_roll_call``: every console is asked, with the asking connection's tab; a
    page's answer (``ticket_presence`` ``to`` that tab) reaches that list alone, and a
    complaint's only if the list is a supervisor's. A connection asks three times in a row
    at most, then once per 10 s."""
    ann, bob = await console("Ann"), await console("Bob")
    cat, boss = await console("Cat"), await console("Boss", role="admin")
    ticket = await file(server, "Site en panne")
    complaint = await file(server, "Plainte", type="complaint")
    ack = await ann.call("ticket_roll_call", {})
    assert ack == {"ok": True}
    asked = await bob.next("ticket_roll_call")
    await boss.next("ticket_roll_call")
    for client in (ann, bob, cat, boss):
        client.pending("ticket_viewers")
        client.pending("ticket_presence")

    tab = await say_to(bob, ticket.id, "replying", asked["tab"])
    heard = await ann.next("ticket_viewers")
    assert (heard["ticket_id"], heard["name"], heard["state"], heard["tab"]) == (
        ticket.id, "Bob", "replying", tab,
    )  # fmt: skip
    await say_to(boss, complaint.id, "viewing", asked["tab"])  # Ann may not see it
    await say(boss, ticket.id, "viewing")  # sent after: once Ann has it, the other is not coming
    while (heard := await ann.next("ticket_viewers"))["name"] != "Boss":
        pass
    assert heard["ticket_id"] == ticket.id
    assert ann.pending("ticket_viewers") == []
    assert cat.pending("ticket_viewers") == [heard]  # the broadcast only, not the answers

    boss_asks = await boss.call("ticket_roll_call", {})
    assert boss_asks["ok"] is True
    to_boss = (await bob.next("ticket_roll_call"))["tab"]
    await say_to(boss, complaint.id, "viewing", to_boss)  # his own: skipped by his console
    while (answer := await boss.next("ticket_viewers"))["ticket_id"] != complaint.id:
        pass  # his own broadcast on the other ticket, just before
    assert answer["tab"] == heard["tab"]

    for _ in range(2):
        assert (await ann.call("ticket_roll_call", {}))["ok"] is True
    refused = await ann.call("ticket_roll_call", {})
    assert refused["ok"] is False and refused["error"]["code"] == "rate_limited"
    for bad in ({"ref": "x"}, "x"):
        ack = await ann.call("ticket_roll_call", bad)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", bad
    bad_to = await bob.call(
        "ticket_presence", {"ref": ticket.id, "state": "viewing", "to": "not a tab"}
    )
    assert bad_to["ok"] is False and bad_to["error"]["code"] == "invalid_payload"


async def say_to(client: OperatorClient, ref: str, state: str, tab: str) -> str:
    ack = await client.call("ticket_presence", {"ref": ref, "state": state, "to": tab})
    assert ack["ok"], ack
    return str(ack["tab"])
