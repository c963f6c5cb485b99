"""Time spent on tickets: recorded with a reply or note, added up on the ticket's page,
kept from requesters, and per client organisation and operator in the reports."""

from __future__ import annotations

import pytest

from chatdesk.errors import Forbidden, InvalidPayload
from chatdesk.helpdesk import NewTicket
from chatdesk.hookconfig import EVENTS
from chatdesk.services import Services

from ..desk import Clock
from .conftest import operator


async def test_minutes_go_with_a_reply_once_and_add_up_on_the_page(
    hd: Services, clock: Clock
) -> None:
    ann = await operator(hd, "Ann")
    bob = await operator(hd, "Bob")
    ticket, _ = await hd.helpdesk.filing.file(NewTicket("lea@example.be", "Site lent", lang="fr"))
    tickets = hd.helpdesk.tickets
    await tickets.reply(ticket.id, ann, "Analyse des logs.", internal=True, time_spent=25)
    clock.advance(minutes=30)
    note, _, _ = await tickets.reply(ticket.id, bob, "Cache vidé.", client_id="r1", time_spent=70)
    again, _, events = await tickets.reply(
        ticket.id, bob, "Cache vidé.", client_id="r1", time_spent=70
    )
    assert again.id == note.id and events == []  # a retry records nothing twice
    await tickets.reply(ticket.id, ann, "Rien à noter.")

    page = await hd.helpdesk.console.page(ann, ticket.id)
    rows = [(e["actor_id"], e["data"]) for e in page["events"] if e["kind"] == "time"]
    assert [(who, data["minutes"]) for who, data in rows] == [(ann.id, 25), (bob.id, 70)]
    assert rows[1][1]["message"] == note.id
    assert page["time_spent_minutes"] == 95

    lea = await hd.helpdesk.people.find("lea@example.be")
    assert lea is not None
    seen = await hd.helpdesk.views.requester_view(ticket)
    assert not [e for e in seen["events"] if e["kind"] == "time"]  # the team's, not theirs
    with pytest.raises(Forbidden):
        await tickets.reply(ticket.id, lea, "Merci !", time_spent=5)
    for wrong in (-1, 24 * 60 + 1):
        with pytest.raises(InvalidPayload) as info:
            await tickets.reply(ticket.id, ann, "Trop.", time_spent=wrong)
        assert info.value.code == "time_spent"
    assert "ticket.time" in EVENTS  # a webhook may ask for them


async def test_the_report_adds_minutes_up_per_organisation_and_operator(
    hd: Services, clock: Clock
) -> None:
    ann = await operator(hd, "Ann")
    bob = await operator(hd, "Bob")
    acme = await hd.helpdesk.people.add_organisation("Acme")
    await hd.helpdesk.people.add_member(acme, "lea@example.be", name="Léa")
    for_acme, _ = await hd.helpdesk.filing.file(NewTicket("lea@example.be", "Panne", lang="fr"))
    alone, _ = await hd.helpdesk.filing.file(NewTicket("tom@example.be", "Facture", lang="fr"))
    tickets = hd.helpdesk.tickets
    await tickets.reply(for_acme.id, ann, "Fait.", time_spent=30)
    await tickets.reply(for_acme.id, bob, "Vérifié.", internal=True, time_spent=15)
    await tickets.reply(alone.id, ann, "Envoyée.", time_spent=10)

    report = await hd.helpdesk.reports.report()
    assert report.time_by("organisation_id") == [(acme.id, 45), (None, 10)]
    assert report.time_by("operator_id") == [(ann.id, 40), (bob.id, 15)]
    assert sum(row.minutes for row in report.time) == 55
    clock.advance(days=40)
    assert (await hd.helpdesk.reports.report()).time == []  # another period
