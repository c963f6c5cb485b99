""" "Was this helpful?": a plain form with a double-submit CSRF token, one vote per reader,
recorded in the same feedback store as the bot's ratings."""

from __future__ import annotations

import re

import pytest
from yarl import URL

from chatdesk.models import Votes
from chatdesk.web.helpcentre import CSRF_COOKIE

from .conftest import HelpDesk

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def form_token(desk: HelpDesk, path: str) -> str:
    """Open the page (as a reader) and return the vote form's token."""
    page = await (await desk.get(path)).text()
    found = re.search(r'<input type="hidden" name="csrf" value="([^"]+)">', page)
    assert found is not None
    return found[1]


async def votes(desk: HelpDesk, entry_id: str) -> Votes:
    return (await desk.store.feedback.votes()).get(entry_id, Votes())


async def test_a_reader_votes_and_is_thanked(desk: HelpDesk) -> None:
    token = await form_token(desk, "/help/fr/invoices")
    assert desk.http.cookie_jar.filter_cookies(URL(desk.url + "/help"))[CSRF_COOKIE].value == token
    response = await desk.post("/help/fr/invoices/vote", data={"csrf": token, "useful": "yes"})
    assert response.status == 303
    assert response.headers["Location"] == "/help/fr/invoices?voted=yes#vote"
    assert await votes(desk, "invoices") == Votes(page_useful=1)
    page = await (await desk.get("/help/fr/invoices?voted=yes")).text()
    assert '<p class="thanks" role="status">Merci pour votre avis.</p>' in page
    assert 'name="useful"' not in page


async def test_a_readers_new_vote_replaces_the_old_one(desk: HelpDesk) -> None:
    token = await form_token(desk, "/help/en/vat-number")
    for useful in ("yes", "no"):
        await desk.post("/help/en/vat-number/vote", data={"csrf": token, "useful": useful})
    assert await votes(desk, "vat-number") == Votes(page_not_useful=1)
    desk.http.cookie_jar.clear()  # another reader
    token = await form_token(desk, "/help/nl/vat-number")
    await desk.post("/help/nl/vat-number/vote", data={"csrf": token, "useful": "yes"})
    assert await votes(desk, "vat-number") == Votes(page_useful=1, page_not_useful=1)


async def test_the_form_token_is_kept_across_pages(desk: HelpDesk) -> None:
    first = await form_token(desk, "/help/en/invoices")
    response = await desk.get("/help/en/payment-methods")
    assert CSRF_COOKIE not in response.cookies  # not set again
    assert await form_token(desk, "/help/en/payment-methods") == first


@pytest.mark.parametrize("forged", ["", "x" * 43, "wrong"])
async def test_a_vote_without_the_readers_token_is_refused(desk: HelpDesk, forged: str) -> None:
    await form_token(desk, "/help/nl/php-version")
    response = await desk.post("/help/nl/php-version/vote", data={"csrf": forged, "useful": "yes"})
    assert response.status == 403
    assert "Dit formulier is verlopen" in await response.text()
    desk.http.cookie_jar.clear()  # a cross-site post: no cookie at all
    response = await desk.post("/help/nl/php-version/vote", data={"csrf": forged, "useful": "no"})
    assert response.status == 403
    assert await votes(desk, "php-version") == Votes()


async def test_malformed_votes_are_refused(desk: HelpDesk) -> None:
    token = await form_token(desk, "/help/en/invoices")
    for data in ({"csrf": token, "useful": "maybe"}, {"csrf": token}):
        response = await desk.post("/help/en/invoices/vote", data=data)
        assert response.status == 400


async def test_bot_only_and_unknown_entries_take_no_votes(desk: HelpDesk) -> None:
    token = await form_token(desk, "/help/en/invoices")
    for path in ("/help/en/complaint/vote", "/help/en/nothing-here/vote"):
        response = await desk.post(path, data={"csrf": token, "useful": "yes"})
        assert response.status == 404
    assert "complaint" not in await desk.store.feedback.votes()


async def test_votes_are_throttled_per_client(desk: HelpDesk) -> None:
    token = await form_token(desk, "/help/en/dns-records")
    statuses = [
        (await desk.post("/help/en/dns-records/vote", data={"csrf": token, "useful": "yes"})).status
        for _ in range(31)
    ]
    assert statuses[:30] == [303] * 30 and statuses[30] == 429
