"""The widget over a bad network: offline sends, lost acks, resends without duplicates."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import expect

from ..clients import VisitorClient
from .conftest import Desk, eventually, open_widget, page_token, stored_texts, widget

pytestmark = pytest.mark.asyncio(loop_scope="session")

# A socket.io EVENT packet on /visitor (with its ack id) carrying a `message`.
MESSAGE_EVENT = re.compile(r'^42/visitor,\d*\["message"')


async def test_messages_sent_offline_are_delivered_once_when_back(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/fr")
    w = widget(page)
    await open_widget(page)

    await context.set_offline(True)
    await expect(w.locator(".banner")).to_contain_text("Vous êtes hors ligne")
    box = w.get_by_label("Votre message")
    for text in ("Premier message hors ligne", "Second message hors ligne"):
        await box.fill(text)
        await box.press("Enter")
    mine = w.locator(".msg-visitor")
    await expect(mine).to_have_count(2)
    await expect(mine.locator(".delivery")).to_have_text(["Envoi…", "Envoi…"])
    # Unsent messages survive in storage (a reload would resend them).
    pending = await page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).pending")
    assert [p["text"] for p in pending] == [
        "Premier message hors ligne",
        "Second message hors ligne",
    ]

    await context.set_offline(False)
    await expect(mine.locator(".delivery")).to_have_text(["Envoyé", "Envoyé"])
    await expect(w.locator(".banner")).to_be_hidden()
    texts = await stored_texts(desk, page)
    assert texts.count("Premier message hors ligne") == 1
    assert texts.count("Second message hors ligne") == 1
    assert texts.index("Premier message hors ligne") < texts.index("Second message hors ligne")
    await expect(mine).to_have_count(2)  # no duplicate in the page either


async def test_a_lost_ack_is_resent_with_the_same_client_id(desk: Desk, context: Any) -> None:
    """The desk stores the message but the connection dies before the ack: the widget
    reconnects, sends again with the same client_id, and the desk keeps one copy."""
    page = await context.new_page()
    sent: list[dict[str, Any]] = []
    connections: list[Any] = []

    def route(ws: Any) -> None:
        server = ws.connect_to_server()
        first = not connections
        connections.append(ws)
        # First connection: once the message went up, nothing comes back (the ack is lost).
        # Second one: the replay of that message is held until the widget has sent it again,
        # as happens when the resend wins the race with the replay.
        muted = {"on": False}
        held: list[str | bytes] = []

        def upstream(frame: str | bytes) -> None:
            if isinstance(frame, str) and MESSAGE_EVENT.match(frame):
                sent.append(json.loads(frame[frame.index("[") :])[1])
                muted["on"] = first
                server.send(frame)
                for kept in held:
                    ws.send(kept)
                held.clear()
                return
            server.send(frame)

        def downstream(frame: str | bytes) -> None:
            if muted["on"]:
                return
            if (
                not first
                and len(sent) < 2
                and isinstance(frame, str)
                and MESSAGE_EVENT.match(frame)
            ):
                held.append(frame)
                return
            ws.send(frame)

        ws.on_message(upstream)
        server.on_message(downstream)

    await page.route_web_socket(re.compile(r"/socket\.io/"), route)
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Your message")
    await box.fill("Is my message stored twice?")
    await box.press("Enter")
    mine = w.locator(".msg-visitor")
    await expect(mine.locator(".delivery")).to_have_text("Sending…")
    # The desk has it; the widget does not know yet. Then the connection dies.
    reader = await desk.visitor(await page_token(page))
    await eventually(lambda: _stored(reader, "Is my message stored twice?"))
    await connections[0].close(code=1001, reason="network cut")

    await expect(mine.locator(".delivery")).to_have_text("Sent")
    assert len(connections) == 2
    assert len(sent) == 2 and sent[0] == sent[1]  # the same client_id and text, twice
    assert (await _texts(reader)).count("Is my message stored twice?") == 1
    await expect(mine).to_have_count(1)


async def _texts(reader: VisitorClient) -> list[str]:
    ack = await reader.call("history", {"since": 0, "limit": 200})
    return [m["text"] for m in ack["messages"]]


async def _stored(reader: VisitorClient, text: str) -> bool:
    return text in await _texts(reader)


async def test_unsent_messages_survive_a_reload(desk: Desk, context: Any) -> None:
    page = await context.new_page()
    lose = {"on": True}

    def route(ws: Any) -> None:
        server = ws.connect_to_server()

        def upstream(frame: str | bytes) -> None:
            if lose["on"] and isinstance(frame, str) and MESSAGE_EVENT.match(frame):
                return  # lost on the way to the desk
            server.send(frame)

        ws.on_message(upstream)
        server.on_message(lambda frame: ws.send(frame))

    await page.route_web_socket(re.compile(r"/socket\.io/"), route)
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Your message")
    await box.fill("Did this one get through?")
    await box.press("Enter")
    await expect(w.locator(".msg-visitor .delivery")).to_have_text("Sending…")
    pending = await page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).pending")
    assert [p["text"] for p in pending] == ["Did this one get through?"]

    lose["on"] = False
    await page.reload()  # the panel reopens; the message is sent with its client_id
    await expect(w.locator(".msg-visitor .delivery")).to_have_text("Sent")
    await expect(w.locator(".msg-visitor")).to_have_count(1)
    assert (await stored_texts(desk, page)).count("Did this one get through?") == 1
    pending = await page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).pending")
    assert pending == []
