"""Mail from a blocked sender, through the real SMTP receiver: taken, dropped, never
answered, whether it would file a ticket or answer one; counted on its entry."""

from __future__ import annotations

from chatdesk.services import Services

from .conftest import Receiver, Sink, deliver, mail_from
from .test_inbound import texts, ticket


async def test_a_blocked_senders_mail_is_dropped_unanswered_and_counted(
    desk: Services, receiver: Receiver, sink: Sink
) -> None:
    assert "filed" in await receiver.send(mail_from("zoe@example.be", "Aide", "Bonjour"))
    filed = await ticket(desk, 1)
    assert len(await deliver(desk, sink)) == 1  # Zoé's acknowledgement
    await desk.spam.block(None, "spam.example")
    await desk.spam.block(None, "zoe@example.be")
    # A new request from a subdomain of a blocked domain: accepted by SMTP (a refusal would
    # bounce to whoever the envelope names), and dropped.
    reply = await receiver.send(mail_from("promo@news.spam.example", "Offre", "Achetez"))
    assert "dropped" in reply
    assert await desk._store.helpdesk.find_ticket(2) is None
    # Zoé's answer to her ticket, by its number: dropped too, the thread unchanged.
    answer = mail_from("zoe@example.be", f"Re: [{filed.label}] Aide", "Encore moi")
    assert "dropped" in await receiver.send(answer)
    assert await texts(desk, filed) == ["Bonjour"]
    assert await deliver(desk, sink) == []
    hits = {e.pattern: e.hits for e in await desk.spam.entries(None)}
    assert hits == {"spam.example": 1, "zoe@example.be": 1}
    # Unblocked, the same mail is taken (it was dropped, not remembered as received).
    await desk.spam.unblock(None, "zoe@example.be")
    assert "appended" in await receiver.send(answer)
    assert await texts(desk, filed) == ["Bonjour", "Encore moi"]
