"""``[email] reply_from = "department"``: a ticket's mail to its requester comes from its
department's address (the one it was written to), operators' from the desk's; the
envelope sender, where bounces go, stays the desk's."""

from __future__ import annotations

from chatdesk.models import Status
from chatdesk.store import Store

from ..desk import Clock
from ..helpdesk.conftest import operator
from .conftest import FROM, Sink, deliver, mail_desk
from .test_staff_mail import file

ADDRESSES = {"billing@desk.test": "billing", "factures@desk.test": "billing"}


async def test_a_department_s_tickets_write_from_its_address(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, addresses=ADDRESSES, reply_from="department")
    ann = await operator(desk, "Ann")
    billing = await file(desk, department="billing", subject="Facture")
    general = await file(desk, email="tom@example.be", subject="Autre")
    received = {m["To"]: m for m in await deliver(desk, sink)}
    # The first address naming the department, with the desk's name.
    assert str(received["lea@example.be"]["From"]) == "Ardenne Support <billing@desk.test>"
    assert str(received["tom@example.be"]["From"]) == FROM  # no address of its own
    await desk.helpdesk.tickets.reply(billing.id, ann, "C'est corrigé.", then=Status.PENDING)
    (reply,) = await deliver(desk, sink)
    assert str(reply["From"]) == "Ardenne Support <billing@desk.test>"
    # The envelope (bounces) stays the desk's address; operators hear from the desk.
    assert {sender for sender, _ in sink.envelopes} == {"support@desk.test"}
    lea = await desk._store.requesters.find_requester("lea@example.be")
    assert lea is not None
    await desk.helpdesk.tickets.reply(billing.id, lea, "Merci, encore une question")
    (told,) = await deliver(desk, sink)
    assert told["To"] == "ann@desk.test" and str(told["From"]) == FROM
    assert general.department != "billing"


async def test_by_default_every_mail_comes_from_the_desk(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(store, clock, sink, addresses=ADDRESSES)
    await file(desk, department="billing", subject="Facture")
    (received,) = await deliver(desk, sink)
    assert str(received["From"]) == FROM
