"""Operators who follow a ticket hear of its news by mail (through the store's feed and a
real SMTP sink): the requester's answers, a colleague's public reply, a status change;
never of their own acts, and the assignee only once."""

from __future__ import annotations

import pytest

from chatdesk.errors import NotFound
from chatdesk.helpdesk import Edit
from chatdesk.models import Status
from chatdesk.services import Services

from ..helpdesk.conftest import operator
from .conftest import Sink, deliver
from .test_outbox import parts, requester
from .test_staff_mail import file


async def test_followers_hear_of_answers_replies_and_statuses(desk: Services, sink: Sink) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    cleo = await operator(desk, "Cleo")
    ticket = await file(desk)
    console = desk.helpdesk.console
    for who in (bob, cleo):
        assert await console.follow(who, ticket.label, on=True) == ticket.id
    assert set((await console.page(bob, ticket.id))["followers"]) == {bob.id, cleo.id}
    await deliver(desk, sink)  # the requester's "received", the department's "new"

    # Ann answers (she takes the ticket): Bob and Cléo follow it, each told who replied.
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Pouvez-vous préciser l'URL ?")
    told = {m["To"]: parts(m)[0] for m in await deliver(desk, sink)}
    assert set(told) == {"lea@example.be", "bob@desk.test", "cleo@desk.test"}
    assert (
        "Ann a répondu à la demande #000001 « Site en panne », que vous suivez"
        in (told["bob@desk.test"])
    )
    assert "Pouvez-vous préciser l'URL ?" in told["bob@desk.test"]
    assert "Vous suivez cette demande" in told["bob@desk.test"]

    # The requester answers: Ann hears of it as the assignee, the followers as followers.
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "C'est https://shop.example.be.")
    told = {m["To"]: parts(m)[0] for m in await deliver(desk, sink)}
    assert set(told) == {"ann@desk.test", "bob@desk.test", "cleo@desk.test"}
    assert "Léa Peeters a répondu à la demande #000001" in told["cleo@desk.test"]
    assert "que vous suivez" in told["cleo@desk.test"]
    assert "que vous suivez" not in told["ann@desk.test"]

    # Bob changes the status: Cléo hears of it; Bob of nothing he did himself.
    await desk.helpdesk.tickets.change(bob, ticket.id, Edit(status=Status.PENDING))
    (moved,) = await deliver(desk, sink)
    assert moved["To"] == "cleo@desk.test"
    assert "Bob a changé le statut de la demande #000001" in parts(moved)[0]
    assert "ouvert → en attente du demandeur" in parts(moved)[0]

    # Cléo stops following; Bob follows the ticket he is now given: told once, as assignee.
    await console.follow(cleo, ticket.id, on=False)
    await desk.helpdesk.tickets.change(ann, ticket.id, Edit(assignee=bob.id))
    await deliver(desk, sink)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Toujours en panne.")
    assert [m["To"] for m in await deliver(desk, sink)] == ["bob@desk.test"]


async def test_followers_follow_a_merged_ticket_where_it_went(desk: Services) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    source, target = await file(desk), await file(desk, subject="Toujours en panne")
    await desk.helpdesk.console.follow(bob, source.id, on=True)
    await desk.helpdesk.tickets.merge(ann, source.id, target.label)
    assert (await desk.helpdesk.console.page(ann, target.id))["followers"] == [bob.id]


async def test_a_complaint_is_followed_only_by_who_may_see_it(desk: Services) -> None:
    bob = await operator(desk, "Bob")
    meg = await operator(desk, "Meg", role="service_manager")
    complaint = await file(desk, type="complaint", subject="Plainte")
    with pytest.raises(NotFound):
        await desk.helpdesk.console.follow(bob, complaint.id, on=True)
    assert await desk.helpdesk.console.follow(meg, complaint.id, on=True) == complaint.id
