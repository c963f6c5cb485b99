"""Customer organisations over the REST API: an admin's CRM creates one, turns its
contract on and off, changes its caps, adds and removes members and e-mail domains;
other operators' tokens get 403; refusals change nothing."""

from __future__ import annotations

from typing import Any

from chatdesk.wire.apiorgs import ApiDomainOut, ApiOrganisation, ApiOrganisationList
from chatdesk.wire.apipeople import ApiRequesterDetail, ApiRequesterPage

from .conftest import Api, Desk

ORGS = "/api/v1/organisations"


async def test_an_admin_s_program_keeps_the_customer_organisations(
    api: Api, as_: Any, desk: Desk
) -> None:
    assert (await api.call("GET", ORGS, ApiOrganisationList)).organisations == []
    body = {"name": "Acme Énergie", "max_members": 2}
    status, headers, raw = await api.raw("POST", ORGS, json=body)
    assert status == 201, raw
    acme = await api.call("GET", headers["Location"], ApiOrganisation)
    assert (acme.name, acme.contract_active, acme.max_members, acme.members, acme.domains) == (
        "Acme Énergie", True, 2, 0, [],
    )  # fmt: skip
    path = f"{ORGS}/{acme.id}"
    assert (await api.error("POST", ORGS, 409, json={"name": "ACME énergie"})).code == "exists"

    # A known requester of the domain joins with it; then members by hand, to the cap.
    await desk.services.helpdesk.people.requester("lea@acme.be")
    added = await api.call(
        "POST", f"{path}/domains", ApiDomainOut, status=201, json={"domain": "@Acme.be"}
    )
    assert (added.domain, added.joined) == ("acme.be", 1)
    for domain, code in (("gmail.com", "public_domain"), ("not a domain", "invalid_domain")):
        refused = await api.error("POST", f"{path}/domains", 400, json={"domain": domain})
        assert refused.code == code
    taken = await api.error("POST", f"{path}/domains", 409, json={"domain": "acme.be"})
    assert taken.code == "domain_taken"
    tom = await api.call(
        "POST", f"{path}/members", ApiRequesterDetail, status=201,
        json={"email": "Tom@Example.be", "role": "admin", "name": "Tom"},
    )  # fmt: skip
    assert (tom.email, tom.org_role, tom.organisation and tom.organisation.id) == (
        "tom@example.be", "admin", acme.id,
    )  # fmt: skip
    full = await api.error("POST", f"{path}/members", 409, json={"email": "zoe@example.be"})
    assert full.code == "organisation_full"
    members = await api.call("GET", f"/api/v1/requesters?organisation={acme.id}", ApiRequesterPage)
    assert sorted(r.email for r in members.requesters) == ["lea@acme.be", "tom@example.be"]

    # The contract off, the cap removed (0); the list says so.
    changed = await api.call(
        "PATCH", path, ApiOrganisation,
        json={"contract_active": False, "max_members": 0, "note": "Premium plan. "},
    )  # fmt: skip
    assert (changed.contract_active, changed.max_members, changed.members) == (False, None, 2)
    assert changed.note == "Premium plan."
    # A note too long is refused before anything changes.
    await api.error("PATCH", path, 400, json={"contract_active": True, "note": "x" * 2001})
    assert changed.domains == ["acme.be"]
    (listed,) = (await api.call("GET", ORGS, ApiOrganisationList)).organisations
    assert listed == changed

    # Out again: a member, the domain; what is not there is a 404.
    await api.raw("DELETE", f"{path}/members/{tom.id}")
    missing = await api.error("DELETE", f"{path}/members/{tom.id}", 404)
    assert missing.code == "unknown_requester"
    status, _, _ = await api.raw("DELETE", f"{path}/domains/acme.be")
    assert status == 204
    assert (await api.error("DELETE", f"{path}/domains/acme.be", 404)).code == "unknown_domain"
    after = await api.call("GET", path, ApiOrganisation)
    assert (after.members, after.domains) == (1, [])
    for unknown in (f"{ORGS}/{'0' * 32}", f"{ORGS}/Acme%20%C3%89nergie"):  # ids only
        assert (await api.error("GET", unknown, 404)).code == "unknown_org"

    # Other roles: 403, nothing changed; no token: 401.
    bob = as_("bob")
    assert (await bob.error("GET", ORGS, 403)).code == "forbidden"
    await bob.error("PATCH", path, 403, json={"contract_active": True})
    await bob.error("POST", f"{path}/domains", 403, json={"domain": "acme.com"})
    await as_(None).error("GET", ORGS, 401)
    assert not (await api.call("GET", path, ApiOrganisation)).contract_active


async def test_a_crm_merges_a_customer_entered_twice(api: Api, as_: Any, desk: Desk) -> None:
    acme = await api.call("POST", ORGS, ApiOrganisation, status=201, json={"name": "Acme"})
    twice = await api.call("POST", ORGS, ApiOrganisation, status=201, json={"name": "Acme SA"})
    await api.call("POST", f"{ORGS}/{twice.id}/members", ApiRequesterDetail, status=201,
                   json={"email": "tom@acme.be"})  # fmt: skip
    merge = f"{ORGS}/{twice.id}/merge"
    # An operator's token may not (an admin's act, on the audit log): nothing merged.
    refused = await as_("bob").error("POST", merge, 403, json={"into": acme.id})
    assert refused.code == "forbidden"
    await as_(None).error("POST", merge, 401, json={"into": acme.id})
    assert (await api.call("GET", f"{ORGS}/{twice.id}", ApiOrganisation)).members == 1
    same = await api.error("POST", merge, 409, json={"into": twice.id})
    assert same.code == "same_organisation"
    assert (await api.error("POST", merge, 404, json={"into": "Nobody"})).code == "unknown_org"
    assert (await api.error("POST", merge, 400, json={"into": ""})).code == "invalid_payload"
    kept = await api.call("POST", merge, ApiOrganisation, json={"into": "acme"})
    assert (kept.id, kept.name, kept.members) == (acme.id, "Acme", 1)
    assert (await api.error("GET", f"{ORGS}/{twice.id}", 404)).code == "unknown_org"
    again = await api.error("POST", merge, 404, json={"into": acme.id})
    assert again.code == "unknown_org"
