"""Contract of RequesterStore.erase_requester: a requester's personal data goes, their
tickets stay (anonymous) for the statistics, and nobody else's data is touched."""

from __future__ import annotations

from chatdesk.models import (
    AuthorKind,
    Invitation,
    Organisation,
    OrgRole,
    SeatClaim,
    Status,
    TicketChanges,
    TicketEvent,
    TicketQuery,
    new_id,
)
from chatdesk.models.mail import HeldMail, OutboxMail
from chatdesk.store import Store

from .conftest import T0, later
from .test_helpdesk import file, filed, reply, requester


async def test_erasing_a_requester_keeps_only_anonymous_tickets(store: Store) -> None:
    acme = Organisation(new_id(), "Acme", T0)
    await store.requesters.add_organisation(acme)
    lea = await requester(store, "lea@acme.be", "Léa Dupont")
    await store.requesters.set_member(lea.id, acme.id, OrgRole.MEMBER)
    lea = await store.requesters.get_requester(lea.id) or lea
    tom = await requester(store, "tom@acme.be", "Tom")
    await store.requesters.set_member(tom.id, acme.id, OrgRole.MEMBER)
    seat = SeatClaim(acme.id, "1234", lea.id, None)
    hers = await filed(
        store, lea, subject="Le site de Léa Dupont", description="Mon téléphone : 0470",
        fields={"site_id": "1234"}, attachments=(file(b"screenshot"),), seat=seat,
        organisation_id=acme.id,
    )  # fmt: skip
    posted = await store.helpdesk.post_ticket_message(
        reply(hers, "Bonjour Léa, votre site revient."), [file(b"log", "a.log", "text/plain")],
        TicketChanges(status=Status.OPEN), [], expect=Status.NEW, now=later(minutes=1),
    )  # fmt: skip
    assert posted is not None
    his = await filed(
        store, tom, subject="Le site de Tom", organisation_id=acme.id,
        cc=frozenset({"lea@acme.be", "zoe@acme.be"}),
    )  # fmt: skip
    copied = TicketEvent(
        his.id, "cc", AuthorKind.REQUESTER, tom.id,
        {"from": [], "to": ["lea@acme.be", "zoe@acme.be"]}, ts=later(minutes=2),
    )  # fmt: skip
    await store.helpdesk.change_ticket(his.id, TicketChanges(), [copied], expect=None, now=T0)
    await store.requesters.add_invitation(
        Invitation(new_id(), "lea@acme.be", acme.id, "op1", T0, later(days=7))
    )
    await store.mail.enqueue_mails([
        OutboxMail("received", "lea@acme.be", "fr", T0, ticket_id=hers.id),
        OutboxMail("received", "tom@acme.be", "fr", T0, ticket_id=his.id),
    ])  # fmt: skip
    await store.mail.hold_mail(HeldMail("lea@acme.be", "support@desk.be", b"Bonjour", T0))
    await store.mail.set_bouncing("lea@acme.be", "mailbox full", T0)

    assert await store.requesters.erase_requester(lea) == 1

    # Léa is gone, with her seat, invitation, mails and bounce.
    assert await store.requesters.find_requester("lea@acme.be") is None
    assert await store.requesters.get_requester(lea.id) is None
    assert await store.requesters.org_seats(acme.id) == []
    assert await store.requesters.pending_invitation("lea@acme.be", T0) is None
    queued = await store.mail.claim_mails(later(minutes=5), until=later(minutes=6), limit=10)
    assert [m.to for m in queued] == ["tom@acme.be"]
    assert await store.mail.bounces(["lea@acme.be"]) == []
    # Her ticket keeps its number, department, organisation and status, nothing of her.
    after = await store.helpdesk.get_ticket(hers.id)
    assert after is not None
    assert (after.number, after.department, after.status) == (hers.number, "technical", "open")
    assert after.organisation_id == acme.id
    assert (after.subject, after.description, after.fields) == ("—", "", {})
    assert (after.requester_id, after.requester_email, after.requester_name) == (None, "", "")
    assert await store.helpdesk.list_ticket_messages(hers.id) == []
    assert await store.helpdesk.list_attachments(hers.id) == []
    found = await store.ticket_queries.search_tickets(TicketQuery(q="Dupont"))
    assert found.tickets == []
    # An operator can still close it (its index is rebuilt from what is left).
    closed = await store.helpdesk.change_ticket(
        hers.id, TicketChanges(status=Status.CLOSED), [], expect=Status.OPEN,
        now=later(minutes=9),
    )  # fmt: skip
    assert closed is not None and closed.status == "closed"
    assert (await store.ticket_queries.search_tickets(TicketQuery(q="Dupont"))).tickets == []
    # Tom's ticket and membership are untouched.
    kept = await store.helpdesk.get_ticket(his.id)
    assert kept is not None and kept.subject == "Le site de Tom"
    # ...but for Léa's address in its Cc and in the history of its Cc.
    assert kept.cc == {"zoe@acme.be"}
    [cc_row] = [e for e in await store.helpdesk.list_ticket_events(his.id) if e.kind == "cc"]
    assert cc_row.data == {"from": [], "to": ["—", "zoe@acme.be"]}
    assert kept.requester_email == "tom@acme.be"
    assert [m.email for m in await store.requesters.list_members(acme.id)] == ["tom@acme.be"]
    tom_hits = await store.ticket_queries.search_tickets(TicketQuery(q="Tom"))
    assert [t.id for t in tom_hits.tickets] == [his.id]
