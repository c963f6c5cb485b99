"""Organisations' e-mail domains on a real store: a client's new colleague joins at their
first request (and may file on a customers-only desk), those already known join when the
domain is added, the cap holds, someone taken out is not put back, public providers and
anything but a domain are refused."""

from __future__ import annotations

import pytest

from chatdesk.errors import Conflict, Forbidden, InvalidPayload, NotFound
from chatdesk.helpdesk import NewTicket
from chatdesk.helpdesk.orgdomains import normalize_domain
from chatdesk.store import Store

from ..desk import Clock
from .conftest import services


def test_a_domain_is_typed_as_admins_write_it_and_checked() -> None:
    for typed in ("acme.be", " ACME.be ", "@acme.be", "*@acme.be"):
        assert normalize_domain(typed) == "acme.be"
    assert normalize_domain("Énergie-Acme.be") == "énergie-acme.be"
    for bad in ("lea@acme.be", "acme", "", "acme..be", "-acme.be", "acme.be/x"):
        with pytest.raises(InvalidPayload) as refused:
            normalize_domain(bad)
        assert refused.value.code == "invalid_domain", bad
    for public in ("gmail.com", "@Outlook.com", "skynet.be", "ziggo.nl", "orange.fr"):
        with pytest.raises(InvalidPayload) as refused:
            normalize_domain(public)
        assert refused.value.code == "public_domain", public


async def test_a_client_s_new_colleague_joins_at_their_first_request(
    store: Store, clock: Clock
) -> None:
    hd = services(store, clock, access="customers")
    people, domains, filing = hd.helpdesk.people, hd.helpdesk.domains, hd.helpdesk.filing
    acme = await people.add_organisation("Acme", max_members=3)
    other = await people.add_organisation("Other")
    # Known before the domain: in no organisation (Ann), or in another's (Bob).
    await people.requester("ann@acme.be")
    await people.add_member(other, "bob@acme.be")
    assert await domains.add(acme, "@ACME.be") == ("acme.be", 1)  # Ann joins now
    assert await domains.of(acme) == ["acme.be"]
    assert (await people.find("ann@acme.be")).organisation_id == acme.id
    assert (await people.find("bob@acme.be")).organisation_id == other.id  # stays there
    with pytest.raises(Conflict) as taken:
        await domains.add(other, "acme.be")
    assert taken.value.code == "domain_taken"

    # A new colleague files on this customers-only desk: they join, and may.
    ticket, _ = await filing.file(NewTicket("cid@acme.be", "Site en panne"))
    cid = await people.find("cid@acme.be")
    assert (cid.organisation_id, ticket.organisation_id) == (acme.id, acme.id)
    # Someone an admin took out is not put back by their next request (refused here).
    await people.remove_member("cid@acme.be")
    with pytest.raises(Forbidden):
        await filing.file(NewTicket("cid@acme.be", "Encore moi"))
    assert (await people.find("cid@acme.be")).organisation_id is None
    # The cap holds: Acme has Ann and... room for one more, then none.
    await filing.file(NewTicket("dan@acme.be", "Bonjour"))
    assert [m.email for m in await people.members(acme)] == ["ann@acme.be", "dan@acme.be"]
    await people.add_member(acme, "eve@example.be")
    with pytest.raises(Forbidden):  # full: not a member, so not a customer
        await filing.file(NewTicket("fay@acme.be", "Bonjour"))
    assert (await people.find("fay@acme.be")).organisation_id is None
    # Another domain's people and a subdomain's are not Acme's.
    with pytest.raises(Forbidden):
        await filing.file(NewTicket("gus@mail.acme.be", "Bonjour"))

    assert await domains.remove(acme, "@acme.be") == "acme.be"
    with pytest.raises(NotFound) as missing:
        await domains.remove(acme, "acme.be")
    assert missing.value.code == "unknown_domain"
    with pytest.raises(InvalidPayload):
        await domains.add(acme, "gmail.com")
    assert await domains.of(acme) == []
