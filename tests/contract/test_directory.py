"""Contract of RequesterStore.list_requesters: the requesters' directory."""

from __future__ import annotations

from chatdesk.models import (
    Channel,
    Organisation,
    Requester,
    RequesterQuery,
    Status,
    Ticket,
    TicketChanges,
    TicketFiling,
    TicketType,
    new_id,
)
from chatdesk.store import Store

from .conftest import T0, later


async def _file(
    store: Store, who: Requester, *, hours: float, kind: TicketType = TicketType.QUESTION
) -> Ticket:
    filed = await store.helpdesk.file_ticket(
        TicketFiling(
            subject="s", description="d", type=kind, channel=Channel.FORM,
            department="technical", priority="normal", lang="fr", requester=who,
            created_at=later(hours=hours),
        )
    )  # fmt: skip
    assert isinstance(filed, Ticket)
    return filed


async def _people(store: Store) -> dict[str, Requester]:
    acme = Organisation(new_id(), "Àcme Énergie", T0)
    await store.requesters.add_organisation(acme)
    people = {}
    for n, (email, name, phone) in enumerate(
        [
            ("lea@example.be", "Léa Dubois", "+32 2 555 01 01"),
            ("tom@acme.be", "Tom Peeters", ""),
            ("zoe@example.nl", "", ""),
            ("ELODIE@example.fr", "Élodie Martin", ""),
        ]
    ):
        people[email] = await store.requesters.save_requester(
            email.lower(), name=name, phone=phone, lang="fr", now=later(minutes=n)
        )
    tom = people["tom@acme.be"]
    await store.requesters.set_member(tom.id, acme.id, tom.org_role)
    return people


async def _emails(store: Store, **kw: object) -> list[str]:
    page = await store.requesters.list_requesters(RequesterQuery(**kw))  # type: ignore[arg-type]
    return [s.requester.email for s in page.requesters]


async def test_the_directory_counts_tickets_and_orders_by_activity(store: Store) -> None:
    people = await _people(store)
    lea, tom = people["lea@example.be"], people["tom@acme.be"]
    first = await _file(store, lea, hours=1)
    await _file(store, lea, hours=2)
    await _file(store, tom, hours=3, kind=TicketType.COMPLAINT)
    await store.tickets.update_ticket(first.id, TicketChanges(status=Status.CLOSED), later(hours=4))

    page = await store.requesters.list_requesters(RequesterQuery())
    assert page.total == 4
    lines = {s.requester.email: s for s in page.requesters}
    assert [s.requester.email for s in page.requesters] == [
        "lea@example.be",  # a ticket changed at 4 h
        "tom@acme.be",  # at 3 h
        "elodie@example.fr",  # no ticket: newest first
        "zoe@example.nl",
    ]
    assert (lines["lea@example.be"].tickets, lines["lea@example.be"].active) == (2, 1)
    assert lines["lea@example.be"].last_activity == later(hours=4)
    assert lines["lea@example.be"].requester == lea
    assert (lines["tom@acme.be"].organisation, lines["tom@acme.be"].tickets) == ("Àcme Énergie", 1)
    assert (lines["zoe@example.nl"].tickets, lines["zoe@example.nl"].last_activity) == (0, None)
    assert lines["zoe@example.nl"].organisation == ""

    # Complaints hidden from an operator are not counted (nor dated).
    hidden = await store.requesters.list_requesters(
        RequesterQuery(exclude_types=(TicketType.COMPLAINT,))
    )
    tom_line = next(s for s in hidden.requesters if s.requester.id == tom.id)
    assert (tom_line.tickets, tom_line.active, tom_line.last_activity) == (0, 0, None)

    assert await _emails(store, sort="name") == [
        "elodie@example.fr",  # Élodie sorts as Elodie
        "lea@example.be",
        "tom@acme.be",
        "zoe@example.nl",  # no name: last
    ]
    assert await _emails(store, sort="newest") == [
        "elodie@example.fr",
        "zoe@example.nl",
        "tom@acme.be",
        "lea@example.be",
    ]
    paged = await store.requesters.list_requesters(
        RequesterQuery(sort="newest", page=2, per_page=3)
    )
    assert ([s.requester.email for s in paged.requesters], paged.total) == (["lea@example.be"], 4)


async def test_the_directory_searches_ignoring_case_and_accents(store: Store) -> None:
    people = await _people(store)
    assert await _emails(store, q="LEA") == ["lea@example.be"]
    assert await _emails(store, q="dubois léa") == ["lea@example.be"]  # every word, any order
    assert await _emails(store, q="ELODIE") == ["elodie@example.fr"]
    assert await _emails(store, q="élodie mart") == ["elodie@example.fr"]
    assert await _emails(store, q="555 01") == ["lea@example.be"]  # the phone
    assert await _emails(store, q="acme energie") == ["tom@acme.be"]  # the organisation's name
    assert await _emails(store, q="example.nl") == ["zoe@example.nl"]
    assert sorted(await _emails(store, q="example")) == [
        "elodie@example.fr",
        "lea@example.be",
        "zoe@example.nl",
    ]
    # What LIKE would read as wildcards is text.
    assert await _emails(store, q="%") == []
    assert await _emails(store, q="_") == []
    assert await _emails(store, q="nobody") == []
    tom = people["tom@acme.be"]
    assert tom.organisation_id is None  # saved before joining
    acme = await store.requesters.find_organisation("àcme énergie")
    assert acme is not None
    assert await _emails(store, organisation_id=acme.id) == ["tom@acme.be"]
    assert await _emails(store, organisation_id=acme.id, q="lea") == []
    total = (await store.requesters.list_requesters(RequesterQuery(q="example"))).total
    assert total == 3
    # Past the last page: nobody, and still how many match.
    for query in (RequesterQuery(q="example", page=5), RequesterQuery(page=5)):
        beyond = await store.requesters.list_requesters(query)
        assert (beyond.requesters, beyond.total) == ([], 3 if query.q else 4)
    nobody = await store.requesters.list_requesters(RequesterQuery(q="nobody"))
    assert (nobody.requesters, nobody.total) == ([], 0)
