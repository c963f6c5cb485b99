"""Contract of MailStore: the feed written with each change, the outbox, inbound, bounces."""

from __future__ import annotations

import asyncio

import pytest

from chatdesk.errors import NotFound
from chatdesk.models import (
    AuthorKind,
    Invitation,
    Organisation,
    ServiceNotice,
    Severity,
    Status,
    TicketChanges,
    TicketEvent,
    new_id,
)
from chatdesk.models.mail import AddressKind, HeldMail, MailState, OutboxMail
from chatdesk.store import Store

from .conftest import T0, later
from .test_helpdesk import filed, reply


def mail(kind: str = "received", to: str = "lea@example.be", **kw: object) -> OutboxMail:
    kw.setdefault("created_at", T0)
    return OutboxMail(kind, to, "fr", **kw)  # type: ignore[arg-type]


async def drain(store: Store) -> list[tuple[str, str]]:
    """Consume the whole feed without mail; return (source, kind) of each item."""
    seen = []
    for item in await store.mail.take_feed(100):
        seen.append((item.source, item.kind))
        assert await store.mail.consume_feed(item.id, [])
    return seen


async def test_the_feed_gets_a_row_in_the_transaction_of_each_change(store: Store) -> None:
    ticket = await filed(store)
    items = await store.mail.take_feed(10)
    # The description is the requester's first message (operators' mail skips it).
    assert [(i.source, i.kind, i.ticket_id) for i in items] == [
        ("ticket_message", "requester_reply", ticket.id),
        ("ticket_event", "created", ticket.id),
    ]
    assert items[1].created_at == T0

    # A public operator reply feeds "reply", a requester's message "requester_reply" (for
    # the assignee); a note feeds nothing.
    await store.helpdesk.post_ticket_message(
        reply(ticket, "Voici"), [], TicketChanges(), [], expect=None, now=later(minutes=1)
    )
    await store.helpdesk.post_ticket_message(
        reply(ticket, "note", internal=True), [], TicketChanges(), [], expect=None, now=T0
    )
    await store.helpdesk.post_ticket_message(
        reply(ticket, "merci", author=AuthorKind.REQUESTER), [], TicketChanges(), [],
        expect=None, now=T0,
    )  # fmt: skip
    row = TicketEvent(ticket.id, "status", AuthorKind.OPERATOR, "op1", {"to": "resolved"}, ts=T0)
    await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(status=Status.RESOLVED), [row], expect=None, now=T0
    )
    # Assignments and targets at risk feed the operators' mail.
    given = TicketEvent(ticket.id, "assignee", AuthorKind.OPERATOR, "op1", {"to": "op2"}, ts=T0)
    warned = TicketEvent(ticket.id, "sla_warning", AuthorKind.SYSTEM, None, ts=T0)
    await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(), [given, warned], expect=None, now=T0
    )
    # History kinds mail does not care about feed nothing.
    other = TicketEvent(ticket.id, "priority", AuthorKind.OPERATOR, "op1", ts=T0)
    await store.helpdesk.change_ticket(ticket.id, TicketChanges(), [other], expect=None, now=T0)
    items = await store.mail.take_feed(10)
    assert [(i.source, i.kind) for i in items] == [
        ("ticket_message", "requester_reply"),
        ("ticket_event", "created"),
        ("ticket_message", "reply"),
        ("ticket_message", "requester_reply"),
        ("ticket_event", "status"),
        ("ticket_event", "assignee"),
        ("ticket_event", "sla_warning"),
    ]
    assert items[4].data == {"to": "resolved"} and items[5].data == {"to": "op2"}
    # A message says who had the ticket when it came (nobody here): they are told.
    assert items[3].data == {"assignee": None}


async def test_invitations_and_notices_feed_too(store: Store) -> None:
    org = Organisation(new_id(), "Acme", T0)
    await store.requesters.add_organisation(org)
    invitation = Invitation(new_id(), "max@acme.be", org.id, "cli", T0, later(days=30))
    await store.requesters.add_invitation(invitation)
    notice = ServiceNotice(new_id(), "Maintenance", "Ce soir", Severity.MAINTENANCE,
                           T0, None, (), "op1", T0)  # fmt: skip
    await store.notices.add_notice(notice)
    items = await store.mail.take_feed(10)
    assert [(i.source, i.ref_id, i.ticket_id) for i in items] == [
        ("invitation", invitation.id, None),
        ("notice", notice.id, None),
    ]
    # What the mail needs is in the item: the row may change before it is planned.
    assert items[0].data["email"] == "max@acme.be"
    assert items[0].data["organisation_id"] == org.id
    assert items[1].data["title"] == "Maintenance" and items[1].data["audience"] == []
    assert items[1].data["severity"] == "maintenance" and items[1].data["ends_at"] is None


async def test_a_feed_item_is_consumed_once_with_its_mails(store: Store) -> None:
    await filed(store)
    _, item = await store.mail.take_feed(10)  # the description's, then "created"
    first = mail(ticket_id=item.ticket_id)
    # Two consumers race on the same item: exactly one enqueues its mail.
    results = await asyncio.gather(
        store.mail.consume_feed(item.id, [first]),
        store.mail.consume_feed(item.id, [mail(ticket_id=item.ticket_id)]),
    )
    assert sorted(results) == [False, True]
    assert [i.kind for i in await store.mail.take_feed(10)] == ["requester_reply"]
    claimed = await store.mail.claim_mails(T0, until=later(minutes=1), limit=10)
    assert len(claimed) == 1


async def test_enqueue_is_idempotent_by_key(store: Store) -> None:
    assert await store.mail.enqueue_mails([mail("reminder", key="reminder:t1:x")]) == 1
    assert await store.mail.enqueue_mails([mail("reminder", key="reminder:t1:x")]) == 0
    assert await store.mail.enqueue_mails([mail("reminder"), mail("reminder")]) == 2


async def test_claims_keep_a_mail_from_other_senders_until_they_expire(store: Store) -> None:
    queued = mail()
    later_one = mail(next_attempt_at=later(minutes=5))
    await store.mail.enqueue_mails([queued, later_one])
    assert [m.id for m in await store.mail.claim_mails(T0, until=later(minutes=1), limit=10)] == [
        queued.id
    ]
    # Claimed: nobody else gets it before the claim runs out (its sender died).
    assert await store.mail.claim_mails(later(seconds=30), until=later(minutes=2), limit=10) == []
    again = await store.mail.claim_mails(later(minutes=1), until=later(minutes=2), limit=10)
    assert [m.id for m in again] == [queued.id]
    both = await store.mail.claim_mails(later(minutes=5), until=later(minutes=6), limit=10)
    assert {m.id for m in both} == {queued.id, later_one.id}


async def test_simultaneous_claims_never_hand_out_a_mail_twice(store: Store) -> None:
    queued = [mail(created_at=later(seconds=n)) for n in range(12)]
    assert await store.mail.enqueue_mails(queued) == 12
    batches = await asyncio.gather(
        *(
            store.mail.claim_mails(later(minutes=1), until=later(minutes=6), limit=3)
            for _ in range(6)
        )
    )
    ids = [m.id for batch in batches for m in batch]
    assert len(ids) == len(set(ids)) == 12  # each mail once; the senders got them all
    for batch in batches:  # each batch oldest first
        assert [m.created_at for m in batch] == sorted(m.created_at for m in batch)


async def test_sent_failed_and_retried(store: Store) -> None:
    a, b = mail(), mail()
    await store.mail.enqueue_mails([a, b])
    await store.mail.claim_mails(T0, until=later(minutes=1), limit=10)
    await store.mail.mark_mail_sent(a.id, later(seconds=1))
    sent = await store.mail.get_mail(a.id)
    assert sent is not None and sent.state is MailState.SENT and sent.sent_at == later(seconds=1)
    assert sent.attempts == 1

    retried = await store.mail.mark_mail_failed(
        b.id, "421 try later", retry_at=later(minutes=1), now=later(seconds=1)
    )
    assert retried is not None and retried.state is MailState.QUEUED and retried.attempts == 1
    assert retried.next_attempt_at == later(minutes=1) and retried.last_error == "421 try later"
    assert await store.mail.claim_mails(later(seconds=2), until=later(minutes=1), limit=10) == []
    assert len(await store.mail.claim_mails(later(minutes=1), until=later(minutes=2), limit=9)) == 1
    failed = await store.mail.mark_mail_failed(b.id, "550 no", retry_at=None, now=later(minutes=1))
    assert failed is not None and failed.state is MailState.FAILED and failed.attempts == 2
    assert [m.id for m in await store.mail.list_mails(MailState.FAILED)] == [b.id]
    assert [m.id for m in await store.mail.list_mails(MailState.SENT)] == [a.id]

    assert await store.mail.retry_mail(b.id, later(minutes=2))
    assert not await store.mail.retry_mail(b.id, later(minutes=2))  # queued, not failed
    assert not await store.mail.retry_mail(a.id, later(minutes=2))
    (again,) = await store.mail.claim_mails(later(minutes=2), until=later(minutes=3), limit=9)
    assert again.id == b.id and again.state is MailState.QUEUED
    assert await store.mail.get_mail("nope") is None


async def test_inbound_messages_are_remembered_with_their_ticket(store: Store) -> None:
    assert not await store.mail.seen_inbound("<a@client>")
    assert await store.mail.add_inbound("<a@client>", "t1", T0)
    assert await store.mail.seen_inbound("<a@client>")
    assert not await store.mail.add_inbound("<a@client>", "t2", T0)
    assert await store.mail.add_inbound("<b@client>", None, T0)
    sent = mail(ticket_id="t9")
    await store.mail.enqueue_mails([sent])
    assert await store.mail.inbound_ticket(["<x@y>", "<a@client>"]) == "t1"
    assert await store.mail.inbound_ticket([sent.id]) == "t9"
    assert await store.mail.inbound_ticket(["<b@client>", "<x@y>"]) is None
    # The latest mail received on a ticket, for In-Reply-To; a hash key is no Message-ID.
    assert await store.mail.add_inbound("<c@client>", "t1", later(minutes=5))
    assert await store.mail.add_inbound("<sha256.ab@no-message-id>", "t1", later(minutes=9))
    assert await store.mail.latest_inbound("t1") == "<c@client>"
    assert await store.mail.latest_inbound("t9") is None


async def test_bouncing_addresses(store: Store) -> None:
    assert await store.mail.set_bouncing("lea@example.be", "550 unknown user", T0)
    assert not await store.mail.set_bouncing("lea@example.be", "again", later(minutes=1))
    assert await store.mail.set_bouncing("max@acme.be", "full", later(minutes=2))
    assert [b.email for b in await store.mail.bounces()] == ["max@acme.be", "lea@example.be"]
    (lea,) = await store.mail.bounces(["lea@example.be", "zoe@x.be"])
    assert lea.reason == "550 unknown user" and lea.since == T0
    assert await store.mail.clear_bouncing("lea@example.be")
    assert not await store.mail.clear_bouncing("lea@example.be")
    assert await store.mail.bounces(["lea@example.be"]) == []


async def test_held_mail_is_taken_once_and_purged_when_old(store: Store) -> None:
    old = HeldMail("zoe@x.be", "support@desk.be", b"raw 1", T0)
    new = HeldMail("zoe@x.be", "support@desk.be", b"raw 2", later(days=6))
    await store.mail.hold_mail(old)
    await store.mail.hold_mail(new)
    assert await store.mail.purge_held(later(days=1)) == 1
    assert await store.mail.take_held(old.id) is None
    taken = await store.mail.take_held(new.id)
    assert taken == new
    assert await store.mail.take_held(new.id) is None


async def test_organisation_notification_addresses(store: Store) -> None:
    org = Organisation(new_id(), "Acme", T0)
    await store.requesters.add_organisation(org)
    assert await store.mail.set_org_address(org.id, AddressKind.BILLING, "f@acme.be", on=True)
    assert not await store.mail.set_org_address(org.id, AddressKind.BILLING, "f@acme.be", on=True)
    assert await store.mail.set_org_address(org.id, AddressKind.ABUSE, "a@acme.be", on=True)
    found = await store.mail.org_addresses([org.id, "other"])
    assert [(a.kind, a.email) for a in found] == [
        (AddressKind.ABUSE, "a@acme.be"),
        (AddressKind.BILLING, "f@acme.be"),
    ]
    assert await store.mail.set_org_address(org.id, AddressKind.ABUSE, "a@acme.be", on=False)
    assert not await store.mail.set_org_address(org.id, AddressKind.ABUSE, "a@acme.be", on=False)
    assert await store.mail.org_addresses([]) == []
    with pytest.raises(NotFound):
        await store.mail.set_org_address("nope", AddressKind.ABUSE, "a@acme.be", on=True)


async def test_drain_helper_sees_every_kind(store: Store) -> None:
    ticket = await filed(store)
    row = TicketEvent(ticket.id, "auto_close", AuthorKind.SYSTEM, None, ts=later(days=1))
    await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(status=Status.CLOSED), [row], expect=None, now=later(days=1)
    )
    assert await drain(store) == [
        ("ticket_message", "requester_reply"),
        ("ticket_event", "created"),
        ("ticket_event", "auto_close"),
    ]
    assert await drain(store) == []
