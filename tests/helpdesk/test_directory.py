"""The requesters' directory on a real store: searched, counted as each operator may see
(complaints only for service managers and admins), one requester's page."""

from __future__ import annotations

import pytest

from chatdesk.errors import InvalidPayload, NotFound
from chatdesk.helpdesk import NewTicket
from chatdesk.services import Services

from .conftest import operator


async def test_operators_search_the_directory_and_see_only_what_they_may(hd: Services) -> None:
    bob, sam = await operator(hd, "Bob"), await operator(hd, "Sam", "service_manager")
    people, filing = hd.helpdesk.people, hd.helpdesk.filing
    acme = await people.add_organisation("Acme Énergie", max_editors_per_site=3)
    await people.add_member(acme, "lea@acme.be", name="Léa Dubois")
    await filing.file(NewTicket("lea@acme.be", "Site en panne", fields={"site_id": "1234"}))
    await filing.file(NewTicket("lea@acme.be", "Plainte", type="complaint"))
    await filing.file(NewTicket("tom@example.nl", "Vraag", name="Tom Peeters"))
    directory = hd.helpdesk.directory

    page = await directory.search(bob, q="lea")
    ((line,),) = (page.requesters,)
    assert (line.requester.name, line.organisation, line.tickets, line.active) == (
        "Léa Dubois",
        "Acme Énergie",
        1,  # the complaint is not Bob's to see, nor to count
        1,
    )
    ((line,),) = ((await directory.search(sam, q="lea")).requesters,)
    assert line.tickets == 2
    assert [s.requester.email for s in (await directory.search(bob, q="energie")).requesters] == [
        "lea@acme.be"
    ]
    assert (await directory.search(bob, organisation=acme.id)).total == 1
    assert (await directory.search(bob, sort="name")).total == 2

    for bad in ({"sort": "email"}, {"page": 0}, {"page": 10_001}, {"per_page": 101}):
        with pytest.raises(InvalidPayload):
            await directory.search(bob, **bad)  # type: ignore[arg-type]

    lea = await people.find("lea@acme.be")
    profile = await directory.profile(bob, lea.id)
    assert profile.organisation is not None and profile.organisation.name == "Acme Énergie"
    assert profile.sites == ["1234"]
    assert [t.subject for t in profile.tickets] == ["Site en panne"]
    assert (profile.total, profile.active, profile.blocked) == (1, 1, None)
    managed = await directory.profile(sam, lea.id)
    assert [t.subject for t in managed.tickets] == ["Plainte", "Site en panne"]

    # The team's note: kept tidy, limited, left out of the export of her data (as the
    # internal notes are: the desk's working notes, reviewed when a request asks).
    noted = await people.set_note(lea, "  VIP   \r\nCall before noon.  \n\n")
    assert noted.note == "VIP\nCall before noon."
    with pytest.raises(InvalidPayload) as long:
        await people.set_note(lea, "x" * 2001)
    assert long.value.code == "note"
    assert (await people.get(lea.id)).note == "VIP\nCall before noon."
    assert "note" not in (await hd.helpdesk.views.export(noted))["requester"]

    await hd.spam.block(None, "acme.be")
    assert (await directory.profile(bob, lea.id)).blocked is not None
    with pytest.raises(NotFound) as missing:
        await directory.profile(bob, "0" * 32)
    assert missing.value.code == "unknown_requester"
