"""Read receipts: the visitor's widget says how far they have seen their conversation,
and the operators watching it learn it (live, and when they open it later)."""

from __future__ import annotations

from typing import Any

from .test_operator_socket import (  # noqa: F401 (fixtures)
    escalated_visitor,
    operator_factory,
    server,
)


async def test_operators_see_how_far_the_visitor_has_read(
    visitor_factory: Any,
    operator_factory: Any,  # noqa: F811
) -> None:
    sophie, marc = await operator_factory("Sophie"), await operator_factory("Marc")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    watch = await sophie.call("watch", {"conversation_id": cid})
    assert watch["read"] == {"seq": 0, "at": None}
    assert (await sophie.call("claim", {"conversation_id": cid}))["ok"] is True
    reply = await sophie.call(
        "message", {"conversation_id": cid, "client_id": "r1", "text": "Je regarde."}
    )
    seq = reply["message"]["seq"]

    (mine,) = (await sophie.call("inbox", {"view": "mine"}))["conversations"]
    assert mine["seen"] is False
    assert await v.call("read", {"seq": seq}) == {"ok": True}
    receipt = await sophie.next("read")
    assert (receipt["conversation_id"], receipt["seq"]) == (cid, seq)
    assert receipt["at"].endswith("Z")
    # Every console hears it (Marc's lists mark the row), and the summary says so.
    assert await marc.next("read") == receipt
    (mine,) = (await sophie.call("inbox", {"view": "mine"}))["conversations"]
    assert mine["seen"] is True
    # An older mark, or the same one again (another tab, a late packet), tells nobody;
    # one past the last message stops at it.
    assert await v.call("read", {"seq": seq - 1}) == {"ok": True}
    assert await v.call("read", {"seq": seq}) == {"ok": True}
    await sophie.call("inbox", {"view": "mine"})  # a round trip: anything sent is in
    assert sophie.pending("read") == []
    # Opening the conversation later, Marc sees the mark.
    later = await marc.call("watch", {"conversation_id": cid})
    assert later["read"] == {"seq": seq, "at": receipt["at"]}

    await sophie.call("message", {"conversation_id": cid, "client_id": "r2", "text": "Voilà."})
    (mine,) = (await sophie.call("inbox", {"view": "mine"}))["conversations"]
    assert mine["seen"] is False  # the new reply is not seen yet
    assert await v.call("read", {"seq": 2**53 - 1}) == {"ok": True}  # past the last
    assert (await marc.next("read"))["seq"] == seq + 1
    await v.say("Merci")
    (mine,) = (await sophie.call("inbox", {"view": "mine"}))["conversations"]
    assert mine["seen"] is False  # the last message is the visitor's


async def test_a_bad_read_is_refused_and_changes_nothing(
    visitor_factory: Any,
    operator_factory: Any,  # noqa: F811
) -> None:
    sophie = await operator_factory("Sophie")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    for bad in ({"seq": -1}, {"seq": "3"}, {}, {"seq": 1, "extra": True}, [1], None):
        ack = await v.call("read", bad)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", bad
    watch = await sophie.call("watch", {"conversation_id": cid})
    assert watch["read"] == {"seq": 0, "at": None}


async def test_the_visitor_learns_the_operator_who_has_it_saw_their_messages(
    visitor_factory: Any,
    operator_factory: Any,  # noqa: F811
) -> None:
    sophie, marc = await operator_factory("Sophie"), await operator_factory("Marc")
    v, _ = await escalated_visitor(visitor_factory)
    cid = v.session["conversation_id"]
    assert v.session["read_seq"] == 0
    seq = (await v.say("Ma facture est fausse"))["seq"]
    # In the queue, nobody has it: an operator looking in tells the visitor nothing.
    assert await sophie.call("read", {"conversation_id": cid, "seq": seq}) == {"ok": True}
    assert (await sophie.call("claim", {"conversation_id": cid}))["ok"] is True
    # Marc is not the one who has it: nothing either.
    assert await marc.call("read", {"conversation_id": cid, "seq": seq}) == {"ok": True}
    await v.call("history", {"since": seq})  # a round trip: anything sent is in
    assert v.pending("read") == []
    # Sophie sees it: the visitor hears so; the same mark again says nothing.
    assert await sophie.call("read", {"conversation_id": cid, "seq": seq}) == {"ok": True}
    assert await v.next("read") == {"seq": seq}
    assert await sophie.call("read", {"conversation_id": cid, "seq": seq}) == {"ok": True}
    await v.call("history", {"since": seq})
    assert v.pending("read") == []
    # A new connection of the visitor (another tab, a reload) knows it from its session.
    again = await visitor_factory({"token": v.session["token"]})
    assert again.session["read_seq"] == seq
    # Refusals.
    for bad in ({"conversation_id": cid, "seq": -1}, {"conversation_id": cid}, {"seq": 1}):
        ack = await sophie.call("read", bad)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", bad
    unknown = await sophie.call("read", {"conversation_id": "0" * 32, "seq": 1})
    assert unknown["ok"] is False and unknown["error"]["code"] == "not_found"
