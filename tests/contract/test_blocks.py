"""Contract of BlockStore: addresses and domains blocked, found for an address (its own
entry first, then the longest domain), hits counted, removed."""

from __future__ import annotations

from chatdesk.models import BlockedSender
from chatdesk.store import Store

from .conftest import later


async def test_blocked_senders_are_found_by_address_or_domain_and_count_hits(
    store: Store,
) -> None:
    assert await store.blocks.list_blocked() == []
    assert await store.blocks.matching("a@spam.example") is None
    domain = BlockedSender("spam.example", later(minutes=1), note="offers", created_by="op1")
    assert await store.blocks.block(domain)
    assert not await store.blocks.block(BlockedSender("spam.example", later(minutes=2)))
    assert await store.blocks.block(BlockedSender("boss@spam.example", later(minutes=3)))
    assert await store.blocks.block(BlockedSender("mx.spam.example", later(minutes=4)))
    entries = await store.blocks.list_blocked()
    assert [e.pattern for e in entries] == ["boss@spam.example", "mx.spam.example", "spam.example"]
    assert entries[2] == domain  # kept as it was at the second block
    # The address's own entry, then the longest domain; a subdomain, any case.
    found = await store.blocks.matching("Boss@Spam.Example")
    assert found is not None and found.pattern == "boss@spam.example"
    found = await store.blocks.matching("x@a.mx.spam.example", later(minutes=5))
    assert found is not None and found.pattern == "mx.spam.example" and found.hits == 0
    found = await store.blocks.matching("x@spam.example", later(minutes=6))
    assert found is not None and found.pattern == "spam.example"
    await store.blocks.matching("y@spam.example", later(minutes=7))
    # Not blocked: another domain, a domain that merely ends alike, no address at all.
    for address in ("a@example.org", "a@notspam.example", "spam.example", ""):
        assert await store.blocks.matching(address, later(minutes=8)) is None
    hits = {e.pattern: (e.hits, e.last_hit) for e in await store.blocks.list_blocked()}
    assert hits == {
        "boss@spam.example": (0, None),
        "mx.spam.example": (1, later(minutes=5)),
        "spam.example": (2, later(minutes=7)),
    }
    assert await store.blocks.unblock("spam.example")
    assert not await store.blocks.unblock("spam.example")
    assert await store.blocks.matching("x@spam.example") is None
