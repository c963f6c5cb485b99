"""People in Cc of a mail thread: kept on the ticket, copied on replies, heard when they
answer (over the real SMTP receiver and sink)."""

from __future__ import annotations

import pytest

from chatdesk.errors import InvalidPayload
from chatdesk.helpdesk import Edit
from chatdesk.models import AuthorKind, Status
from chatdesk.services import Services
from chatdesk.store import Store

from ..desk import Clock
from ..helpdesk.conftest import operator
from .conftest import Receiver, Sink, deliver, mail_desk, mail_from
from .test_inbound import texts, ticket
from .test_outbox import parts


async def test_the_people_in_cc_follow_the_thread(
    desk: Services, receiver: Receiver, sink: Sink
) -> None:
    partner = await desk.operators.add(
        "ops@partner.example", name="Ops", role="operator", departments=("general",),
        languages=("fr",), password="correct horse battery",
    )  # fmt: skip
    asked = mail_from(
        "lea@client.be", "Facture de novembre", "Notre facture compte deux fois le serveur.",
        Cc=f"Marc <marc@client.be>, LEA@client.be, {partner.email}, billing@desk.test",
    )  # fmt: skip
    await receiver.send(asked)
    filed = await ticket(desk, 1)
    # Not the requester, the desk's own addresses, nor an operator: they have the console.
    assert filed.cc == {"marc@client.be"}
    # The acknowledgement is the requester's (the rest: the operators' "new request").
    assert "marc@client.be" not in {m["To"] for m in await deliver(desk, sink)}

    ada = await operator(desk, "Ada")
    await desk.helpdesk.tickets.reply(filed.id, ada, "Nous corrigeons la facture.")
    mails = {m["To"]: m for m in await deliver(desk, sink)}
    assert set(mails) == {"lea@client.be", "marc@client.be"}, set(mails)
    copy, _ = parts(mails["marc@client.be"])
    assert "Vous êtes en copie de cette demande de lea@client.be." in copy
    assert "Nous corrigeons la facture." in copy
    assert mails["marc@client.be"]["Subject"] == "[#000001] Facture de novembre"

    # Marc answers all, and copies Zoé: his words join the ticket, Zoé follows it too.
    answer = mail_from(
        "marc@client.be", "Re: [#000001] Facture de novembre", "Merci, le bon de commande suit.",
        Cc="lea@client.be, zoe@client.be",
    )  # fmt: skip
    await receiver.send(answer)
    assert (await texts(desk, filed))[-1] == "Merci, le bon de commande suit."
    [message] = [
        m
        for m in await desk._store.helpdesk.list_ticket_messages(filed.id)
        if m.text.startswith("Merci")
    ]
    assert message.author is AuthorKind.REQUESTER and message.author_id != filed.requester_id
    after = await ticket(desk, 1)
    assert after.cc == {"marc@client.be", "zoe@client.be"}
    events = await desk._store.helpdesk.list_ticket_events(filed.id)
    assert [e.data for e in events if e.kind == "cc"] == [
        {"from": ["marc@client.be"], "to": ["marc@client.be", "zoe@client.be"]}
    ]
    await deliver(desk, sink)  # the assignee's news of the answer
    await desk.helpdesk.tickets.reply(filed.id, ada, "Le bon est bien arrivé.")
    mails = {m["To"]: parts(m)[0] for m in await deliver(desk, sink)}
    # Each reads the thread as theirs: Léa wrote the first mail, Marc the answer.
    assert "Vous · " in mails["lea@client.be"] and "Un participant · " in mails["lea@client.be"]
    assert "Vous · " not in mails["zoe@client.be"]
    assert "lea@client.be · " in mails["zoe@client.be"]

    # Someone the thread never copied is not taken on it by naming its number.
    stranger = mail_from("eve@elsewhere.example", "Re: [#000001] Facture", "Annulez tout.")
    await receiver.send(stranger)
    assert "Annulez tout." not in await texts(desk, filed)

    # The operator takes Marc off: resolving mails Léa and Zoé only.
    await desk.helpdesk.tickets.change(ada, filed.id, Edit(cc=["zoe@client.be"]))
    await deliver(desk, sink)
    await desk.helpdesk.tickets.change(ada, filed.id, Edit(status=Status.RESOLVED.value))
    resolved = await deliver(desk, sink)
    assert {m["To"] for m in resolved} == {"lea@client.be", "zoe@client.be"}, resolved

    # Closed, then Zoé writes again: a follow-up, hers, that Léa follows in Cc.
    await desk.helpdesk.tickets.change(ada, filed.id, Edit(status=Status.CLOSED.value))
    await deliver(desk, sink)
    again = mail_from("zoe@client.be", "Re: [#000001] Facture de novembre", "Encore une erreur.")
    await receiver.send(again)
    follow_up = await ticket(desk, 3)  # (#2: the stranger's new request)
    assert follow_up.follow_up_of == filed.id and follow_up.requester_email == "zoe@client.be"
    assert follow_up.cc == {"lea@client.be"}


async def test_operators_name_people_in_cc_one_address_at_a_time(
    desk: Services, receiver: Receiver
) -> None:
    await receiver.send(mail_from("lea@client.be", "Accès", "Je n'ai plus accès."))
    filed = await ticket(desk, 1)
    ada = await operator(desk, "Ada")
    with pytest.raises(InvalidPayload):
        await desk.helpdesk.tickets.change(ada, filed.id, Edit(cc=["pas une adresse"]))
    with pytest.raises(InvalidPayload):
        await desk.helpdesk.tickets.change(
            ada, filed.id, Edit(cc=[f"p{n}@client.be" for n in range(11)])
        )
    assert (await ticket(desk, 1)).cc == frozenset()


async def test_in_an_account_department_people_in_cc_read_but_are_not_heard(
    store: Store, clock: Clock, sink: Sink
) -> None:
    desk = mail_desk(
        store, clock, sink, addresses={"billing@desk.test": "billing"},
        registered_only=frozenset({"billing"}),
    )  # fmt: skip
    acme = await desk.helpdesk.people.add_organisation("Acme")
    await desk.helpdesk.people.add_member(acme, "lea@acme.be")
    receiver = Receiver(desk)
    await receiver.start()
    try:
        asked = mail_from("lea@acme.be", "Facture", "Une question de facture.",
                          Cc="marc@elsewhere.example")  # fmt: skip
        assert "filed" in await receiver.send(asked, to="billing@desk.test")
        filed = await ticket(desk, 1)
        assert filed.department == "billing" and filed.cc == {"marc@elsewhere.example"}
        ada = await operator(desk, "Ada")
        await desk.helpdesk.tickets.reply(filed.id, ada, "Voici le détail.")
        assert "marc@elsewhere.example" in {m["To"] for m in await deliver(desk, sink)}
        # Marc is not registered: his "please refund to this account" is not taken.
        answer = mail_from("marc@elsewhere.example", "Re: [#000001] Facture",
                           "Remboursez sur le compte BE00 0000.")  # fmt: skip
        await receiver.send(answer, to="billing@desk.test")
    finally:
        await receiver.stop()
    assert "Remboursez sur le compte BE00 0000." not in await texts(desk, filed)
