"""Contract of OperatorStore and PresenceStore: accounts, and who is at their console."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from chatdesk.errors import Conflict, NotFound
from chatdesk.models import Operator, Presence, PresenceStatus, Role
from chatdesk.store import Store

from .conftest import T0, Factory, later


async def test_added_operator_reads_back_whole(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann", capacity=3, role=Role.ADMIN, departments=("a", "b"))
    assert await store.operators.get_operator(ann.id) == ann
    assert await store.operators.get_operator("nobody") is None


async def test_an_e_mail_belongs_to_one_operator(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    impostor = dataclasses.replace(ann, id="other", name="Not Ann")
    with pytest.raises(Conflict):
        await store.operators.add_operator(impostor, "hash:x")
    assert await store.operators.get_operator("other") is None
    assert await store.operators.list_operators() == [ann]


async def test_racing_adds_of_one_e_mail_have_one_winner(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    twins = [dataclasses.replace(ann, id=f"twin{i}", email="twin@desk.test") for i in range(3)]
    results = await asyncio.gather(
        *(store.operators.add_operator(t, "hash:t") for t in twins), return_exceptions=True
    )
    assert results.count(None) == 1
    assert all(isinstance(r, Conflict) for r in results if r is not None)


async def test_credentials_by_e_mail(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    assert await store.operators.operator_credentials(ann.email) == (ann, "hash:Ann")
    assert await store.operators.operator_credentials("nobody@desk.test") is None


async def test_operators_are_listed_by_name(store: Store, make: Factory) -> None:
    assert await store.operators.list_operators() == []
    for name in ("Zoé", "Ann", "Marc"):
        await make.operator(name)
    assert [o.name for o in await store.operators.list_operators()] == ["Ann", "Marc", "Zoé"]


async def test_disabling_ends_sessions(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    disabled = await store.operators.update_operator(ann.email, disabled=True)
    assert disabled.disabled and disabled.session_version != ann.session_version
    assert await store.operators.get_operator(ann.id) == disabled
    enabled = await store.operators.update_operator(ann.email, disabled=False)
    assert not enabled.disabled
    assert enabled.session_version not in (ann.session_version, disabled.session_version)


async def test_a_new_password_ends_sessions(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    updated = await store.operators.update_operator(ann.email, password_hash="hash:new")
    assert updated.session_version != ann.session_version and not updated.disabled
    assert await store.operators.operator_credentials(ann.email) == (updated, "hash:new")


async def test_ending_sessions_alone_changes_nothing_else(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    ended = await store.operators.update_operator(ann.email, end_sessions=True)
    assert ended.session_version != ann.session_version
    assert ended == dataclasses.replace(ann, session_version=ended.session_version)
    assert (await store.operators.operator_credentials(ann.email) or (None, ""))[1] != ""
    assert await store.operators.update_operator(ann.email) == ended  # nothing asked


async def test_updating_an_unknown_operator_fails(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.operators.update_operator("nobody@desk.test", disabled=True)
    ghost = Operator("x", "nobody@desk.test", "X", Role.OPERATOR, ("a",), ("en",))
    with pytest.raises(NotFound):
        await store.operators.edit_operator(ghost)


async def test_editing_keeps_access_and_sessions(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann", capacity=3, departments=("a",))
    await make.operator("Bob")
    wanted = dataclasses.replace(
        ann, name="Ann Dupont", role=Role.SERVICE_MANAGER, departments=("a", "b"),
        languages=("fr", "nl"), capacity=None, signature="Ann Dupont\nSupport, +32 2 555 01 01",
        # Not the account's to change here: id, access, sessions.
        id="forged", disabled=True, session_version=99,
    )  # fmt: skip
    edited = await store.operators.edit_operator(wanted)
    assert edited == dataclasses.replace(
        ann, name="Ann Dupont", role=Role.SERVICE_MANAGER, departments=("a", "b"),
        languages=("fr", "nl"), capacity=None, signature="Ann Dupont\nSupport, +32 2 555 01 01",
    )  # fmt: skip
    assert await store.operators.get_operator(ann.id) == edited
    assert await store.operators.operator_credentials(ann.email) == (edited, "hash:Ann")
    assert [o.name for o in await store.operators.list_operators()] == ["Ann Dupont", "Bob"]


async def test_connections_are_counted(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    assert await store.presence.operator_connected(ann.id) == Presence(PresenceStatus.ONLINE, 1)
    second = await store.presence.operator_connected(ann.id)
    assert (second.status, second.connections) == (PresenceStatus.ONLINE, 2)
    assert await store.presence.operator_disconnected(ann.id, T0) == 1
    found = (await store.presence.presence())[ann.id]
    assert (found.status, found.connections) == (PresenceStatus.ONLINE, 1)


async def test_concurrent_connections_are_all_counted(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    results = await asyncio.gather(*(store.presence.operator_connected(ann.id) for _ in range(10)))
    assert sorted(p.connections for p in results) == list(range(1, 11))
    remaining = await asyncio.gather(
        *(store.presence.operator_disconnected(ann.id, T0) for _ in range(10))
    )
    assert sorted(remaining) == list(range(10))


async def test_the_last_disconnection_starts_the_grace_period(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    await store.presence.operator_connected(ann.id)
    assert await store.presence.operator_disconnected(ann.id, later(seconds=5)) == 0
    found = (await store.presence.presence())[ann.id]
    assert (found.status, found.connections) == (PresenceStatus.ONLINE, 0)
    assert found.left_at == later(seconds=5)


async def test_connecting_brings_only_offline_operators_online(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    await store.presence.set_presence(ann.id, PresenceStatus.AWAY)
    await store.presence.set_presence(bob.id, PresenceStatus.OFFLINE)
    assert (await store.presence.operator_connected(ann.id)).status is PresenceStatus.AWAY
    assert (await store.presence.operator_connected(bob.id)).status is PresenceStatus.ONLINE


async def test_set_presence_is_shown(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    await store.presence.operator_connected(ann.id)
    await store.presence.set_presence(ann.id, PresenceStatus.AWAY)
    await store.presence.set_presence(bob.id, PresenceStatus.ONLINE)  # never connected
    presence = await store.presence.presence()
    assert (presence[ann.id].status, presence[ann.id].connections) == (PresenceStatus.AWAY, 1)
    assert presence[bob.id].status is PresenceStatus.ONLINE


async def test_expire_presence_takes_those_gone_long_enough(store: Store, make: Factory) -> None:
    early, late, here, back = [await make.operator(n) for n in ("Ann", "Bob", "Cyd", "Dan")]
    for operator in (early, late, here, back):
        await store.presence.operator_connected(operator.id)
    await store.presence.operator_disconnected(early.id, T0)
    await store.presence.operator_disconnected(late.id, later(seconds=60))
    await store.presence.operator_disconnected(back.id, T0)
    await store.presence.operator_connected(back.id)  # came back within the grace period
    assert await store.presence.expire_presence(later(seconds=30)) == [early.id]
    presence = await store.presence.presence()
    assert presence[early.id].status is PresenceStatus.OFFLINE
    for operator in (late, here, back):
        assert presence[operator.id].status is PresenceStatus.ONLINE
    assert await store.presence.expire_presence(later(seconds=30)) == []
    assert await store.presence.expire_presence(later(seconds=61)) == [late.id]


async def test_two_step_sign_in_is_stored_and_ends_sessions(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    assert not ann.two_factor
    assert await store.operators.operator_totp(ann.id) == ("", 0, [])
    on = await store.operators.set_totp(ann.id, "JBSWY3DPEHPK3PXP", ["h1", "h2", "h3"])
    assert on.two_factor and on.session_version != ann.session_version
    assert await store.operators.get_operator(ann.id) == on
    assert [o.two_factor for o in await store.operators.list_operators()] == [True]
    assert await store.operators.operator_totp(ann.id) == (
        "JBSWY3DPEHPK3PXP",
        0,
        ["h1", "h2", "h3"],
    )
    off = await store.operators.set_totp(ann.id, "", [])
    assert not off.two_factor and off.session_version != on.session_version
    assert await store.operators.operator_totp(ann.id) == ("", 0, [])
    with pytest.raises(NotFound):
        await store.operators.set_totp("nobody", "X", [])
    with pytest.raises(NotFound):
        await store.operators.operator_totp("nobody")


async def test_a_time_step_and_a_recovery_code_work_once(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    await store.operators.set_totp(ann.id, "JBSWY3DPEHPK3PXP", ["h1", "h2"])
    assert await store.operators.use_totp_step(ann.id, 1000)
    assert not await store.operators.use_totp_step(ann.id, 1000)  # the same code again
    assert not await store.operators.use_totp_step(ann.id, 999)  # an older one
    assert await store.operators.use_totp_step(ann.id, 1001)
    # Racing uses of one step (two processes, one code): one wins.
    results = await asyncio.gather(*(store.operators.use_totp_step(ann.id, 1002) for _ in range(4)))
    assert results.count(True) == 1
    assert (await store.operators.operator_totp(ann.id))[1] == 1002

    results = await asyncio.gather(
        *(store.operators.use_recovery_code(ann.id, "h1") for _ in range(3))
    )
    assert results.count(True) == 1
    assert not await store.operators.use_recovery_code(ann.id, "nope")
    assert not await store.operators.use_recovery_code(ann.id, "")
    assert (await store.operators.operator_totp(ann.id))[2] == ["h2"]
    assert await store.operators.use_recovery_code(ann.id, "h2")
    assert (await store.operators.operator_totp(ann.id))[2] == []
    # Turned on again: steps count from zero with the new secret.
    await store.operators.set_totp(ann.id, "NEWSECRET234567A", ["h9"])
    assert await store.operators.use_totp_step(ann.id, 5)


async def test_recovery_codes_are_replaced_alone(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    on = await store.operators.set_totp(ann.id, "JBSWY3DPEHPK3PXP", ["h1"])
    await store.operators.use_totp_step(ann.id, 7)
    await store.operators.set_recovery_codes(ann.id, ["n1", "n2"])
    assert await store.operators.operator_totp(ann.id) == ("JBSWY3DPEHPK3PXP", 7, ["n1", "n2"])
    assert await store.operators.get_operator(ann.id) == on  # sessions go on
    with pytest.raises(NotFound):
        await store.operators.set_recovery_codes("nobody", [])


async def test_a_secret_is_resealed_only_where_it_is_still_the_old_value(
    store: Store, make: Factory
) -> None:
    ann = await make.operator("Ann")
    on = await store.operators.set_totp(ann.id, "JBSWY3DPEHPK3PXP", ["h1"])
    await store.operators.use_totp_step(ann.id, 7)
    assert await store.operators.reseal_totp(ann.id, "JBSWY3DPEHPK3PXP", "sealed1:abc")
    # Step, codes and sessions kept: the same secret, stored another way.
    assert await store.operators.operator_totp(ann.id) == ("sealed1:abc", 7, ["h1"])
    assert await store.operators.get_operator(ann.id) == on
    # Another process resealed (or turned it off) first: nothing changes.
    assert not await store.operators.reseal_totp(ann.id, "JBSWY3DPEHPK3PXP", "sealed1:xyz")
    assert (await store.operators.operator_totp(ann.id))[0] == "sealed1:abc"
    assert not await store.operators.reseal_totp("nobody", "", "x")


async def test_an_operator_is_out_of_office_and_back(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    assert ann.away_until is None and ann.replacement_id is None
    away = await store.operators.set_away(ann.id, later(days=7), bob.id)
    assert (away.away_until, away.replacement_id) == (later(days=7), bob.id)
    assert away.away(later(days=1)) and not away.away(later(days=7))
    found = await store.operators.get_operator(ann.id)
    assert found is not None and found.away_until == later(days=7)
    listed = {o.id: o for o in await store.operators.list_operators()}
    assert listed[ann.id].replacement_id == bob.id and listed[bob.id].away_until is None
    credentials = await store.operators.operator_credentials(ann.email)
    assert credentials is not None and credentials[1] == "hash:Ann"  # still the password
    back = await store.operators.set_away(ann.id, None, None)
    assert back.away_until is None and back.replacement_id is None
    with pytest.raises(NotFound):
        await store.operators.set_away("nobody", None, None)


async def test_last_seen_is_written_at_most_once_a_period(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    assert ann.last_seen_at is None
    assert await store.operators.mark_seen(ann.id, T0, since=later(minutes=-15))
    found = await store.operators.get_operator(ann.id)
    assert found is not None and found.last_seen_at == T0
    # Seen after `since` already: not written again (two pages at once, two processes).
    assert not await store.operators.mark_seen(ann.id, later(minutes=5), since=later(minutes=-10))
    assert await store.operators.mark_seen(ann.id, later(minutes=20), since=later(minutes=5))
    listed = {o.id: o for o in await store.operators.list_operators()}
    assert listed[ann.id].last_seen_at == later(minutes=20) and listed[bob.id].last_seen_at is None
    credentials = await store.operators.operator_credentials(ann.email)
    assert credentials is not None and credentials[0].last_seen_at == later(minutes=20)
    assert not await store.operators.mark_seen("nobody", T0, since=T0)


async def test_an_invitation_is_pending_until_a_password_is_set(
    store: Store, make: Factory
) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    assert ann.invited_at is None
    assert await store.operators.mark_invited(ann.id, T0)
    assert not await store.operators.mark_invited("nobody", T0)
    found = await store.operators.get_operator(ann.id)
    assert found is not None and found.invited_at == T0
    # Sent again: the latest; disabling or ending sessions keeps it; a password ends it.
    assert await store.operators.mark_invited(ann.id, later(days=2))
    kept = await store.operators.update_operator(ann.email, end_sessions=True)
    assert kept.invited_at == later(days=2)
    kept = await store.operators.update_operator(ann.email, disabled=False)
    assert kept.invited_at == later(days=2)
    done = await store.operators.update_operator(ann.email, password_hash="hash:new")
    assert done.invited_at is None
    listed = {o.id: o for o in await store.operators.list_operators()}
    assert listed[ann.id].invited_at is None and listed[bob.id].invited_at is None
