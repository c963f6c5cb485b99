"""Contract of CannedStore: canned responses per shortcut and language."""

from __future__ import annotations

from chatdesk.models import CannedResponse
from chatdesk.store import Store

HELLO_FR = CannedResponse("hello", "fr", "Bonjour !")
HELLO_EN = CannedResponse("hello", "en", "Hello!")
BYE_FR = CannedResponse("bye", "fr", "Au revoir !")


async def test_canned_responses_are_listed_by_shortcut(store: Store) -> None:
    assert await store.canned.list_canned() == []
    for response in (HELLO_FR, BYE_FR, HELLO_EN):
        await store.canned.save_canned(response)
    everything = await store.canned.list_canned()
    assert [r.shortcut for r in everything] == ["bye", "hello", "hello"]
    assert set(everything) == {HELLO_FR, HELLO_EN, BYE_FR}
    assert await store.canned.list_canned("fr") == [BYE_FR, HELLO_FR]
    assert await store.canned.list_canned("en") == [HELLO_EN]
    assert await store.canned.list_canned("nl") == []


async def test_saving_again_replaces(store: Store) -> None:
    await store.canned.save_canned(HELLO_FR)
    await store.canned.save_canned(HELLO_EN)
    replaced = CannedResponse("hello", "fr", "Bonjour, que puis-je faire pour vous ?")
    await store.canned.save_canned(replaced)
    assert await store.canned.list_canned("fr") == [replaced]
    # A response that moves the ticket keeps its status, replaced with the rest.
    resolving = CannedResponse("hello", "fr", "C'est réglé.", status="resolved")
    await store.canned.save_canned(resolving)
    assert await store.canned.list_canned("fr") == [resolving]
    assert await store.canned.list_canned("en") == [HELLO_EN]


async def test_delete_says_whether_it_existed(store: Store) -> None:
    await store.canned.save_canned(HELLO_FR)
    await store.canned.save_canned(HELLO_EN)
    assert await store.canned.delete_canned("hello", "fr") is True
    assert await store.canned.delete_canned("hello", "fr") is False
    assert await store.canned.delete_canned("nothing", "en") is False
    assert await store.canned.list_canned() == [HELLO_EN]


async def test_a_response_keeps_its_tags(store: Store) -> None:
    tagged = CannedResponse("facture", "fr", "Voici votre facture.", tags=("billing", "facture"))
    await store.canned.save_canned(tagged)
    assert await store.canned.list_canned("fr") == [tagged]
    untagged = CannedResponse("facture", "fr", "Voici votre facture.")
    await store.canned.save_canned(untagged)
    assert await store.canned.list_canned("fr") == [untagged]
