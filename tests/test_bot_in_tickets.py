"""A chat ticket as operators and its requester read it: the bot's answers formatted as the
visitor saw them (not raw Markdown), what the offline form said shown apart, and an
operator's reply from the ticket's page said in the chat too, with its files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import ClientSession, FormData

from chatdesk.app import STORE, VISITORS
from chatdesk.events import ConversationChanged
from chatdesk.models import InboxView
from chatdesk.web.appkeys import EVENTS, SERVICES

from .test_console_tickets_http import PNG, ada_session, add_ada, csrf_of

KNOWLEDGE = Path(__file__).parent / "fixtures" / "knowledge"


async def test_a_bot_answer_reads_formatted_in_its_ticket(
    start_server: Any, new_client: Any
) -> None:
    server = await start_server(knowledge_dir=KNOWLEDGE)
    services = server.app[SERVICES]
    await add_ada(server)
    visitor = new_client(server)
    await visitor.connect({"lang": "en"})
    await visitor.say("where can I download my invoices as PDF?")
    answer = await visitor.bot_reply()
    await server.app[VISITORS].drain()
    assert "**customer area**" in answer["text"]
    assert (await visitor.call("escalate", {}))["ok"]
    filed = await visitor.call(
        "contact", {"email": "lea@example.be", "description": "And last year's?"}
    )
    assert filed["ok"], filed
    ticket = await server.app[STORE].tickets.current_ticket(visitor.session["conversation_id"])
    assert ticket is not None
    token = services.helpdesk.links.token(ticket.id, ticket.requester_id)
    async with ada_session(server) as http:
        async with http.get(f"/console/t/{ticket.number}") as page:
            console = await page.text()
        async with http.get(f"/support/t/{token}") as page:
            portal = await page.text()
    # What the visitor wrote in the offline form is not in the chat: shown apart, once.
    assert "<h2>Description</h2>" in portal and portal.count("And last year&#39;s?") == 1
    for text in (console, portal):
        assert '<div class="text rich"><p>Your invoices are in your <strong>customer area' in text
        assert "**customer area**" not in text


async def test_an_operator_s_reply_on_a_chat_ticket_is_said_in_the_chat(
    start_server: Any, new_client: Any
) -> None:
    server = await start_server()
    await add_ada(server)
    visitor = new_client(server)
    await visitor.connect({"lang": "fr"})
    await visitor.say("Mon site affiche une erreur 500")
    assert (await visitor.call("escalate", {}))["ok"]
    left = await visitor.call("contact", {"email": "lea@example.be"})
    # Promised until answered.
    assert left["state"]["ticket"]["reply_expected_by"] is not None
    assert left["state"]["ticket"]["answered"] is False
    ticket = await server.app[STORE].tickets.current_ticket(visitor.session["conversation_id"])
    assert ticket is not None
    async with ada_session(server) as http:
        form = FormData(default_to_multipart=True)
        form.add_field("csrf", await csrf_of(http, f"/console/t/{ticket.id}"))
        form.add_field("text", "Le certificat avait expiré ; c'est réparé.")
        form.add_field("files", PNG, filename="capture.png", content_type="image/png")
        async with http.post(
            f"/console/t/{ticket.id}/reply", data=form, headers={"Accept": "application/json"}
        ) as response:
            assert response.status == 200
    # The visitor reads it in the widget (live here; in the history when they come back).
    while (said := await visitor.next("message"))["author"] != "operator":
        pass
    assert said["text"] == "Le certificat avait expiré ; c'est réparé."
    assert said["operator"]["name"] == "Ada"
    # Its file comes along: the visitor's link is signed, and opens it.
    [file] = said["attachments"]
    assert file["name"] == "capture.png" and file["url"].startswith("/widget/files/")
    async with ClientSession() as http:
        async with http.get(server.make_url(file["url"])) as response:
            assert response.status == 200 and await response.read() == PNG
        forged = file["url"].split("?")[0] + "?sig=forged"
        async with http.get(server.make_url(forged)) as response:
            assert response.status == 403
    history = await visitor.call("history", {"since": 0})
    assert history["messages"][-1]["id"] == said["id"]
    # Answered: the chat leaves the console's Queue (the ticket goes on in Tickets).
    store = server.app[STORE]
    assert await store.queries.summaries(InboxView.QUEUE) == []
    # Coming back, the visitor is promised no reply time any more: they have one.
    back = new_client(server)
    await back.connect({"token": visitor.token})
    ticket_state = back.session["state"]["ticket"]
    assert ticket_state["reply_expected_by"] is None and ticket_state["answered"] is True
    # The requester's answer by mail (or the portal) joins the chat's transcript too.
    services = server.app[SERVICES]
    lea = await server.app[STORE].requesters.get_requester(ticket.requester_id)
    assert lea is not None
    _, _, events = await services.helpdesk.tickets.reply(ticket.id, lea, "Merci, ça marche !")
    # ...and the chat is back in the Queue, operators' lists told at once.
    [queued] = await store.queries.summaries(InboxView.QUEUE)
    assert queued.conversation.id == ticket.conversation_id
    assert any(isinstance(e, ConversationChanged) for e in events)
    await server.app[EVENTS].publish(events)
    while (echoed := await visitor.next("message"))["author"] != "visitor":
        pass
    assert echoed["text"] == "Merci, ça marche !"
    # The ticket's thread has each once, as the ticket's messages.
    page = await services.helpdesk.views.requester_view(ticket)
    texts = [m["text"] for m in page["messages"]]
    assert texts.count("Le certificat avait expiré ; c'est réparé.") == 1
    assert texts.count("Merci, ça marche !") == 1


async def test_a_reply_stands_when_the_visitor_was_forgotten(
    start_server: Any, new_client: Any
) -> None:
    server = await start_server()
    ada = await add_ada(server)
    visitor = new_client(server)
    await visitor.connect({"lang": "fr"})
    await visitor.say("Bonjour")
    assert (await visitor.call("escalate", {}))["ok"]
    assert (await visitor.call("contact", {"email": "lea@example.be"}))["ok"]
    ticket = await server.app[STORE].tickets.current_ticket(visitor.session["conversation_id"])
    assert ticket is not None
    assert (await visitor.call("forget", {}))["ok"]  # "forget me": the chat is gone
    message, after, _ = await server.app[SERVICES].helpdesk.tickets.reply(ticket.id, ada, "Réglé.")
    assert after.conversation_id is None and message.text == "Réglé."
