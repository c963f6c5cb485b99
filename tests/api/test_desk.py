"""What the API says of the desk, and of a ticket born in a chat."""

from __future__ import annotations

from typing import Any

from chatdesk.helpdesk import Edit
from chatdesk.wire.apiout import ApiDesk, ApiReply, ApiTicketDetail

from .conftest import Api, Desk


async def test_the_desk_lists_its_choices(as_: Any) -> None:
    desk = await as_(None).call("GET", "/api/v1/desk", ApiDesk)
    assert [(d.id, d.default) for d in desk.departments] == [
        ("general", True), ("technical", False), ("billing", False),
    ]  # fmt: skip
    assert [t.id for t in desk.types] == ["question", "incident", "idea", "complaint"]
    assert desk.types[2].name == {"fr": "Idée d'amélioration", "nl": "Verbeteridee",
                                  "en": "Improvement idea"}  # fmt: skip
    urgent, high, normal, low = desk.priorities
    assert urgent.definition == {"fr": "Service à l'arrêt", "en": "Service down, no workaround"}
    assert urgent.name["nl"] == "Dringend" and urgent.calendar == "business"
    assert (urgent.first_response.text, urgent.first_response.business_seconds) == ("1h", 3600)
    assert (normal.first_response.business_days, normal.resolution.business_days) == (1, 5)
    assert high.first_response.text == "4h" and low.resolution.text == "10 business days"
    site, plan = desk.fields
    assert (site.id, site.type, site.pattern, site.required) == ("site_id", "text",
                                                                 r"^\d{4}$", False)  # fmt: skip
    assert site.required_when.types == ["incident"] and site.label["nl"] == "Site-ID"
    assert [(o.value, o.label) for o in plan.options] == [("vps", {"en": "VPS"}),
                                                          ("web", {"en": "Web"})]  # fmt: skip
    assert desk.languages == ["fr", "nl", "en"]
    assert (desk.attachments.max_file, desk.attachments.max_ticket) == (64 * 1024, 100 * 1024)


async def test_a_chat_ticket_shows_its_conversation(api: Api, desk: Desk, new_client: Any) -> None:
    visitor = new_client(desk.server)
    await visitor.connect(None)
    await visitor.say("Bonjour, ma facture est fausse")
    conversation_id = visitor.session["conversation_id"]
    ada = await desk.services.operators.get(desk.ids["ada"])
    ticket, _ = await desk.services.helpdesk.chat.from_conversation(
        ada, conversation_id, Edit(subject="Facture", department="billing"), new=True
    )
    await api.call("POST", f"/api/v1/tickets/{ticket.id}/messages", ApiReply, status=201,
                   json={"text": "Je regarde.", "time_spent_minutes": 15})  # fmt: skip
    detail = await api.call("GET", f"/api/v1/tickets/{ticket.number}".replace("#", "%23"),
                            ApiTicketDetail)  # fmt: skip
    assert detail.channel == "chat" and detail.conversation_id == conversation_id
    said = [(m.source, m.author, m.text) for m in detail.messages]
    assert ("chat", "visitor", "Bonjour, ma facture est fausse") in said
    assert said[-1] == ("ticket", "operator", "Je regarde.")
    assert [e.data["minutes"] for e in detail.events if e.kind == "time"] == [15]
