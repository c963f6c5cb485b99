"""Contract of HelpdeskStore and TicketQueries: filing, threads, changes, merges, lists."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest

from chatdesk.errors import Conflict, NotFound, TooLarge
from chatdesk.models import (
    AuthorKind,
    Channel,
    NewAttachment,
    Organisation,
    Requester,
    SeatClaim,
    SeatRefusal,
    Status,
    Ticket,
    TicketChanges,
    TicketEvent,
    TicketFiling,
    TicketMessage,
    TicketQuery,
    TicketType,
    new_id,
)
from chatdesk.store import Store

from .conftest import T0, later


def file(data: bytes, name: str = "shot.png", kind: str = "image/png") -> NewAttachment:
    return NewAttachment(name, kind, data, hashlib.sha256(data).hexdigest())


async def requester(store: Store, email: str = "lea@example.be", name: str = "Léa") -> Requester:
    return await store.requesters.save_requester(email, name=name, phone="", lang="fr", now=T0)


def filing(who: Requester, subject: str = "Site en panne", **kw: Any) -> TicketFiling:
    ticket_id = kw.pop("id", new_id())
    description = kw.pop("description", "Depuis ce matin")
    return TicketFiling(
        id=ticket_id,
        subject=subject,
        description=description,
        type=kw.pop("type", TicketType.INCIDENT),
        channel=kw.pop("channel", Channel.FORM),
        department=kw.pop("department", "technical"),
        priority=kw.pop("priority", "high"),
        lang="fr",
        requester=who,
        created_at=kw.pop("created_at", T0),
        message=kw.pop(
            "message",
            TicketMessage(ticket_id, AuthorKind.REQUESTER, who.id, description, ts=T0),
        ),
        events=kw.pop(
            "events", (TicketEvent(ticket_id, "created", AuthorKind.REQUESTER, who.id, ts=T0),)
        ),
        **kw,
    )


async def filed(store: Store, who: Requester | None = None, **kw: Any) -> Ticket:
    result = await store.helpdesk.file_ticket(filing(who or await requester(store), **kw))
    assert isinstance(result, Ticket)
    return result


def reply(ticket: Ticket, text: str, **kw: Any) -> TicketMessage:
    kw.setdefault("ts", later(minutes=1))
    return TicketMessage(
        ticket.id, kw.pop("author", AuthorKind.OPERATOR), kw.pop("author_id", "op1"), text, **kw
    )


async def test_filing_stores_ticket_message_files_and_history(store: Store) -> None:
    lea = await requester(store)
    shot = file(b"\x89PNG fake")
    ticket = await filed(
        store,
        lea,
        fields={"site_id": "1234"},
        due_at=later(hours=4),
        resolution_due=later(days=2),
        sla_alert_at=later(hours=3),
        attachments=(shot,),
    )
    assert ticket.number > 0 and ticket.label.startswith("#")
    assert (ticket.status, ticket.type, ticket.channel) == (
        Status.NEW,
        TicketType.INCIDENT,
        Channel.FORM,
    )
    assert (ticket.requester_id, ticket.requester_email, ticket.requester_name) == (
        lea.id,
        lea.email,
        "Léa",
    )
    assert (ticket.fields, ticket.lang, ticket.conversation_id) == ({"site_id": "1234"}, "fr", None)
    assert (ticket.due_at, ticket.resolution_due, ticket.sla_alert_at) == (
        later(hours=4),
        later(days=2),
        later(hours=3),
    )
    assert ticket.status_at == T0 and ticket.created_at == T0
    assert await store.helpdesk.get_ticket(ticket.id) == ticket
    assert await store.helpdesk.find_ticket(ticket.number) == ticket
    assert await store.helpdesk.get_ticket("missing") is None
    assert await store.helpdesk.find_ticket(999_999) is None
    (message,) = await store.helpdesk.list_ticket_messages(ticket.id)
    assert (message.author, message.author_id, message.text) == (
        AuthorKind.REQUESTER,
        lea.id,
        "Depuis ce matin",
    )
    (event,) = await store.helpdesk.list_ticket_events(ticket.id)
    assert (event.kind, event.actor, event.ticket_id) == (
        "created",
        AuthorKind.REQUESTER,
        ticket.id,
    )
    (attachment,) = await store.helpdesk.list_attachments(ticket.id)
    assert (attachment.filename, attachment.size, attachment.message_id) == (
        "shot.png",
        len(shot.data),
        message.id,
    )
    found = await store.helpdesk.attachment_data(attachment.id)
    assert found is not None and found == (attachment, shot.data)
    assert await store.helpdesk.attachment_data("missing") is None


async def test_filing_numbers_tickets_distinctly_under_concurrency(store: Store) -> None:
    lea = await requester(store)
    results = await asyncio.gather(*(store.helpdesk.file_ticket(filing(lea)) for _ in range(20)))
    numbers = {t.number for t in results if isinstance(t, Ticket)}
    assert len(numbers) == 20


async def test_an_e_mail_files_one_ticket_even_when_taken_twice_at_once(store: Store) -> None:
    lea = await requester(store)
    key = "<retry@client.example>"
    results = await asyncio.gather(
        *(store.helpdesk.file_ticket(filing(lea, inbound_key=key)) for _ in range(5)),
        return_exceptions=True,
    )
    tickets = [r for r in results if isinstance(r, Ticket)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(tickets) == 1 and len(refused) == 4, results
    assert all(r.code == "mail_filed" for r in refused)
    assert await store.mail.seen_inbound(key)
    assert await store.mail.inbound_ticket([key]) == tickets[0].id
    # Refused filings stored nothing: the next ticket's number follows the one filed.
    assert (await filed(store)).number == tickets[0].number + 1


async def test_a_follow_up_names_an_existing_ticket(store: Store) -> None:
    first = await filed(store)
    second = await filed(store, follow_up_of=first.id)
    assert second.follow_up_of == first.id
    with pytest.raises(NotFound):
        await store.helpdesk.file_ticket(filing(await requester(store), follow_up_of="missing"))


async def _org(store: Store, cap: int | None) -> Organisation:
    org = Organisation(new_id(), f"Org {new_id()[:6]}", T0, max_editors_per_site=cap)
    await store.requesters.add_organisation(org)
    return org


async def test_seats_are_taken_up_to_the_cap(store: Store) -> None:
    org = await _org(store, 3)
    people = [await requester(store, f"p{i}@example.be", f"P{i}") for i in range(4)]
    for who in people[:3]:
        seat = SeatClaim(org.id, "1234", who.id, 3)
        assert isinstance(await store.helpdesk.file_ticket(filing(who, seat=seat)), Ticket)
    # An editor files again: no new seat needed.
    again = SeatClaim(org.id, "1234", people[0].id, 3)
    assert isinstance(await store.helpdesk.file_ticket(filing(people[0], seat=again)), Ticket)
    fourth = filing(people[3], seat=SeatClaim(org.id, "1234", people[3].id, 3))
    refused = await store.helpdesk.file_ticket(fourth)
    assert isinstance(refused, SeatRefusal)
    assert refused.site_id == "1234"
    assert [r.email for r in refused.editors] == [p.email for p in people[:3]]
    assert await store.helpdesk.get_ticket(fourth.id) is None  # nothing stored
    # Another site has its own seats.
    other = SeatClaim(org.id, "5678", people[3].id, 3)
    assert isinstance(await store.helpdesk.file_ticket(filing(people[3], seat=other)), Ticket)


async def test_racing_filers_never_pass_the_seat_cap(store: Store) -> None:
    org = await _org(store, 2)
    people = [await requester(store, f"r{i}@example.be") for i in range(6)]
    results = await asyncio.gather(
        *(
            store.helpdesk.file_ticket(filing(p, seat=SeatClaim(org.id, "1234", p.id, 2)))
            for p in people
        )
    )
    assert sum(isinstance(r, Ticket) for r in results) == 2
    assert len(await store.requesters.site_editors(org.id, "1234")) == 2


async def test_a_ticket_keeps_the_people_in_cc(store: Store) -> None:
    cc = frozenset({"marc@client.be", "compta@client.be"})
    ticket = await filed(store, cc=cc)
    assert ticket.cc == cc and (await store.helpdesk.get_ticket(ticket.id)).cc == cc  # type: ignore[union-attr]
    more = await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(cc=cc | {"zoe@client.be"}), [], expect=None, now=later()
    )
    assert more is not None and more.cc == cc | {"zoe@client.be"}
    none = await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(cc=frozenset()), [], expect=None, now=later()
    )
    assert none is not None and none.cc == frozenset()
    assert (await filed(store)).cc == frozenset()
    # Found by an address in their Cc, matched whole (an "_" in an address is no wildcard).
    other = await filed(store, cc=frozenset({"axb@client.be"}))
    mine = await filed(store, cc=frozenset({"a_b@client.be", "zoe@client.be"}))
    found = await store.ticket_queries.search_tickets(TicketQuery(cc="a_b@client.be"))
    assert [t.id for t in found.tickets] == [mine.id] and other.id != mine.id
    assert (await store.ticket_queries.search_tickets(TicketQuery(cc="b@client.be"))).total == 0


async def test_a_ticket_keeps_its_tags_and_lists_filter_on_them(store: Store) -> None:
    ticket = await filed(store)
    assert ticket.tags == frozenset()
    tags = frozenset({"panne_réseau", "facture"})
    tagged = await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(tags=tags), [], expect=None, now=later()
    )
    assert tagged is not None and tagged.tags == tags
    assert (await store.helpdesk.get_ticket(ticket.id)).tags == tags  # type: ignore[union-attr]
    other = await filed(store)
    await store.helpdesk.change_ticket(
        other.id, TicketChanges(tags=frozenset({"panneXréseau"})), [], expect=None, now=later()
    )
    # Matched whole: "_" is no wildcard, "panne" is no tag of either.
    found = await store.ticket_queries.search_tickets(TicketQuery(tag="panne_réseau"))
    assert [t.id for t in found.tickets] == [ticket.id]
    assert (await store.ticket_queries.search_tickets(TicketQuery(tag="panne"))).total == 0
    cleared = await store.helpdesk.change_ticket(
        ticket.id, TicketChanges(tags=frozenset()), [], expect=None, now=later()
    )
    assert cleared is not None and cleared.tags == frozenset()
    # Tags given at filing (the desk's rules) are stored with the ticket.
    born = await filed(store, tags=frozenset({"facture"}))
    assert born.tags == {"facture"}
    found = await store.ticket_queries.search_tickets(TicketQuery(tag="facture"))
    assert [t.id for t in found.tickets] == [born.id]


async def test_change_ticket_compares_the_status(store: Store) -> None:
    ticket = await filed(store)
    event = TicketEvent(
        ticket.id,
        "status",
        AuthorKind.OPERATOR,
        "op1",
        {"from": "new", "to": "open"},
        ts=later(minutes=1),
    )
    changes = TicketChanges(status=Status.OPEN, operator_id="op1", fields={"site_id": "9999"})
    changed = await store.helpdesk.change_ticket(
        ticket.id, changes, [event], expect=Status.NEW, now=later(minutes=1)
    )
    assert changed is not None
    assert (changed.status, changed.operator_id, changed.status_at) == (
        Status.OPEN,
        "op1",
        later(minutes=1),
    )
    assert changed.fields == {"site_id": "9999"} and changed.updated_at == later(minutes=1)
    stale = await store.helpdesk.change_ticket(
        ticket.id,
        TicketChanges(status=Status.CLOSED),
        [event],
        expect=Status.NEW,
        now=later(minutes=2),
    )
    assert stale is None
    assert [e.kind for e in await store.helpdesk.list_ticket_events(ticket.id)] == [
        "created",
        "status",
    ]
    cleared = await store.helpdesk.change_ticket(
        ticket.id,
        TicketChanges.of(
            operator_id=None, breached=frozenset({"first_response"}), paused_seconds=30.0
        ),
        [],
        expect=None,
        now=later(minutes=3),
    )
    assert cleared is not None and cleared.operator_id is None
    assert cleared.breached == {"first_response"} and cleared.paused_seconds == 30.0
    assert cleared.status_at == later(minutes=1)  # the status did not change
    with pytest.raises(NotFound):
        await store.helpdesk.change_ticket("missing", changes, [], expect=None, now=T0)


async def test_posting_is_idempotent_on_the_author_s_client_id(store: Store) -> None:
    ticket = await filed(store)
    first = await store.helpdesk.post_ticket_message(
        reply(ticket, "Bonjour", client_id="c1"),
        [file(b"log line\n", "app.log", "text/plain")],
        TicketChanges(status=Status.OPEN, first_response_at=later(minutes=1)),
        [],
        expect=Status.NEW,
        now=later(minutes=1),
    )
    assert first is not None and first[1]
    again = await store.helpdesk.post_ticket_message(
        reply(ticket, "Bonjour (retry)", client_id="c1"),
        [],
        TicketChanges(),
        [],
        expect=Status.NEW,
        now=later(minutes=2),
    )
    assert again == (first[0], False)  # the status moved, but a retry returns the original
    other_author = await store.helpdesk.post_ticket_message(
        reply(ticket, "Moi", client_id="c1", author_id="op2"),
        [],
        TicketChanges(),
        [],
        expect=None,
        now=later(minutes=3),
    )
    assert other_author is not None and other_author[1]
    after = await store.helpdesk.get_ticket(ticket.id)
    assert after is not None and after.first_response_at == later(minutes=1)
    assert after.status is Status.OPEN
    messages = await store.helpdesk.list_ticket_messages(ticket.id)
    assert [m.text for m in messages] == ["Depuis ce matin", "Bonjour", "Moi"]
    assert len(await store.helpdesk.list_attachments(ticket.id)) == 1


async def test_racing_retries_store_one_message(store: Store) -> None:
    ticket = await filed(store)
    results = await asyncio.gather(
        *(
            store.helpdesk.post_ticket_message(
                reply(ticket, f"r{i}", client_id="same"),
                [],
                TicketChanges(),
                [],
                expect=None,
                now=later(minutes=1),
            )
            for i in range(5)
        )
    )
    assert [r[1] for r in results if r is not None].count(True) == 1
    assert len(await store.helpdesk.list_ticket_messages(ticket.id)) == 2


async def test_a_post_with_a_stale_status_stores_nothing(store: Store) -> None:
    ticket = await filed(store)
    result = await store.helpdesk.post_ticket_message(
        reply(ticket, "late"),
        [],
        TicketChanges(status=Status.OPEN),
        [],
        expect=Status.PENDING,
        now=later(minutes=1),
    )
    assert result is None
    assert len(await store.helpdesk.list_ticket_messages(ticket.id)) == 1
    with pytest.raises(NotFound):
        await store.helpdesk.post_ticket_message(
            TicketMessage("missing", AuthorKind.OPERATOR, "op", "x"),
            [],
            TicketChanges(),
            [],
            expect=None,
            now=T0,
        )


async def test_files_past_the_ticket_budget_are_refused(store: Store) -> None:
    ticket = await filed(store, attachments=(file(b"a" * 600),))
    with pytest.raises(TooLarge):
        await store.helpdesk.post_ticket_message(
            reply(ticket, "more"),
            [file(b"b" * 500)],
            TicketChanges(),
            [],
            expect=None,
            now=later(minutes=1),
            max_ticket_bytes=1000,
        )
    assert len(await store.helpdesk.list_ticket_messages(ticket.id)) == 1
    ok = await store.helpdesk.post_ticket_message(
        reply(ticket, "fits"),
        [file(b"c" * 400)],
        TicketChanges(),
        [],
        expect=None,
        now=later(minutes=1),
        max_ticket_bytes=1000,
    )
    assert ok is not None and ok[1]


async def test_internal_notes_can_be_left_out(store: Store) -> None:
    ticket = await filed(store)
    await store.helpdesk.post_ticket_message(
        reply(ticket, "note", internal=True),
        [],
        TicketChanges(),
        [],
        expect=None,
        now=later(minutes=1),
    )
    assert [m.internal for m in await store.helpdesk.list_ticket_messages(ticket.id)] == [
        False,
        True,
    ]
    assert len(await store.helpdesk.list_ticket_messages(ticket.id, internal=False)) == 1


async def test_merge_moves_the_thread_and_closes_the_source(store: Store) -> None:
    lea = await requester(store)
    source = await filed(
        store, lea, subject="Factures", description="Montant doublé", attachments=(file(b"x"),)
    )
    target = await filed(store, lea, subject="Facturation")
    changes = TicketChanges(status=Status.CLOSED, merged_into=target.id, closed_at=later(minutes=5))
    events = [
        TicketEvent(
            source.id,
            "merged_into",
            AuthorKind.OPERATOR,
            "op1",
            {"into": target.id},
            ts=later(minutes=5),
        )
    ]
    merged = await store.helpdesk.merge_tickets(
        source.id, target.id, changes, events, now=later(minutes=5)
    )
    assert merged is not None and merged.status is Status.CLOSED and merged.merged_into == target.id
    assert await store.helpdesk.list_ticket_messages(source.id) == []
    assert len(await store.helpdesk.list_ticket_messages(target.id)) == 2
    assert len(await store.helpdesk.list_attachments(target.id)) == 1
    again = await store.helpdesk.merge_tickets(
        source.id, target.id, changes, [], now=later(minutes=6)
    )
    assert again is None  # closed already
    assert (
        await store.helpdesk.merge_tickets(target.id, target.id, changes, [], now=later(minutes=6))
        is None
    )
    with pytest.raises(NotFound):
        await store.helpdesk.merge_tickets(target.id, "missing", changes, [], now=later(minutes=6))
    await store.helpdesk.post_ticket_message(
        reply(target, "Remboursement fait"),
        [],
        TicketChanges(),
        [],
        expect=None,
        now=later(minutes=7),
    )
    found = await store.ticket_queries.search_tickets(TicketQuery(q="double"))
    assert target.id in [t.id for t in found.tickets]  # the moved text is found on the target


async def test_sla_and_auto_close_lists(store: Store) -> None:
    soon = await filed(store, sla_alert_at=later(hours=1))
    await filed(store, sla_alert_at=later(hours=5))
    assert [t.id for t in await store.helpdesk.sla_due(later(hours=2))] == [soon.id]
    assert await store.helpdesk.sla_due(T0) == []
    await store.helpdesk.change_ticket(
        soon.id,
        TicketChanges(status=Status.RESOLVED, auto_close_at=later(days=3)),
        [],
        expect=None,
        now=later(hours=1),
    )
    assert await store.helpdesk.sla_due(later(hours=2)) == []  # resolved: no clock runs
    assert await store.helpdesk.auto_close_due(later(days=2)) == []
    assert [t.id for t in await store.helpdesk.auto_close_due(later(days=3))] == [soon.id]
    await store.helpdesk.change_ticket(
        soon.id, TicketChanges(status=Status.OPEN), [], expect=None, now=later(days=1)
    )
    assert await store.helpdesk.auto_close_due(later(days=3)) == []  # not pending or resolved


async def test_tickets_on_hold_come_due_in_date_order(store: Store) -> None:
    late, early, open_ = await filed(store), await filed(store), await filed(store)
    for ticket, days in ((late, 5), (early, 2)):
        changes = TicketChanges(status=Status.ON_HOLD, hold_until=later(days=days))
        await store.helpdesk.change_ticket(ticket.id, changes, [], expect=None, now=later())
    # A date on a ticket that is no longer on hold is not due (the status rules).
    changes = TicketChanges(status=Status.OPEN, hold_until=later(days=1))
    await store.helpdesk.change_ticket(open_.id, changes, [], expect=None, now=later())
    assert await store.helpdesk.hold_due(later(days=1)) == []
    due = await store.helpdesk.hold_due(later(days=6))
    assert [t.id for t in due] == [early.id, late.id]
    assert due[0].hold_until == later(days=2)  # read back as stored
    assert [t.id for t in await store.helpdesk.hold_due(later(days=6), limit=1)] == [early.id]
    cleared = TicketChanges.of(hold_until=None)
    await store.helpdesk.change_ticket(early.id, cleared, [], expect=None, now=later())
    assert [t.id for t in await store.helpdesk.hold_due(later(days=6))] == [late.id]


async def test_search_filters_sorts_and_pages(store: Store) -> None:
    lea, tom = await requester(store), await requester(store, "tom@example.be", "Tom")
    a = await filed(
        store,
        lea,
        subject="Problème de facturation",
        type=TicketType.QUESTION,
        department="billing",
        priority="low",
        due_at=later(hours=5),
    )
    b = await filed(
        store, tom, subject="Site lent", description="Het café is gesloten", due_at=later(hours=1)
    )
    c = await filed(
        store,
        tom,
        subject="Plainte",
        type=TicketType.COMPLAINT,
        fields={"order": "#123456"},
        due_at=later(hours=3),
    )
    await store.helpdesk.change_ticket(
        b.id,
        TicketChanges(operator_id="op1", status=Status.OPEN),
        [],
        expect=None,
        now=later(minutes=1),
    )
    await store.helpdesk.post_ticket_message(
        reply(a, "Naïve Übergröße réponse"),
        [],
        TicketChanges(),
        [],
        expect=None,
        now=later(minutes=2),
    )

    async def ids(**kw: Any) -> list[str]:
        return [
            t.id for t in (await store.ticket_queries.search_tickets(TicketQuery(**kw))).tickets
        ]

    assert await ids() == [b.id, c.id, a.id]  # by next due time
    assert await ids(sort="number") == [a.id, b.id, c.id]
    assert await ids(sort="updated") == [a.id, b.id, c.id]  # last change first
    assert await ids(sort="created") == [c.id, b.id, a.id]  # same instant: newest number
    assert await ids(q="probleme") == [a.id]  # accents ignored
    assert await ids(q="PROBLÈME factu") == [a.id]  # every word, as a prefix
    assert await ids(q="cafe") == [b.id]  # Dutch description
    assert await ids(q="uebergrosse") == [] and await ids(q="ubergroße") == [a.id]
    assert await ids(q="123456") == [c.id]  # field values
    assert await ids(q='"; DROP TABLE tickets; --') == []
    assert await ids(q="***") == []
    assert await ids(department="billing") == [a.id]
    assert await ids(operator_id="op1") == [b.id]
    assert set(await ids(unassigned=True)) == {a.id, c.id}
    assert await ids(types=(TicketType.COMPLAINT,)) == [c.id]
    assert await ids(priorities=("low",)) == [a.id]
    assert await ids(priorities=("high", "urgent")) == [b.id, c.id]
    assert await ids(exclude_types=(TicketType.COMPLAINT,)) == [b.id, a.id]
    assert await ids(requester_id=tom.id) == [b.id, c.id]
    assert await ids(statuses=(Status.OPEN,)) == [b.id]
    assert await ids(due_before=later(hours=4)) == [b.id, c.id]
    page = await store.ticket_queries.search_tickets(TicketQuery(per_page=2, page=2))
    assert page.total == 3 and [t.id for t in page.tickets] == [a.id]
    org = await _org(store, None)
    assert await ids(organisation_id=org.id) == []
