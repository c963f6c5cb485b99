"""Mail from a merged requester's other address: it threads onto their tickets as theirs,
files new tickets in their name, and is answered where it came from."""

from __future__ import annotations

from chatdesk.models import AuthorKind
from chatdesk.services import Services

from .conftest import Receiver, Sink, deliver, mail_from
from .test_inbound import ticket


async def test_mail_from_another_address_of_a_merged_requester_is_theirs(
    desk: Services, receiver: Receiver, sink: Sink
) -> None:
    await receiver.send(mail_from("zoe@example.be", "Facture incorrecte", "Ma facture."))
    await receiver.send(mail_from("zoe.martin@home.be", "Mot de passe", "Mot de passe perdu."))
    await deliver(desk, sink)
    people = desk.helpdesk.people
    zoe, home = await people.find("zoe@example.be"), await people.find("zoe.martin@home.be")
    first, second = await ticket(desk, 1), await ticket(desk, 2)
    assert second.requester_id == home.id

    await desk.privacy.merge(None, home, zoe)
    assert (await ticket(desk, 2)).requester_id == zoe.id
    assert await deliver(desk, sink) == []  # the history row it wrote mails nobody
    # Her home address answers her first ticket: hers, not a colleague's.
    reply = mail_from("zoe.martin@home.be", "Re: [#000001] Facture incorrecte", "Toujours fausse.")
    assert "appended" in await receiver.send(reply)
    messages = await desk._store.helpdesk.list_ticket_messages(first.id)
    assert (messages[-1].text, messages[-1].author, messages[-1].author_id) == (
        "Toujours fausse.", AuthorKind.REQUESTER, zoe.id,
    )  # fmt: skip
    # A new mail from it files a ticket in her name, answered at the home address.
    await receiver.send(mail_from("zoe.martin@home.be", "Nouvelle question", "Une question."))
    third = await ticket(desk, 3)
    assert (third.requester_id, third.requester_email) == (zoe.id, "zoe.martin@home.be")
    assert [m["To"] for m in await deliver(desk, sink)][-1] == "zoe.martin@home.be"
    assert await desk._store.requesters.find_requester("zoe.martin@home.be") == await people.get(
        zoe.id
    )
