"""GET /api/v1/time: the minutes recorded on tickets over a period, for invoicing."""

from __future__ import annotations

from typing import Any

from chatdesk.wire.apiout import ApiReply, ApiTicket, ApiTimeReport

from .conftest import Api, Desk, ticket_body


async def test_time_spent_per_organisation_ticket_and_operator(
    api: Api, as_: Any, desk: Desk
) -> None:
    acme = await desk.services.helpdesk.people.add_organisation("Acme")
    await desk.services.helpdesk.people.add_member(acme, "lea@client.be", name="Léa")
    filed = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201,
                           json=ticket_body())  # fmt: skip
    complaint = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201,
                               json=ticket_body(subject="Plainte", type="complaint"))  # fmt: skip
    for ticket, minutes in ((filed, 40), (filed, 25), (complaint, 15)):
        await api.call("POST", f"/api/v1/tickets/{ticket.id}/messages", ApiReply, status=201,
                       json={"text": "Fait.", "internal": True,
                             "time_spent_minutes": minutes})  # fmt: skip

    report = await api.call("GET", "/api/v1/time", ApiTimeReport)
    assert report.total_minutes == 80 and (report.to - report.start).days == 29
    rows = [(e.organisation, e.number, e.subject, e.operator, e.minutes) for e in report.entries]
    assert rows == [
        ("Acme", filed.number, filed.subject, "Ada", 65),
        ("Acme", complaint.number, "Plainte", "Ada", 15),
    ]
    # Bob does not see complaints: their subject is not for him, their minutes are.
    bob = await as_("bob").call("GET", "/api/v1/time", ApiTimeReport)
    assert [(e.subject, e.minutes) for e in bob.entries] == [(filed.subject, 65), ("—", 15)]

    day = report.to.isoformat()
    one_day = await api.call("GET", f"/api/v1/time?from={day}&to={day}", ApiTimeReport)
    assert one_day.total_minutes == 80
    error = await api.error("GET", "/api/v1/time?from=2026-12-10&to=2026-12-01", 400)
    assert error.code == "period"
    for wrong in ("to=null", "from=yesterday", "to=2026-02-30"):
        assert (await api.error("GET", f"/api/v1/time?{wrong}", 400)).code == "invalid_query"
    assert (await as_(None).error("GET", "/api/v1/time", 401)).code
