"""Colleagues named in an internal note (``@Bob``): the note's history row names them,
each gets a mail quoting the note (through the store's feed: on both backends), nobody
else does; the author, a disabled account, an ambiguous first name and someone a
complaint is hidden from are never told."""

from __future__ import annotations

from chatdesk.helpdesk import NewTicket
from chatdesk.models import Operator
from chatdesk.services import Services

from ..helpdesk.conftest import operator
from .conftest import Sink, deliver
from .test_outbox import parts


async def colleague(desk: Services, name: str) -> Operator:
    email = name.lower().replace(" ", ".").replace("é", "e") + "@desk.test"
    return await desk.operators.add(
        email, name=name, role="operator", departments=("general",), languages=("fr",),
        password="correct horse battery",
    )  # fmt: skip


async def test_a_note_naming_colleagues_mails_each_of_them(desk: Services, sink: Sink) -> None:
    ann, bob = await colleague(desk, "Ann"), await colleague(desk, "Bob Martin")
    await colleague(desk, "Cleo Dupont")
    await colleague(desk, "Cleo Peeters")  # two Cleos: "@Cleo" names neither
    zoe = await colleague(desk, "Zoé")
    await desk.operators.set_disabled(zoe.email, True)
    ticket, _ = await desk.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Site en panne", lang="fr")
    )
    await deliver(desk, sink)
    note = "@bob, le serveur 3 ? @Cleo @Zoé @Ann et @Cleo Peeters, vu avec moi@ann.be"
    message, _, events = await desk.helpdesk.tickets.reply(ticket.id, ann, note, internal=True)
    [mention] = [e for e in events if e.name == "operators_mentioned"]
    cleo = next(o for o in await desk.operators.list() if o.name == "Cleo Peeters")
    assert set(mention.operator_ids) == {bob.id, cleo.id}
    history = await desk._store.helpdesk.list_ticket_events(ticket.id)
    [row] = [e for e in history if e.kind == "mention"]
    assert row.actor_id == ann.id and row.data["note"] == message.id

    told = await deliver(desk, sink)
    assert sorted(m["To"] for m in told) == ["bob.martin@desk.test", "cleo.peeters@desk.test"]
    mail = next(m for m in told if m["To"] == "bob.martin@desk.test")
    assert mail["Subject"] == "[#000001] Site en panne"
    text, html = parts(mail)
    assert "Ann vous cite dans une note interne sur la demande #000001" in text
    assert "le serveur 3" in text and f"/console/t/{ticket.id}" in html

    # A public reply names nobody; a note without a name neither.
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Merci @Bob", internal=False)
    await desk.helpdesk.tickets.reply(ticket.id, ann, "Rien à signaler", internal=True)
    assert [m["To"] for m in await deliver(desk, sink)] == ["lea@example.be"]


async def test_a_complaint_s_note_names_only_who_may_see_it(desk: Services, sink: Sink) -> None:
    boss = await operator(desk, "Boss", role="service_manager")
    await operator(desk, "Bob")
    admin = await operator(desk, "Ada", role="admin")
    complaint, _ = await desk.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Plainte", type="complaint", lang="fr")
    )
    await deliver(desk, sink)
    _, _, events = await desk.helpdesk.tickets.reply(
        complaint.id, boss, "@Bob @Ada à voir", internal=True
    )
    [mention] = [e for e in events if e.name == "operators_mentioned"]
    assert mention.operator_ids == (admin.id,)
    assert [m["To"] for m in await deliver(desk, sink) if "Plainte" in m["Subject"]] == [
        "ada@desk.test"
    ]
