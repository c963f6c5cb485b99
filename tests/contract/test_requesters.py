"""Contract of RequesterStore, NoticeStore and ApiTokenStore."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from chatdesk.errors import Conflict, NotFound
from chatdesk.models import (
    ApiToken,
    Channel,
    Invitation,
    Organisation,
    OrgRole,
    SavedView,
    SeatClaim,
    ServiceNotice,
    Severity,
    Ticket,
    TicketFiling,
    TicketType,
    new_id,
)
from chatdesk.models.mail import AddressKind
from chatdesk.store import Store

from .conftest import T0, Factory, later


async def test_requesters_are_unique_by_e_mail_and_completed(store: Store) -> None:
    first = await store.requesters.save_requester(
        "lea@example.be", name="", phone="", lang="", now=T0
    )
    assert (first.email, first.name, first.org_role, first.invited) == (
        "lea@example.be",
        "",
        OrgRole.MEMBER,
        False,
    )
    again = await store.requesters.save_requester(
        "lea@example.be", name="Léa", phone="+32 2 000", lang="fr", now=later(days=1)
    )
    assert again.id == first.id and (again.name, again.phone, again.lang) == (
        "Léa",
        "+32 2 000",
        "fr",
    )
    kept = await store.requesters.save_requester(
        "lea@example.be", name="Other", phone="", lang="nl", now=T0
    )
    assert (kept.name, kept.lang, kept.created_at) == ("Léa", "fr", T0)  # given details are kept
    assert await store.requesters.get_requester(first.id) == kept
    assert await store.requesters.find_requester("lea@example.be") == kept
    assert await store.requesters.find_requester("nobody@example.be") is None
    assert await store.requesters.get_requester("missing") is None
    racing = await asyncio.gather(
        *(
            store.requesters.save_requester("new@example.be", name="N", phone="", lang="", now=T0)
            for _ in range(5)
        )
    )
    assert len({r.id for r in racing}) == 1


async def test_organisations(store: Store) -> None:
    acme = Organisation(new_id(), "Acme", T0, contract_active=False, max_members=2)
    await store.requesters.add_organisation(acme)
    with pytest.raises(Conflict):
        await store.requesters.add_organisation(Organisation(new_id(), "ACME", T0))
    await store.requesters.add_organisation(Organisation(new_id(), "Beta", T0))
    assert await store.requesters.get_organisation(acme.id) == acme
    assert await store.requesters.find_organisation(" acme ") == acme
    assert await store.requesters.find_organisation("nope") is None
    assert [o.name for o in await store.requesters.list_organisations()] == ["Acme", "Beta"]
    changed = await store.requesters.update_organisation(
        acme.id, contract_active=True, max_editors_per_site=3
    )
    assert (changed.contract_active, changed.max_members, changed.max_editors_per_site) == (
        True,
        2,
        3,
    )
    uncapped = await store.requesters.update_organisation(acme.id, max_members=0)
    assert uncapped.max_members is None
    noted = await store.requesters.update_organisation(acme.id, note="Premium plan.\nCall Marc.")
    assert (noted.note, noted.max_editors_per_site) == ("Premium plan.\nCall Marc.", 3)
    assert await store.requesters.get_organisation(acme.id) == noted
    assert (await store.requesters.update_organisation(acme.id, contract_active=False)).note
    assert (await store.requesters.update_organisation(acme.id, note="")).note == ""
    with pytest.raises(NotFound):
        await store.requesters.update_organisation("missing", contract_active=True)


async def test_membership_respects_the_member_cap(store: Store) -> None:
    org = Organisation(new_id(), "Acme", T0, max_members=2)
    await store.requesters.add_organisation(org)
    people = [
        await store.requesters.save_requester(
            f"p{i}@acme.be", name=f"P{i}", phone="", lang="", now=T0
        )
        for i in range(3)
    ]
    assert await store.requesters.set_member(people[1].id, org.id, OrgRole.MEMBER)
    assert await store.requesters.set_member(people[0].id, org.id, OrgRole.ADMIN)
    assert not await store.requesters.set_member(people[2].id, org.id, OrgRole.MEMBER)
    assert await store.requesters.set_member(people[0].id, org.id, OrgRole.MEMBER)  # already in
    assert await store.requesters.set_member(people[0].id, org.id, OrgRole.ADMIN)
    members = await store.requesters.list_members(org.id)
    assert [(m.email, m.org_role) for m in members] == [
        ("p0@acme.be", OrgRole.ADMIN),
        ("p1@acme.be", OrgRole.MEMBER),
    ]
    assert await store.requesters.set_member(people[1].id, None, OrgRole.MEMBER)
    left = await store.requesters.get_requester(people[1].id)
    assert left is not None and left.organisation_id is None
    with pytest.raises(NotFound):
        await store.requesters.set_member("missing", org.id, OrgRole.MEMBER)
    with pytest.raises(NotFound):
        await store.requesters.set_member(people[2].id, "missing", OrgRole.MEMBER)


async def test_invitations(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    org = Organisation(new_id(), "Acme", T0)
    await store.requesters.add_organisation(org)
    old = Invitation(new_id(), "lea@example.be", None, ann.id, T0, later(days=1))
    new = Invitation(new_id(), "lea@example.be", org.id, ann.id, later(hours=1), later(days=14))
    for invitation in (old, new):
        await store.requesters.add_invitation(invitation)
    assert await store.requesters.pending_invitation("lea@example.be", later(hours=2)) == new
    assert await store.requesters.pending_invitation("lea@example.be", later(days=15)) is None
    assert await store.requesters.pending_invitation("tom@example.be", T0) is None
    assert await store.requesters.list_invitations() == [new, old]
    assert await store.requesters.list_invitations(org.id) == [new]
    lea = await store.requesters.save_requester(
        "lea@example.be", name="Léa", phone="", lang="fr", now=T0
    )
    assert await store.requesters.accept_invitation(new.id, lea.id, later(hours=3))
    assert not await store.requesters.accept_invitation(new.id, lea.id, later(hours=4))
    joined = await store.requesters.get_requester(lea.id)
    assert joined is not None and joined.invited and joined.organisation_id == org.id
    assert await store.requesters.pending_invitation("lea@example.be", later(hours=5)) == old


async def test_a_requester_changes_their_details(store: Store) -> None:
    lea = await store.requesters.save_requester(
        "lea@example.be", name="Léa", phone="+32 2 555 01 01", lang="fr", now=T0
    )
    changed = await store.requesters.update_requester(
        lea.id, name="Léa Martin", phone="", lang="nl"
    )
    assert changed is not None and changed.email == "lea@example.be"
    assert (changed.name, changed.phone, changed.lang) == ("Léa Martin", "", "nl")
    assert await store.requesters.get_requester(lea.id) == changed
    # A later filing only fills what is empty: it does not undo their choice.
    again = await store.requesters.save_requester(
        "lea@example.be", name="Lea", phone="+32 2 555 01 02", lang="fr", now=T0
    )
    assert (again.name, again.phone, again.lang) == ("Léa Martin", "+32 2 555 01 02", "nl")
    assert await store.requesters.update_requester("0" * 32, name="", phone="", lang="") is None


async def test_the_team_s_note_on_a_requester(store: Store) -> None:
    lea = await store.requesters.save_requester(
        "lea@example.be", name="Léa", phone="", lang="fr", now=T0
    )
    assert lea.note == ""
    noted = await store.requesters.set_requester_note(lea.id, "VIP: Cc her manager.\nBy phone.")
    assert noted is not None and noted.note == "VIP: Cc her manager.\nBy phone."
    assert (noted.name, noted.session_version) == ("Léa", lea.session_version)
    # Her own changes and a later filing keep it.
    await store.requesters.update_requester(lea.id, name="Léa M", phone="1", lang="fr")
    await store.requesters.save_requester("lea@example.be", name="", phone="", lang="", now=T0)
    kept = await store.requesters.get_requester(lea.id)
    assert kept is not None and kept.note == "VIP: Cc her manager.\nBy phone."
    cleared = await store.requesters.set_requester_note(lea.id, "")
    assert cleared is not None and cleared.note == ""
    assert await store.requesters.set_requester_note("0" * 32, "x") is None


async def test_ending_a_requesters_sessions_raises_their_version(store: Store) -> None:
    lea = await store.requesters.save_requester(
        "lea@example.be", name="", phone="", lang="", now=T0
    )
    tom = await store.requesters.save_requester(
        "tom@example.be", name="", phone="", lang="", now=T0
    )
    assert lea.session_version == 0
    ended = await store.requesters.end_requester_sessions(lea.id)
    assert ended is not None and ended.session_version == 1
    again = await store.requesters.end_requester_sessions(lea.id)
    assert again is not None and again.session_version == 2
    assert await store.requesters.get_requester(lea.id) == again
    assert (await store.requesters.find_requester("tom@example.be")) == tom  # only theirs
    # A later filing or a change of details keeps the version.
    kept = await store.requesters.save_requester(
        "lea@example.be", name="Léa", phone="", lang="fr", now=T0
    )
    assert kept.session_version == 2
    changed = await store.requesters.update_requester(lea.id, name="Léa M", phone="", lang="")
    assert changed is not None and changed.session_version == 2
    assert await store.requesters.end_requester_sessions("0" * 32) is None


async def test_withdrawing_an_invitation(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    acme, globex = Organisation(new_id(), "Acme", T0), Organisation(new_id(), "Globex", T0)
    for org in (acme, globex):
        await store.requesters.add_organisation(org)
    invitation = Invitation(new_id(), "tom@example.be", acme.id, ann.id, T0, later(days=30))
    await store.requesters.add_invitation(invitation)
    # Another organisation's invitation is not theirs to withdraw.
    assert not await store.requesters.withdraw_invitation(invitation.id, globex.id, later(hours=1))
    assert await store.requesters.withdraw_invitation(invitation.id, acme.id, later(hours=1))
    assert await store.requesters.pending_invitation("tom@example.be", later(hours=2)) is None
    [kept] = await store.requesters.list_invitations(acme.id)  # the row stays, ended
    assert kept.expires_at == later(hours=1) and kept.accepted_at is None
    assert not await store.requesters.withdraw_invitation(invitation.id, acme.id, later(hours=3))
    # An accepted one stays accepted.
    used = Invitation(new_id(), "max@example.be", acme.id, ann.id, T0, later(days=30))
    await store.requesters.add_invitation(used)
    max_ = await store.requesters.save_requester(
        "max@example.be", name="", phone="", lang="", now=T0
    )
    assert await store.requesters.accept_invitation(used.id, max_.id, later(hours=1))
    assert not await store.requesters.withdraw_invitation(used.id, acme.id, later(hours=2))


async def test_site_editors_and_releasing_a_seat(store: Store) -> None:
    org = Organisation(new_id(), "Acme", T0, max_editors_per_site=1)
    await store.requesters.add_organisation(org)
    lea = await store.requesters.save_requester(
        "lea@acme.be", name="Léa", phone="", lang="fr", now=T0
    )
    tom = await store.requesters.save_requester(
        "tom@acme.be", name="Tom", phone="", lang="fr", now=T0
    )

    def filing(who_id: str) -> TicketFiling:
        who = lea if who_id == lea.id else tom
        return TicketFiling(
            subject="s", description="d", type=TicketType.INCIDENT, channel=Channel.FORM,
            department="technical", priority="high", lang="fr", requester=who, created_at=T0,
            seat=SeatClaim(org.id, "1234", who.id, 1),
        )  # fmt: skip

    assert await store.requesters.org_seats(org.id) == []
    assert isinstance(await store.helpdesk.file_ticket(filing(lea.id)), Ticket)
    assert [r.id for r in await store.requesters.site_editors(org.id, "1234")] == [lea.id]
    assert [(site, r.email) for site, r in await store.requesters.org_seats(org.id)] == [
        ("1234", "lea@acme.be")
    ]
    assert await store.requesters.site_editors(org.id, "9999") == []
    assert not isinstance(await store.helpdesk.file_ticket(filing(tom.id)), Ticket)
    assert await store.requesters.release_seat(org.id, "1234", lea.id)
    assert not await store.requesters.release_seat(org.id, "1234", lea.id)
    assert isinstance(await store.helpdesk.file_ticket(filing(tom.id)), Ticket)
    # Every site of the organisation, by site id, then seat order.
    other = Organisation(new_id(), "Other", T0)
    await store.requesters.add_organisation(other)
    claim = SeatClaim(other.id, "0042", lea.id, 5)
    assert isinstance(await store.helpdesk.file_ticket(replace(filing(lea.id), seat=claim)), Ticket)
    claim = SeatClaim(org.id, "0999", lea.id, 5)
    assert isinstance(await store.helpdesk.file_ticket(replace(filing(lea.id), seat=claim)), Ticket)
    assert [(site, r.name) for site, r in await store.requesters.org_seats(org.id)] == [
        ("0999", "Léa"),
        ("1234", "Tom"),
    ]


def notice(
    title: str, *, starts: int = 0, ends: int | None = None, audience: tuple[str, ...] = ()
) -> ServiceNotice:
    return ServiceNotice(
        new_id(), title, "**Body**", Severity.MAINTENANCE, later(hours=starts),
        later(hours=ends) if ends is not None else None, audience, "op1", later(hours=starts),
    )  # fmt: skip


async def test_notices_show_in_their_window_to_their_audience(store: Store) -> None:
    everyone = notice("Maintenance", starts=1, ends=3)
    acme_only = notice("Acme outage", starts=2, audience=("acme",))
    future = notice("Later", starts=10)
    for n in (everyone, acme_only, future):
        await store.notices.add_notice(n)
    assert await store.notices.active_notices(T0) == []
    assert await store.notices.active_notices(later(hours=2)) == [everyone]
    assert await store.notices.active_notices(later(hours=2), "acme") == [acme_only, everyone]
    assert await store.notices.active_notices(later(hours=4), "acme") == [acme_only]
    ahead = later(hours=10)
    assert await store.notices.active_notices(T0, starting_before=ahead) == [future, everyone]
    assert await store.notices.active_notices(later(hours=4), starting_before=later(hours=9)) == []
    assert await store.notices.list_notices() == [future, acme_only, everyone]
    assert await store.notices.list_notices(limit=1) == [future]
    assert await store.notices.end_notice(acme_only.id, later(hours=5))
    assert not await store.notices.end_notice(acme_only.id, later(hours=6))
    assert not await store.notices.end_notice("missing", later(hours=6))
    assert await store.notices.active_notices(later(hours=6), "acme") == []


async def test_api_tokens(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    first = ApiToken(new_id(), ann.id, "CI", "a" * 64, T0)
    second = ApiToken(new_id(), bob.id, "Zapier", "b" * 64, later(minutes=1))
    for token in (first, second):
        await store.api_tokens.add_api_token(token)
    used = await store.api_tokens.use_api_token("a" * 64, later(hours=1))
    assert used is not None and used.id == first.id and used.last_used_at == later(hours=1)
    assert await store.api_tokens.use_api_token("c" * 64, later(hours=1)) is None
    assert [t.id for t in await store.api_tokens.list_api_tokens()] == [second.id, first.id]
    assert [t.id for t in await store.api_tokens.list_api_tokens(ann.id)] == [first.id]
    assert await store.api_tokens.revoke_api_token(first.id, later(hours=2))
    assert not await store.api_tokens.revoke_api_token(first.id, later(hours=3))
    assert not await store.api_tokens.revoke_api_token("missing", later(hours=3))
    assert await store.api_tokens.use_api_token("a" * 64, later(hours=4)) is None
    (revoked,) = await store.api_tokens.list_api_tokens(ann.id)
    assert revoked.revoked_at == later(hours=2)


async def test_organisation_domains_and_joining_by_domain(store: Store) -> None:
    acme = Organisation(new_id(), "Acme", T0, max_members=3)
    other = Organisation(new_id(), "Other", T0)
    for org in (acme, other):
        await store.requesters.add_organisation(org)
    assert await store.requesters.organisation_domains(acme.id) == []
    await store.requesters.add_domain(acme.id, "acme.be", T0)
    await store.requesters.add_domain(acme.id, "acme-energie.be", T0)
    assert await store.requesters.organisation_domains(acme.id) == ["acme-energie.be", "acme.be"]
    for org_id in (acme.id, other.id):  # a domain is one organisation's
        with pytest.raises(Conflict) as taken:
            await store.requesters.add_domain(org_id, "acme.be", T0)
        assert taken.value.code == "domain_taken"
    with pytest.raises(NotFound):
        await store.requesters.add_domain("0" * 32, "nobody.be", T0)
    found = await store.requesters.domain_organisation("acme.be")
    assert found is not None and found.id == acme.id
    assert await store.requesters.domain_organisation("acme.com") is None

    # Joining: requesters of no organisation with that domain, oldest first, up to the cap.
    people = {}
    for n, email in enumerate(
        ["ann@acme.be", "bob@acme.be", "cid@sub.acme.be", "dan@notacme.be", "eve@acme.be",
         "fay@acme.be", "gus@other.be"]
    ):  # fmt: skip
        people[email] = await store.requesters.save_requester(
            email, name="", phone="", lang="", now=later(minutes=n)
        )
    await store.requesters.set_member(people["bob@acme.be"].id, other.id, OrgRole.MEMBER)
    await store.requesters.set_member(people["gus@other.be"].id, acme.id, OrgRole.MEMBER)
    assert await store.requesters.join_by_domain(acme.id, "acme.be") == 2  # room for two
    members = [r.email for r in await store.requesters.list_members(acme.id)]
    assert members == ["ann@acme.be", "eve@acme.be", "gus@other.be"]
    bob = await store.requesters.get_requester(people["bob@acme.be"].id)
    assert bob is not None and bob.organisation_id == other.id  # another's stays there
    assert await store.requesters.join_by_domain(acme.id, "acme.be") == 0  # full
    assert await store.requesters.join_by_domain(other.id, "acme.be") == 1  # no cap: fay
    assert await store.requesters.join_by_domain(other.id, "acme.be") == 0
    with pytest.raises(NotFound):
        await store.requesters.join_by_domain("0" * 32, "acme.be")

    assert await store.requesters.remove_domain(acme.id, "acme.be")
    assert not await store.requesters.remove_domain(acme.id, "acme.be")
    assert not await store.requesters.remove_domain(other.id, "acme-energie.be")
    assert await store.requesters.organisation_domains(acme.id) == ["acme-energie.be"]
    assert await store.requesters.domain_organisation("acme.be") is None


async def test_two_organisations_of_one_customer_merged(store: Store, make: Factory) -> None:
    acme = Organisation(new_id(), "Acme", T0, max_editors_per_site=5)
    typo = Organisation(new_id(), "ACME Énergie", T0)
    other = Organisation(new_id(), "Other", T0)
    for org in (acme, typo, other):
        await store.requesters.add_organisation(org)
    lea = await store.requesters.save_requester("lea@acme.be", name="", phone="", lang="", now=T0)
    tom = await store.requesters.save_requester("tom@acme.be", name="", phone="", lang="", now=T0)
    await store.requesters.set_member(lea.id, acme.id, OrgRole.MEMBER)
    await store.requesters.set_member(tom.id, typo.id, OrgRole.ADMIN)
    await store.requesters.add_domain(typo.id, "acme-energie.be", T0)
    await store.mail.set_org_address(typo.id, AddressKind.BILLING, "compta@acme.be", on=True)
    await store.mail.set_org_address(acme.id, AddressKind.BILLING, "compta@acme.be", on=True)
    invited = Invitation(new_id(), "zoe@acme.be", typo.id, "op", T0, later(days=30))
    await store.requesters.add_invitation(invited)
    seat = SeatClaim(typo.id, "1234", tom.id, 3)
    filed = await store.helpdesk.file_ticket(
        TicketFiling(
            subject="s", description="d", type=TicketType.INCIDENT, channel=Channel.FORM,
            department="technical", priority="high", lang="fr", requester=tom, created_at=T0,
            seat=seat, organisation_id=typo.id,
        )
    )  # fmt: skip
    assert isinstance(filed, Ticket)
    shared = notice("Outage", audience=(typo.id, acme.id, other.id))
    typo_only = notice("Maintenance", audience=(typo.id,))
    for n in (shared, typo_only):
        await store.notices.add_notice(n)
    ann = await make.operator("Ann")
    view = await store.saved_views.save_view(
        SavedView(new_id(), ann.id, "Acme", f"view=all&org={typo.id}&sort=due", T0)
    )

    assert await store.requesters.merge_organisations(typo.id, typo.id) is None
    assert await store.requesters.merge_organisations(typo.id, "missing") is None
    kept = await store.requesters.merge_organisations(typo.id, acme.id)
    assert kept == acme  # its own name, contract and caps
    assert await store.requesters.get_organisation(typo.id) is None
    members = {(r.email, r.org_role) for r in await store.requesters.list_members(acme.id)}
    assert members == {("lea@acme.be", OrgRole.MEMBER), ("tom@acme.be", OrgRole.ADMIN)}
    assert (await store.helpdesk.get_ticket(filed.id)).organisation_id == acme.id  # type: ignore[union-attr]
    assert await store.requesters.organisation_domains(acme.id) == ["acme-energie.be"]
    assert [a.email for a in await store.mail.org_addresses([acme.id])] == ["compta@acme.be"]
    (moved,) = await store.requesters.list_invitations(acme.id)
    assert moved.id == invited.id
    assert [(s, r.id) for s, r in await store.requesters.org_seats(acme.id)] == [("1234", tom.id)]
    audiences = {n.title: n.audience for n in await store.notices.list_notices()}
    assert audiences == {"Outage": (acme.id, other.id), "Maintenance": (acme.id,)}
    assert (await store.saved_views.get_view(view.id)).query == (  # type: ignore[union-attr]
        f"view=all&org={acme.id}&sort=due"
    )
    assert await store.requesters.merge_organisations(typo.id, acme.id) is None  # gone
