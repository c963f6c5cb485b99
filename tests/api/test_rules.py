"""A desk's ``[[rules]]`` over real HTTP: a monitoring alert filed through the API comes
out urgent, an incident and tagged, its history says which rule did it, and the console's
ticket page shows that line."""

from __future__ import annotations

from typing import Any

import pytest

from chatdesk.wire.apiout import ApiTicket, ApiTicketDetail

from ..test_console_tickets_http import ada_session
from .conftest import DESK_TOML, Api, Desk, ticket_body

RULE = """
[[rules]]
name = "Monitoring alerts"
when = { channel = ["api"], words = ["alert"] }
then = { priority = "urgent", type = "incident", tags = ["monitoring"], department = "technical" }
"""


@pytest.fixture
def desk_toml() -> str:
    return DESK_TOML + RULE


async def test_an_alert_filed_through_the_api_is_urgent(api: Api, desk: Desk) -> None:
    body = ticket_body(subject="ALERT: disk full on web-12", description="92% used")
    alert = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=body)
    assert (alert.priority, alert.type, alert.tags) == ("urgent", "incident", ["monitoring"])
    assert alert.department == "technical"
    plain = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=ticket_body())
    assert (plain.priority, plain.type, plain.tags) == ("normal", "question", [])

    detail = await api.call("GET", f"/api/v1/tickets/{alert.id}", ApiTicketDetail)
    (row,) = [e for e in detail.events if e.kind == "rule"]
    assert row.actor == "system" and row.data == {
        "name": "Monitoring alerts",
        "department": {"from": "general", "to": "technical"},
        "priority": {"from": "normal", "to": "urgent"},
        "type": {"from": "question", "to": "incident"},
        "tags": ["monitoring"],
    }

    server: Any = desk.server
    async with ada_session(server) as http, http.get(f"/console/t/{alert.id}") as page:
        text = await page.text()
    assert (
        "applied the rule “Monitoring alerts”: department: General → Technical; "
        "priority: normal → urgent; type: question → incident; tags: + monitoring"
    ) in " ".join(text.split())
