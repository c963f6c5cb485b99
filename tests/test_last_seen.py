"""An operator's "last seen": written when their session is checked, at most every 15
minutes; shown on the Operators page (an unused account marked) and by ``operators list``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from chatdesk.errors import Unauthorized
from chatdesk.services import Services
from chatdesk.store import Store
from chatdesk.web.appkeys import SERVICES

from .desk import Clock, make_services, operator
from .test_console_admin_http import _page
from .test_console_http import login
from .test_console_operators import PAGE, desk, http, sink

__all__ = ["desk", "http", "sink"]


async def test_a_checked_session_marks_the_operator_seen_at_most_every_15_minutes(
    store: Store, clock: Clock
) -> None:
    desk = make_services(store, clock)
    ann = await operator(desk, "Ann", online=False)
    token, _ = desk.operators.tokens.issue(ann)

    async def seen() -> object:
        found = await desk.operators.get(ann.id)
        assert found is not None
        return found.last_seen_at

    assert await seen() is None
    first = clock.now
    await desk.operators.session(token)
    assert await seen() == first
    clock.advance(minutes=14)
    await desk.operators.session(token)
    assert await seen() == first  # not written on every page
    clock.advance(minutes=1)
    await desk.operators.session(token)
    assert await seen() == clock.now
    # An ended session marks nothing.
    await desk.operators.set_disabled(ann.email, True)
    clock.advance(hours=1)
    with pytest.raises(Unauthorized):
        await desk.operators.session(token)
    assert await seen() == first + timedelta(minutes=15)


async def test_the_operators_page_shows_when_each_was_last_seen(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    bob = next(o for o in await services.operators.list() if o.email == "bob@desk.test")
    status, page = await _page(http, PAGE)
    assert status == 200 and "Last seen" in page
    ada_row, bob_row = (_row(page, e) for e in ("ada@desk.test", "bob@desk.test"))
    assert "1 minute ago" in ada_row and "not yet" in bob_row
    # Bob's account has not been used for 100 days: the page suggests disabling it.
    now = services.helpdesk.console.clock()
    long_ago = now - timedelta(days=100)
    assert await services._store.operators.mark_seen(bob.id, long_ago, since=long_ago)
    _, page = await _page(http, PAGE)
    assert "3 months ago" in _row(page, "bob@desk.test")
    assert "unused for 3 months: disable it?" in _row(page, "bob@desk.test")
    assert "unused" not in _row(page, "ada@desk.test")
    # In French (the browser's language).
    async with http.get(PAGE, headers={"Accept-Language": "fr"}) as response:
        page = await response.text()
    assert "Vu pour la dernière fois" in page and "il y a 3 mois" in _row(page, "bob@desk.test")


def _row(page: str, email: str) -> str:
    """Return the table row of the operator with ``email`` (up to their change panel)."""
    start = page.index(f'<tr data-email="{email}"')
    return page[start : page.index('class="operator-edit"', start)]
