"""Contract of ConsoleSessionStore: operators' console sessions, on both backends."""

from __future__ import annotations

import asyncio

from chatdesk.models import ConsoleSession, new_id
from chatdesk.store import Store

from .conftest import T0, Factory, later


def session(operator_id: str, *, version: int = 1, hours: float = 0, **kw: str) -> ConsoleSession:
    at = later(hours=hours)
    return ConsoleSession(new_id(), operator_id, version, at, at, **kw)


async def test_sessions_are_listed_per_operator_and_version_last_used_first(
    store: Store, make: Factory
) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    laptop = session(ann.id, agent="Firefox on Linux", ip="192.0.2.7")
    phone = session(ann.id, hours=1, agent="Safari on iOS", ip="2001:db8::1")
    old = session(ann.id, version=0, hours=2)  # before a new password
    theirs = session(bob.id, hours=1)
    for s in (laptop, phone, old, theirs):
        await store.console_sessions.open_session(s)
    assert await store.console_sessions.get_session(laptop.id) == laptop
    assert await store.console_sessions.get_session("nobody") is None
    listed = await store.console_sessions.list_sessions(ann.id, version=1, since=later(hours=-1))
    assert listed == [phone, laptop]
    # Used again: written once the stored moment is old enough, and listed first.
    assert await store.console_sessions.touch_session(
        laptop.id, later(hours=3), since=later(hours=2.75)
    )
    assert not await store.console_sessions.touch_session(
        laptop.id, later(hours=3.1), since=later(hours=2.85)
    )
    assert not await store.console_sessions.touch_session("nobody", later(hours=3), since=T0)
    touched = await store.console_sessions.get_session(laptop.id)
    assert touched is not None and touched.seen_at == later(hours=3)
    listed = await store.console_sessions.list_sessions(ann.id, version=1, since=later(hours=-1))
    assert [s.id for s in listed] == [laptop.id, phone.id]
    # Those begun before `since` (expired cookies) are not listed.
    assert await store.console_sessions.list_sessions(ann.id, version=1, since=T0) == [phone]


async def test_ending_one_the_others_and_the_expired(store: Store, make: Factory) -> None:
    ann, bob = await make.operator("Ann"), await make.operator("Bob")
    here, there, elsewhere = (session(ann.id, hours=h) for h in (3, 1, 2))
    theirs = session(bob.id)
    for s in (here, there, elsewhere, theirs):
        await store.console_sessions.open_session(s)
    # Only the operator's own session is ended by them.
    assert not await store.console_sessions.end_session(theirs.id, operator_id=ann.id)
    assert await store.console_sessions.end_session(there.id, operator_id=ann.id)
    assert not await store.console_sessions.end_session(there.id, operator_id=ann.id)
    assert await store.console_sessions.get_session(there.id) is None
    assert await store.console_sessions.end_other_sessions(ann.id, keep=here.id) == 1
    assert await store.console_sessions.list_sessions(ann.id, version=1, since=T0) == [here]
    assert await store.console_sessions.get_session(theirs.id) == theirs
    # The purge: begun at or before the moment.
    assert await store.console_sessions.purge_sessions(T0) == 1
    assert await store.console_sessions.get_session(theirs.id) is None
    assert await store.console_sessions.purge_sessions(later(hours=2)) == 0
    assert await store.console_sessions.get_session(here.id) == here


async def test_sessions_opened_at_once_are_all_kept(store: Store, make: Factory) -> None:
    ann = await make.operator("Ann")
    opened = [session(ann.id, hours=i / 10) for i in range(8)]
    await asyncio.gather(*(store.console_sessions.open_session(s) for s in opened))
    listed = await store.console_sessions.list_sessions(ann.id, version=1, since=later(hours=-1))
    assert {s.id for s in listed} == {s.id for s in opened}
