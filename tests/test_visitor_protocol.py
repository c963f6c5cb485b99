"""The /visitor Socket.IO contract (docs/protocol.md), against a real server."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import socketio

from chatdesk.tokens import VisitorTokens
from chatdesk.web.appkeys import SETTINGS


async def test_new_visitor_gets_a_session(visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "nl-BE", "page": "https://shop.test/"})
    assert set(v.session) >= {"token", "visitor_id", "conversation_id", "seq"}
    assert v.session["seq"] == 0
    assert v.session["lang"] == "nl"


async def test_connect_without_auth_is_a_new_visitor(visitor_factory: Any) -> None:
    v = await visitor_factory(None)
    assert v.session["token"]


async def test_send_acks_with_seq_and_reaches_every_tab(visitor_factory: Any) -> None:
    tab1 = await visitor_factory()
    tab2 = await visitor_factory({"token": tab1.token})
    assert tab2.session["conversation_id"] == tab1.session["conversation_id"]

    ack = await tab1.call("message", {"client_id": "c-1", "text": "  Bonjour !  "})
    assert ack["ok"] is True
    message = ack["message"]
    assert message["seq"] == 1
    assert message["text"] == "Bonjour !"
    assert message["author"] == "visitor"
    assert message["client_id"] == "c-1"
    assert message["conversation_id"] == tab1.session["conversation_id"]
    assert message["ts"].endswith("Z") and message["id"]

    assert await tab2.next("message") == message
    assert await tab1.next("message") == message


async def test_history_after_restart_and_token_still_valid(
    start_server: Any, new_client: Any
) -> None:
    first = await start_server()
    v = new_client(first)
    await v.connect({"lang": "fr"})
    sent = [await v.say(f"message {i}") for i in range(3)]
    token = v.token
    await v.close()
    await first.close()

    second = await start_server()
    again = new_client(second)
    await again.connect({"token": token})
    assert again.session["conversation_id"] == sent[0]["conversation_id"]
    assert again.session["seq"] == 3
    ack = await again.call("history", {"since": 0})
    assert ack == {"ok": True, "messages": sent, "more": False}


async def test_reconnect_with_since_replays_exactly_the_missed(visitor_factory: Any) -> None:
    tab_a = await visitor_factory()
    tab_b = await visitor_factory({"token": tab_a.token})
    first = await tab_a.say("before")
    await tab_b.next("message")
    await tab_a.close()

    missed = [await tab_b.say(f"missed {i}") for i in range(5)]

    back = await visitor_factory({"token": tab_a.token, "since": first["seq"]})
    assert back.session["seq"] == 6
    replayed = [await back.next("message") for _ in range(5)]
    assert replayed == missed
    # Nothing else was replayed: the next message this tab sees is a new one.
    sentinel = await tab_b.say("after")
    assert await back.next("message") == sentinel


async def test_since_equal_to_latest_replays_nothing(visitor_factory: Any) -> None:
    v = await visitor_factory()
    last = await v.say("one")
    back = await visitor_factory({"token": v.token, "since": last["seq"]})
    sentinel = await v.say("two")
    assert await back.next("message") == sentinel


async def test_same_client_id_twice_stores_once(visitor_factory: Any) -> None:
    v = await visitor_factory()
    first = await v.call("message", {"client_id": "retry-me", "text": "hello"})
    second = await v.call("message", {"client_id": "retry-me", "text": "hello"})
    assert second == first
    history = await v.call("history", {"since": 0})
    assert [m["id"] for m in history["messages"]] == [first["message"]["id"]]
    # The retry was not broadcast again.
    assert await v.next("message") == first["message"]
    sentinel = await v.say("next")
    assert await v.next("message") == sentinel


async def test_forged_token_is_refused(server: Any, new_client: Any) -> None:
    v = new_client(server)
    forged = VisitorTokens("not-the-desk-secret-not-the-desk-secret").issue(uuid.uuid4().hex)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await v.connect({"token": forged})
    assert v.connect_error["message"] == "invalid_token"


async def test_garbage_token_is_refused(server: Any, new_client: Any) -> None:
    v = new_client(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await v.connect({"token": "garbage"})
    assert v.connect_error["message"] == "invalid_token"


async def test_signed_token_of_unknown_visitor_is_refused(server: Any, new_client: Any) -> None:
    secret = server.app[SETTINGS].secret_key
    v = new_client(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await v.connect({"token": VisitorTokens(secret).issue("no-such-visitor")})
    assert v.connect_error["message"] == "invalid_token"


async def test_disallowed_origin_is_refused(server: Any, new_client: Any) -> None:
    v = new_client(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await v.connect(None, headers={"Origin": "https://evil.example"})


async def test_own_and_configured_origins_are_allowed(start_server: Any, new_client: Any) -> None:
    server = await start_server(allowed_origins=("https://shop.example",))
    own = str(server.make_url("")).rstrip("/")
    for origin in (own, "https://shop.example"):
        v = new_client(server)
        await v.connect(None, headers={"Origin": origin})
        assert v.session["token"]


async def test_visitor_cannot_see_another_visitors_messages(visitor_factory: Any) -> None:
    alice = await visitor_factory()
    bob = await visitor_factory()
    await alice.say("alice's secret")
    bob_own = await bob.say("bob here")
    # Bob's socket only ever hears his own conversation...
    assert await bob.next("message") == bob_own
    assert bob.pending("message") == []
    # ...and history only reads the connection's own conversation.
    history = await bob.call("history", {"since": 0})
    assert [m["text"] for m in history["messages"]] == ["bob here"]


async def test_history_pages(visitor_factory: Any) -> None:
    v = await visitor_factory()
    for i in range(5):
        await v.say(f"m{i}")
    page = await v.call("history", {"since": 1, "limit": 2})
    assert [m["seq"] for m in page["messages"]] == [2, 3] and page["more"] is True
    page = await v.call("history", {"since": 3, "limit": 2})
    assert [m["seq"] for m in page["messages"]] == [4, 5] and page["more"] is False


async def test_typing_is_relayed_not_stored(visitor_factory: Any) -> None:
    v = await visitor_factory()
    await v.sio.emit("typing", {"on": True}, namespace="/visitor")
    await v.sio.emit("typing", {"on": "yes"}, namespace="/visitor")
    error = await v.next("error")
    assert error["code"] == "invalid_payload"
    history = await v.call("history", {"since": 0})
    assert history["messages"] == []


async def test_flood_is_throttled(start_server: Any, new_client: Any) -> None:
    server = await start_server(visitor_rate=0.001, visitor_burst=3)
    v = new_client(server)
    await v.connect()
    acks = [await v.call("message", {"client_id": f"f{i}", "text": "x"}) for i in range(5)]
    assert [a["ok"] for a in acks] == [True, True, True, False, False]
    assert acks[3]["error"]["code"] == "rate_limited"


async def test_client_sent_reserved_events_are_ignored(visitor_factory: Any) -> None:
    v = await visitor_factory()
    other = await visitor_factory()
    # A spoofed "connect" must not re-bind this socket to another visitor's conversation.
    await v.sio.emit("connect", ({}, {"token": other.token}), namespace="/visitor")
    await v.sio.emit("disconnect", "x", namespace="/visitor")
    # Handlers run concurrently; a spoof that got through would rebind within a few
    # store round trips (observed), so check over several.
    for i in range(4):
        message = await v.say(f"still mine {i}")
        assert message["conversation_id"] == v.session["conversation_id"]
    assert v.pending("session") == []


HUGE = "x" * 100_000

MALFORMED: list[tuple[str, Any]] = [
    ("message", None),
    ("message", []),
    ("message", [1, 2]),
    ("message", 42),
    ("message", "hello"),
    ("message", True),
    ("message", {}),
    ("message", {"text": "hi"}),
    ("message", {"client_id": "a"}),
    ("message", {"client_id": "", "text": "hi"}),
    ("message", {"client_id": 7, "text": "hi"}),
    ("message", {"client_id": None, "text": "hi"}),
    ("message", {"client_id": "a" * 500, "text": "hi"}),
    ("message", {"client_id": "a", "text": None}),
    ("message", {"client_id": "a", "text": 12}),
    ("message", {"client_id": "a", "text": ["hi"]}),
    ("message", {"client_id": "a", "text": {"t": "hi"}}),
    ("message", {"client_id": "a", "text": ""}),
    ("message", {"client_id": "a", "text": "   \n\t  "}),
    ("message", {"client_id": "a", "text": "\x00\x01\x02"}),
    ("message", {"client_id": "a", "text": "x" * 4001}),
    ("message", {"client_id": "a", "text": HUGE}),
    ("message", {"client_id": "a", "text": "hi", "author": "operator"}),
    ("history", None),
    ("history", {}),
    ("history", {"since": -1}),
    ("history", {"since": "0"}),
    ("history", {"since": 1.5}),
    ("history", {"since": True}),
    ("history", {"since": 2**80}),
    ("history", {"since": 0, "limit": 0}),
    ("history", {"since": 0, "limit": "10"}),
    ("history", {"since": 0, "conversation_id": "someone-else"}),
    ("history", [0]),
]


@pytest.mark.parametrize(("event", "payload"), MALFORMED)
async def test_malformed_payload_gets_error_ack(
    visitor_factory: Any, event: str, payload: Any
) -> None:
    v = await visitor_factory()
    ack = await v.call(event, payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] in {"invalid_payload", "text_empty", "text_too_long"}
    assert ack["error"]["message"]
    # The server keeps serving this connection, and stored nothing.
    assert (await v.call("history", {"since": 0}))["messages"] == []
    assert (await v.say("still here"))["seq"] == 1


async def test_several_arguments_get_error_ack(visitor_factory: Any) -> None:
    v = await visitor_factory()
    ack = await v.sio.call("message", ({"client_id": "a", "text": "x"}, 2), namespace="/visitor")
    assert ack["ok"] is False


async def test_session_has_state_and_desk(visitor_factory: Any) -> None:
    v = await visitor_factory()
    assert v.session["state"] == {
        "mode": "bot",
        "queue": None,
        "operator": None,
        "ticket": None,
        "offline_form": False,
        "rating_requested": False,
    }
    desk = v.session["desk"]
    assert desk["status"] in ("away", "closed")  # no operator exists yet
    assert desk["reply_within_seconds"] == 24 * 3600
    assert desk["open_now"] == (desk["next_open"] is None)


async def test_forget_deletes_everything_and_disconnects(
    visitor_factory: Any, new_client: Any, server: Any
) -> None:
    tab1 = await visitor_factory()
    tab2 = await visitor_factory({"token": tab1.token})
    await tab1.say("delete me please")
    assert await tab1.call("forget", {}) == {"ok": True}
    assert await tab2.next("forgotten") == {}
    again = new_client(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await again.connect({"token": tab1.token})
    assert again.connect_error["message"] == "invalid_token"
    bad = await (await visitor_factory()).call("forget", {"everything": True})
    assert bad["error"]["code"] == "invalid_payload"
