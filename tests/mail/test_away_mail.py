"""Operators out of office, through the store's feed and a real SMTP sink: their mail
goes to their replacement (who is told why, once), comes back to them on the day they
are back, and the desk's rules give them no new ticket meanwhile."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chatdesk.errors import InvalidPayload
from chatdesk.helpdesk import Edit
from chatdesk.services import Services

from ..desk import Clock
from ..helpdesk.conftest import operator
from .conftest import Sink, deliver
from .test_outbox import parts, requester
from .test_staff_mail import at, file


async def test_an_operator_s_mail_goes_to_their_replacement_while_away(
    desk: Services, sink: Sink, clock: Clock
) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    ticket = await file(desk)
    await desk.helpdesk.tickets.change(bob, ticket.id, Edit(assignee=ann.id))
    await deliver(desk, sink)  # "received", and Ann's "given to you"
    back = at("2026-12-14T00:00")
    clock.now = back - timedelta(days=5)
    ann = await desk.helpdesk.away.set(ann, back, bob.id)
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Toujours en panne.")
    (told,) = await deliver(desk, sink)
    assert told["To"] == "bob@desk.test"
    text, _ = parts(told)
    assert "Bonjour Bob," in text and "Léa Peeters a répondu à la demande #000001" in text
    assert "à la place de Ann, absent(e), de retour le lundi 14 décembre" in text
    # A note naming Ann and Bob reaches Bob once; Bob's own note naming Ann, nobody.
    cleo = await operator(desk, "Cleo")
    await desk.helpdesk.tickets.reply(ticket.id, cleo, "@Ann @Bob regardez", internal=True)
    (named,) = await deliver(desk, sink)
    assert named["To"] == "bob@desk.test"
    await desk.helpdesk.tickets.reply(ticket.id, bob, "@Ann pour ton retour", internal=True)
    assert await deliver(desk, sink) == []
    # Back on the day: her mail is hers again.
    clock.now = back + timedelta(minutes=1)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Et maintenant ?")
    (again,) = await deliver(desk, sink)
    assert again["To"] == "ann@desk.test" and "à la place" not in parts(again)[0]


async def test_no_replacement_or_an_away_replacement_leaves_the_mail_where_it_was(
    desk: Services, sink: Sink, clock: Clock
) -> None:
    ann, bob = await operator(desk, "Ann"), await operator(desk, "Bob")
    ticket = await file(desk)
    await desk.helpdesk.tickets.change(bob, ticket.id, Edit(assignee=ann.id))
    await deliver(desk, sink)
    clock.now = at("2026-12-07T09:00")
    await desk.helpdesk.away.set(ann, at("2026-12-14T00:00"), bob.id)
    await desk.helpdesk.away.set(bob, at("2026-12-10T00:00"))  # away too, nobody for him
    lea = await requester(desk, ticket)
    await desk.helpdesk.tickets.reply(ticket.id, lea, "Allô ?")
    assert [m["To"] for m in await deliver(desk, sink)] == ["ann@desk.test"]
    # Refused: a day gone, too far, oneself, nobody.
    for until, replacement in (
        (at("2026-12-01T00:00"), None),
        (at("2028-01-01T00:00"), None),
        (at("2026-12-14T00:00"), ann.id),
        (at("2026-12-14T00:00"), "0" * 32),
    ):
        with pytest.raises(InvalidPayload):
            await desk.helpdesk.away.set(ann, until, replacement)
    assert (await desk.helpdesk.away.back(ann)).away_until is None
