"""Spam on a real store: the block list refuses a sender wherever they file or write
(form, chat's details, portal, replies) but not operators filing for them; marking a
ticket as spam closes it silently, tags it and blocks its sender, on the audit log."""

from __future__ import annotations

import pytest

from chatdesk.errors import Conflict, Forbidden, InvalidPayload, InvalidToken, NotFound
from chatdesk.helpdesk import NewTicket
from chatdesk.helpdesk.blocklist import normalize_pattern
from chatdesk.models import AuditAction, Channel, Status
from chatdesk.services import Services

from ..desk import Clock
from .conftest import operator


@pytest.mark.parametrize(
    ("typed", "pattern"),
    [
        ("Spam@Example.COM", "spam@example.com"),
        (" example.com ", "example.com"),
        ("@example.com", "example.com"),
        ("*@mx.example.co.uk", "mx.example.co.uk"),
        ("bücher.example", "bücher.example"),
    ],
)
def test_patterns_are_an_address_or_a_domain(typed: str, pattern: str) -> None:
    assert normalize_pattern(typed) == pattern


@pytest.mark.parametrize(
    "typed", ["", "com", "example", "a b.com", "@", "*@", "x@", "-bad.com", "example.123",
              "a@b@c.com", "ex_ample.com", "x" * 250 + ".com"],
)  # fmt: skip
def test_anything_else_is_refused(typed: str) -> None:
    with pytest.raises(InvalidPayload) as refused:
        normalize_pattern(typed)
    assert refused.value.code == "invalid_pattern"


async def test_a_blocked_sender_files_nothing_but_operators_still_file_for_them(
    hd: Services, clock: Clock
) -> None:
    await hd.spam.block(None, "spam.example", "offres")
    request = NewTicket("Promo@MX.Spam.Example", "Offre", "Achetez", lang="fr")
    with pytest.raises(Forbidden) as refused:
        await hd.helpdesk.filing.file(request)
    assert refused.value.code == "blocked"
    assert str(refused.value.message) == "Nous n'acceptons pas de demandes de cette adresse."
    # Refused before anything is stored: no requester is left behind.
    assert await hd._store.requesters.find_requester("promo@mx.spam.example") is None
    ada = await operator(hd, "Ada")
    ticket, _ = await hd.helpdesk.filing.file(
        NewTicket("promo@mx.spam.example", "Appel", channel="phone"), operator=ada
    )
    assert ticket.channel is Channel.PHONE
    other, _ = await hd.helpdesk.filing.file(NewTicket("zoe@example.be", "Aide"))
    assert other.requester_email == "zoe@example.be"
    (entry,) = await hd.spam.entries(None)
    assert (entry.pattern, entry.hits, entry.last_hit) == ("spam.example", 1, clock.now)
    assert entry.note == "offres" and entry.created_by == ""


async def test_the_portal_and_replies_refuse_a_blocked_requester_until_unblocked(
    hd: Services,
) -> None:
    ticket, _ = await hd.helpdesk.filing.file(
        NewTicket("ann@example.com", "Aide", "Bonjour", lang="en")
    )
    ann = await hd.helpdesk.people.find("ann@example.com")
    [sent] = await hd.helpdesk.signin.request("ann@example.com", client="10.0.0.1")
    _, session = await hd.helpdesk.signin.use_link(sent.link.rpartition("/")[2])
    await hd.spam.block(None, "ann@example.com")
    assert await hd.helpdesk.signin.request("ann@example.com", client="10.0.0.2") == []
    with pytest.raises(InvalidToken):
        await hd.helpdesk.signin.session(session)
    with pytest.raises(Forbidden) as refused:
        await hd.helpdesk.tickets.reply(ticket.id, ann, "Encore moi")
    assert refused.value.code == "blocked"
    assert refused.value.message == "We do not accept requests from this address."
    assert len(await hd._store.helpdesk.list_ticket_messages(ticket.id)) == 1
    assert await hd.spam.unblock(None, "ANN@example.com") == "ann@example.com"
    assert (await hd.helpdesk.signin.session(session)).id == ann.id
    await hd.helpdesk.tickets.reply(ticket.id, ann, "Encore moi")


async def test_marking_spam_closes_quietly_tags_blocks_the_address_and_is_audited(
    hd: Services,
) -> None:
    bob = await operator(hd, "Bob")
    first, _ = await hd.helpdesk.filing.file(NewTicket("promo@spam.example", "Offre"))
    second, _ = await hd.helpdesk.filing.file(NewTicket("promo@spam.example", "Offre 2"))
    marked = await hd.spam.mark(bob, first.label, block=True)
    assert marked.ticket.status is Status.CLOSED and marked.ticket.tags == frozenset({"spam"})
    assert marked.blocked is not None and not marked.already
    assert (marked.blocked.pattern, marked.blocked.note) == ("promo@spam.example", "spam #000001")
    assert marked.blocked.created_by == bob.id
    assert {type(e).__name__ for e in marked.events} >= {"TicketStatusChanged", "TicketClosed"}
    # The second of the same sender: closed and tagged; the address was blocked already.
    again = await hd.spam.mark(bob, second.id, block=True)
    assert again.blocked is None and again.already
    assert again.ticket.status is Status.CLOSED
    # Marking without blocking; a closed ticket marked again changes nothing more.
    third, _ = await hd.helpdesk.filing.file(NewTicket("lea@example.be", "Bonjour"))
    quiet = await hd.spam.mark(bob, third.id, block=False)
    assert quiet.blocked is None and not quiet.already and "spam" in quiet.ticket.tags
    assert (await hd.spam.mark(bob, third.id, block=False)).events == []
    assert await hd.helpdesk.blocks.find("lea@example.be") is None
    # Bob is no admin: the list itself is for admins; the audit log says who blocked.
    for act in (hd.spam.entries(bob), hd.spam.block(bob, "x.example"),
                hd.spam.unblock(bob, "promo@spam.example")):  # fmt: skip
        with pytest.raises(Forbidden):
            await act
    ada = await operator(hd, "Ada", role="admin")
    (entry,) = await hd.spam.entries(ada)
    assert entry.pattern == "promo@spam.example"
    with pytest.raises(Conflict):
        await hd.spam.block(ada, "Promo@spam.example")
    await hd.spam.unblock(ada, "promo@spam.example")
    with pytest.raises(NotFound):
        await hd.spam.unblock(ada, "promo@spam.example")
    entries = await hd.audit.page(ada)
    assert [(e.action, e.actor, e.target) for e in reversed(entries)] == [
        (AuditAction.SENDER_BLOCKED, "bob@desk.test", "promo@spam.example"),
        (AuditAction.SENDER_UNBLOCKED, "ada@desk.test", "promo@spam.example"),
    ]
