"""The bot through the socket: answers, suggestions, ratings, escalation and silence."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from chatdesk.app import STORE, VISITORS
from chatdesk.bot.encoderproc import ProcessEncoder, child_niceness
from chatdesk.web.appkeys import LIBRARY

FIXTURE = Path(__file__).parent / "fixtures" / "knowledge"


@pytest.fixture
async def server(start_server: Any) -> Any:
    return await start_server(knowledge_dir=FIXTURE)


async def settle(server: Any) -> None:
    """Wait until the server has finished every bot reply under way."""
    await server.app[VISITORS].drain()


async def test_session_carries_the_bots_greeting(visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "fr"})
    assert v.session["mode"] == "bot"
    bot = v.session["bot"]
    assert bot["name"] == "Testbot" and bot["greeting"] == "Bonjour, je suis Testbot."
    assert bot["starters"] == [
        {"entry_id": "invoices", "title": "Où trouver mes factures ?"},
        {"entry_id": "password-reset", "title": "J'ai oublié mon mot de passe"},
    ]


async def test_question_gets_an_answer_with_its_entry(visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "en"})
    question = await v.say("where can I download my invoices as PDF?")
    answer = await v.bot_reply()
    assert answer["seq"] == question["seq"] + 1
    assert answer["kind"] == "answer" and answer["entry_id"] == "invoices"
    assert 0.5 < answer["confidence"] <= 1.0
    assert answer["lang"] == "en"
    assert answer["text"].startswith("Your invoices are in your **customer area**")
    assert "<strong>customer area</strong>" in answer["html"]
    assert answer["follow_ups"] == [
        {"entry_id": "payment-methods", "title": "Which payment methods do you accept?"}
    ]
    # The answer is an ordinary message: it replays in history.
    history = await v.call("history", {"since": 0})
    assert history["messages"][-1] == answer


async def test_answer_html_is_sanitised(visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "fr"})
    await v.say("j'ai oublié mon mot de passe")
    answer = await v.bot_reply()
    assert answer["entry_id"] == "password-reset"
    assert "<script>" not in answer["html"] and "&lt;script&gt;" in answer["html"]


async def test_rating_is_stored(server: Any, visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "nl"})
    await v.say("waar vind ik mijn facturen")
    answer = await v.bot_reply()
    assert await v.call("feedback", {"message_id": answer["id"], "useful": True}) == {"ok": True}
    assert await server.app[STORE].feedback.feedback_summary() == {"invoices": (1, 0)}
    # Changing one's mind replaces the rating.
    assert (await v.call("feedback", {"message_id": answer["id"], "useful": False}))["ok"]
    assert await server.app[STORE].feedback.feedback_summary() == {"invoices": (0, 1)}
    # The rating comes back with the message in history (another tab, a reload).
    assert answer["feedback"] is None
    history = await v.call("history", {"since": answer["seq"] - 1})
    assert history["messages"][0]["feedback"] is False


async def test_rating_only_own_bot_messages(visitor_factory: Any) -> None:
    alice = await visitor_factory({"lang": "en"})
    bob = await visitor_factory({"lang": "en"})
    own = await alice.say("where are my invoices?")
    answer = await alice.bot_reply()
    for who, message_id in ((alice, own["id"]), (bob, answer["id"]), (alice, "nope")):
        ack = await who.call("feedback", {"message_id": message_id, "useful": True})
        assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    bad = await alice.call("feedback", {"message_id": answer["id"], "useful": "yes"})
    assert bad["error"]["code"] == "invalid_payload"


async def test_choosing_a_suggestion(server: Any, visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "fr"})
    ack = await v.call("choose", {"entry_id": "payment-methods", "client_id": "pick-1"})
    assert ack["ok"] is True
    chosen = ack["message"]
    assert chosen["author"] == "visitor" and chosen["choice"] == "payment-methods"
    assert chosen["text"] == "Quels moyens de paiement acceptez-vous ?"
    answer = await v.bot_reply()
    assert answer["entry_id"] == "payment-methods" and answer["confidence"] == 1.0
    again = await v.call("choose", {"entry_id": "payment-methods", "client_id": "pick-1"})
    assert again == ack  # a retried choice is not answered twice
    unknown = await v.call("choose", {"entry_id": "nope"})
    assert unknown["ok"] is False and unknown["error"]["code"] == "unknown_entry"


async def test_unsure_bot_suggests(visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "en"})
    await v.say("payment")
    reply = await v.bot_reply()
    assert reply["kind"] in ("suggest", "answer")
    if reply["kind"] == "suggest":
        assert reply["suggestions"] and reply["entry_id"] is None


async def test_asking_for_a_person_escalates_and_silences_the_bot(
    server: Any, visitor_factory: Any
) -> None:
    v = await visitor_factory({"lang": "fr"})
    await v.say("je veux parler à un conseiller")
    reply = await v.bot_reply()
    assert reply["kind"] == "escalated"
    escalated = await v.next("escalated")
    assert escalated["reason"] == "visitor_request"
    assert (escalated["department"], escalated["priority"]) == ("general", "normal")

    after = await v.say("Où trouver mes factures ?")
    while (noted := await v.next("message")).get("event") != "noted":
        pass  # the escalation's system lines and the echo of the visitor's message
    assert noted["author"] == "system" and "équipe" in noted["text"]
    await v.say("et aussi mes bons de commande")
    await settle(server)
    history = await v.call("history", {"since": after["seq"] - 1})
    # No bot answer; the team's receipt is said once, in the conversation's language.
    assert [(m["author"], m.get("event")) for m in history["messages"]] == [
        ("visitor", None),
        ("system", "noted"),
        ("visitor", None),
    ]
    assert v.pending("escalated") == []
    again = await _reconnect(v, visitor_factory)
    assert again.session["mode"] == "waiting" and again.session["bot"] is None
    assert again.session["state"]["mode"] == "waiting"


async def test_escalating_entry_answers_then_hands_over(visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "en"})
    await v.say("I dispute a refund")
    reply = await v.bot_reply()
    assert (
        reply["entry_id"] == "refund-dispute"
        and reply["text"] == "I'm passing you to our billing team."
    )
    escalated = await v.next("escalated")
    assert (escalated["reason"], escalated["department"], escalated["priority"]) == (
        "entry",
        "billing",
        "high",
    )


async def test_two_misses_in_a_row_offer_a_person(server: Any, visitor_factory: Any) -> None:
    v = await visitor_factory({"lang": "en"})
    await v.say("what is the capital of australia")
    first = await v.bot_reply()
    await v.say("how tall is the eiffel tower")
    second = await v.bot_reply()
    assert first["kind"] in ("suggest", "no_answer") and second["kind"] in ("suggest", "no_answer")
    assert second["offer_person"] is True


async def _reconnect(v: Any, visitor_factory: Any) -> Any:
    return await visitor_factory({"token": v.token})


async def test_the_encoder_process_answers_over_the_socket(
    start_server: Any, new_client: Any
) -> None:
    # The conftest's settings encode in-thread; this is `chatdesk serve`'s default.
    server = await start_server(knowledge_dir=FIXTURE, bot_encoder="process")
    encoder = server.app[LIBRARY].encoder
    assert isinstance(encoder, ProcessEncoder)
    v = new_client(server)
    await v.connect({"lang": "en"})
    await v.say("where can I download my invoices as PDF?")
    answer = await v.bot_reply()
    assert answer["kind"] == "answer" and answer["entry_id"] == "invoices"
    pid = encoder.pid
    assert pid is not None and pid != os.getpid()
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, pid) == child_niceness(ours)
    await v.close()
    await server.close()
    assert encoder.pid is None  # the app's cleanup stopped the child
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
