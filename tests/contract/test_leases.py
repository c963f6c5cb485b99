"""Contract of LeaseStore: one holder of a named lease at a time, taken over on expiry."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from chatdesk.store import Store

from .conftest import T0, later

TTL = timedelta(seconds=30)


async def test_a_free_lease_is_acquired_and_renewed_by_its_holder(store: Store) -> None:
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=T0)
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=later(seconds=10))
    # Leases of other names are independent.
    assert await store.leases.acquire_lease("job:mail", "b", ttl=TTL, now=later(seconds=10))


async def test_another_holder_is_refused_until_expiry(store: Store) -> None:
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=T0)
    assert not await store.leases.acquire_lease("job:tick", "b", ttl=TTL, now=T0)
    assert not await store.leases.acquire_lease("job:tick", "b", ttl=TTL, now=later(seconds=29))
    # "a" died (no renewal): once expired, "b" takes it over, and "a" is now refused.
    assert await store.leases.acquire_lease("job:tick", "b", ttl=TTL, now=later(seconds=31))
    assert not await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=later(seconds=32))


async def test_renewal_extends_the_lease(store: Store) -> None:
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=T0)
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=later(seconds=20))
    # Past the first expiry, within the renewed one.
    assert not await store.leases.acquire_lease("job:tick", "b", ttl=TTL, now=later(seconds=40))
    assert await store.leases.acquire_lease("job:tick", "b", ttl=TTL, now=later(seconds=51))


async def test_release_lets_another_take_it_at_once(store: Store) -> None:
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=T0)
    await store.leases.release_lease("job:tick", "a")
    assert await store.leases.acquire_lease("job:tick", "b", ttl=TTL, now=later(seconds=1))
    assert not await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=later(seconds=2))


async def test_only_the_holder_releases(store: Store) -> None:
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=T0)
    await store.leases.release_lease("job:tick", "b")
    await store.leases.release_lease("job:other", "a")  # never taken: no error
    assert not await store.leases.acquire_lease("job:tick", "b", ttl=TTL, now=later(seconds=1))
    assert await store.leases.acquire_lease("job:tick", "a", ttl=TTL, now=later(seconds=1))


async def test_racing_holders_get_one_lease(store: Store) -> None:
    holders = [f"process-{i}" for i in range(8)]
    results = await asyncio.gather(
        *(store.leases.acquire_lease("job:tick", h, ttl=TTL, now=T0) for h in holders)
    )
    assert results.count(True) == 1
    winner = holders[results.index(True)]
    assert await store.leases.acquire_lease("job:tick", winner, ttl=TTL, now=later(seconds=5))


async def test_racing_takeovers_of_an_expired_lease_get_one_winner(store: Store) -> None:
    assert await store.leases.acquire_lease("job:tick", "dead", ttl=TTL, now=T0)
    results = await asyncio.gather(
        *(
            store.leases.acquire_lease("job:tick", f"p{i}", ttl=TTL, now=later(seconds=60))
            for i in range(6)
        )
    )
    assert results.count(True) == 1


async def test_a_key_is_claimed_once_until_it_expires(store: Store) -> None:
    until = later(minutes=15)
    assert await store.leases.claim_once("signin:abc", expires_at=until, now=T0)
    assert not await store.leases.claim_once("signin:abc", expires_at=until, now=later(minutes=1))
    # Other keys are independent, and a job's lease of the same name is not a claimed key.
    assert await store.leases.claim_once("signin:abd", expires_at=until, now=T0)
    assert await store.leases.acquire_lease("signin:abc", "a", ttl=TTL, now=T0)
    # Forgotten once expired (callers refuse expired tokens themselves).
    assert await store.leases.claim_once("signin:abc", expires_at=later(hours=1), now=until)


async def test_of_many_simultaneous_claims_one_wins(store: Store) -> None:
    until = later(minutes=5)
    results = await asyncio.gather(
        *(store.leases.claim_once("altcha:sig", expires_at=until, now=T0) for _ in range(8))
    )
    assert results.count(True) == 1


async def test_of_many_simultaneous_claims_of_an_expired_key_one_wins(store: Store) -> None:
    assert await store.leases.claim_once("altcha:sig", expires_at=later(minutes=5), now=T0)
    results = await asyncio.gather(
        *(
            store.leases.claim_once(
                "altcha:sig", expires_at=later(minutes=15), now=later(minutes=6)
            )
            for _ in range(8)
        )
    )
    assert results.count(True) == 1
