"""Contract of RequesterStore's other addresses: merging two records of one person,
finding them by either address, detaching an address again, erasing all of it."""

from __future__ import annotations

import pytest

from chatdesk.errors import Conflict
from chatdesk.models import (
    AuthorKind,
    Channel,
    Organisation,
    OrgRole,
    Requester,
    RequesterQuery,
    SeatClaim,
    Ticket,
    TicketFiling,
    TicketType,
    new_id,
)
from chatdesk.store import Store

from .conftest import T0, later


async def file(store: Store, who: Requester, seat: SeatClaim | None = None) -> Ticket:
    filing = TicketFiling(
        subject=f"from {who.email}", description="d", type=TicketType.QUESTION,
        channel=Channel.EMAIL, department="technical", priority="normal", lang="fr",
        requester=who, created_at=T0, seat=seat,
    )  # fmt: skip
    ticket = await store.helpdesk.file_ticket(filing)
    assert isinstance(ticket, Ticket)
    return ticket


async def owner(store: Store, ticket: Ticket) -> str | None:
    found = await store.helpdesk.get_ticket(ticket.id)
    assert found is not None
    return found.requester_id


async def test_merging_two_records_of_one_person(store: Store) -> None:
    acme = Organisation(new_id(), "Acme", T0)
    await store.requesters.add_organisation(acme)
    home = await store.requesters.save_requester(
        "lea@home.be", name="", phone="+32 2 000", lang="fr", now=T0
    )
    await store.requesters.set_requester_note(home.id, "Calls after 18h")
    work = await store.requesters.save_requester(
        "lea@acme.be", name="Léa Dubois", phone="+32 9 999", lang="nl", now=T0
    )
    assert await store.requesters.set_member(work.id, acme.id, OrgRole.ADMIN)
    from_home = await file(store, home)
    from_work = await file(store, work, SeatClaim(acme.id, "0042", work.id, 3))

    merged = await store.requesters.merge_requesters(
        work.id, home.id, note="Calls after 18h\n\nAccount manager: Tom", now=later(days=1),
        by="op-1",
    )  # fmt: skip
    assert merged is not None and merged.id == home.id
    # The target's own details stay; empty ones take the source's; its organisation too.
    assert (merged.email, merged.name, merged.phone, merged.lang) == (
        "lea@home.be", "Léa Dubois", "+32 2 000", "fr",
    )  # fmt: skip
    assert (merged.organisation_id, merged.org_role) == (acme.id, OrgRole.ADMIN)
    assert merged.note == "Calls after 18h\n\nAccount manager: Tom"
    assert await store.requesters.get_requester(work.id) is None
    assert await store.requesters.find_requester("lea@acme.be") == merged
    assert await store.requesters.find_requester("lea@home.be") == merged
    assert await store.requesters.requester_addresses(home.id) == ["lea@acme.be"]
    assert await owner(store, from_home) == home.id
    assert await owner(store, from_work) == home.id
    # Each ticket moved says so in its history (the requesters by id only).
    (row,) = [e for e in await store.helpdesk.list_ticket_events(from_work.id)
              if e.kind == "requester"]  # fmt: skip
    assert (row.actor, row.actor_id, row.data) == (
        AuthorKind.OPERATOR, "op-1", {"via": "merge", "from": work.id, "to": home.id},
    )  # fmt: skip
    assert not [e for e in await store.helpdesk.list_ticket_events(from_home.id)
                if e.kind == "requester"]  # fmt: skip
    # The ticket keeps the address it was filed from (its mail goes on there).
    ticket = await store.helpdesk.get_ticket(from_work.id)
    assert ticket is not None and ticket.requester_email == "lea@acme.be"
    assert [(s, r.id) for s, r in await store.requesters.org_seats(acme.id)] == [("0042", home.id)]
    # Mail from the other address: the same person, whose empty details it fills.
    again = await store.requesters.save_requester(
        "lea@acme.be", name="Other", phone="", lang="en", now=later(days=2)
    )
    assert again.id == home.id and again.name == "Léa Dubois"
    page = await store.requesters.list_requesters(RequesterQuery())
    assert [s.requester.id for s in page.requesters] == [home.id]
    # The directory finds them by their other address too (with the other filters).
    for q in ("lea@acme", "ACME.be dubois"):
        page = await store.requesters.list_requesters(RequesterQuery(q=q, organisation_id=acme.id))
        assert ([s.requester.id for s in page.requesters], page.total) == ([home.id], 1)
    page = await store.requesters.list_requesters(RequesterQuery(q="acme.be nobody"))
    assert (page.requesters, page.total) == ([], 0)


async def test_merging_carries_the_source_s_other_addresses(store: Store) -> None:
    a = await store.requesters.save_requester("a@example.be", name="A", phone="", lang="", now=T0)
    b = await store.requesters.save_requester("b@example.be", name="", phone="", lang="", now=T0)
    c = await store.requesters.save_requester("c@example.be", name="", phone="", lang="", now=T0)
    assert await store.requesters.merge_requesters(b.id, a.id, note="", now=T0) is not None
    merged = await store.requesters.merge_requesters(a.id, c.id, note="", now=T0)
    assert merged is not None and merged.name == "A"
    assert await store.requesters.requester_addresses(c.id) == ["a@example.be", "b@example.be"]
    assert await store.requesters.requester_addresses(a.id) == []
    for address in ("a@example.be", "b@example.be", "c@example.be"):
        found = await store.requesters.find_requester(address)
        assert found is not None and found.id == c.id


async def test_a_merge_refused_changes_nothing(store: Store) -> None:
    a = await store.requesters.save_requester("a@example.be", name="A", phone="", lang="", now=T0)
    with pytest.raises(Conflict) as refused:
        await store.requesters.merge_requesters(a.id, a.id, note="", now=T0)
    assert refused.value.code == "same_requester"
    assert await store.requesters.merge_requesters("missing", a.id, note="x", now=T0) is None
    assert await store.requesters.merge_requesters(a.id, "missing", note="x", now=T0) is None
    assert await store.requesters.get_requester(a.id) == a
    assert await store.requesters.requester_addresses(a.id) == []


async def test_detaching_an_address_gives_it_back_its_tickets(store: Store) -> None:
    home = await store.requesters.save_requester(
        "lea@home.be", name="Léa", phone="", lang="fr", now=T0
    )
    work = await store.requesters.save_requester("lea@acme.be", name="", phone="", lang="", now=T0)
    from_home, from_work = await file(store, home), await file(store, work)
    other = await store.requesters.save_requester(
        "x@example.be", name="", phone="", lang="", now=T0
    )
    assert await store.requesters.merge_requesters(work.id, home.id, note="", now=T0) is not None

    assert await store.requesters.detach_address(other.id, "lea@acme.be", T0) is None
    assert await store.requesters.detach_address(home.id, "nobody@acme.be", T0) is None
    assert await store.requesters.detach_address(home.id, "lea@home.be", T0) is None  # its own
    detached = await store.requesters.detach_address(home.id, "lea@acme.be", later(days=1))
    assert detached is not None and detached.id not in (home.id, work.id)
    assert (detached.email, detached.name, detached.organisation_id) == ("lea@acme.be", "", None)
    assert await owner(store, from_work) == detached.id
    assert await owner(store, from_home) == home.id
    rows = [e for e in await store.helpdesk.list_ticket_events(from_work.id)
            if e.kind == "requester"]  # fmt: skip
    assert [(r.actor, r.data["via"], r.data["from"], r.data["to"]) for r in rows] == [
        (AuthorKind.SYSTEM, "merge", work.id, home.id),
        (AuthorKind.SYSTEM, "detach", home.id, detached.id),
    ]
    assert await store.requesters.requester_addresses(home.id) == []
    assert await store.requesters.find_requester("lea@acme.be") == detached


async def test_erasing_a_merged_requester_erases_every_address(store: Store) -> None:
    home = await store.requesters.save_requester("lea@home.be", name="", phone="", lang="", now=T0)
    work = await store.requesters.save_requester("lea@acme.be", name="", phone="", lang="", now=T0)
    ticket = await file(store, work)
    merged = await store.requesters.merge_requesters(work.id, home.id, note="", now=T0)
    assert merged is not None
    assert await store.requesters.erase_requester(merged) == 1
    assert await store.requesters.find_requester("lea@acme.be") is None
    assert await store.requesters.find_requester("lea@home.be") is None
    assert await store.requesters.requester_addresses(home.id) == []
    erased = await store.helpdesk.get_ticket(ticket.id)
    assert erased is not None and (erased.requester_id, erased.requester_email) == (None, "")
    # The address is free again: mail from it makes a new requester.
    new = await store.requesters.save_requester("lea@acme.be", name="", phone="", lang="", now=T0)
    assert new.id not in (home.id, work.id)
