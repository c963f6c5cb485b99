"""Out of office over real HTTP: an operator sets it on their account page (the day they
are back, who gets their mail), the page and the ticket page's assignee menu say it,
refusals are said on the page, and *I'm back* ends it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from aiohttp import ClientSession

from chatdesk.helpdesk import NewTicket
from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import csrf_of, desk, http

__all__ = ["desk", "http"]  # fixtures, used by name


async def _away(http: ClientSession, **data: str) -> str:
    data.setdefault("csrf", await csrf_of(http, "/console/account"))
    async with http.post("/console/account/away", data=data, allow_redirects=False) as r:
        assert r.status == 303, await r.text()
        return r.headers["Location"]


async def _text(http: ClientSession, path: str) -> str:
    async with http.get(path) as response:
        assert response.status == 200
        return await response.text()


async def test_an_operator_sets_out_of_office_and_comes_back(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    bob = await services.operators.add(
        "bob@desk.test", name="Bob", role="operator", departments=("general",),
        languages=("en",), password="correct horse battery",
    )  # fmt: skip
    text = await _text(http, "/console/account")
    assert "Out of office" in text and 'name="back_on"' in text and ">Bob</option>" in text
    back_on = (services.helpdesk.console.clock() + timedelta(days=8)).date().isoformat()
    assert await _away(http, back_on=back_on, replacement=bob.id) == (
        "/console/account?done=away#away-h"
    )
    ada = await services.operators.get(desk.ada.id)
    assert ada.replacement_id == bob.id and ada.away(services.helpdesk.console.clock())
    text = await _text(http, "/console/account?done=away")
    assert "Out of office set." in text and re.search(r"You are out of office; back on \w+", text)
    assert "Bob gets your mail." in text and "I&#39;m back" in text
    # The ticket page's assignee menu says it.
    ticket, _ = await services.helpdesk.filing.file(NewTicket("lea@example.be", "Panne"))
    page = await _text(http, f"/console/t/{ticket.id}")
    assert re.search(r'data-name="Ada"[^>]*>Ada \(away, back on \w+ \d+ \w+\)</option>', page)
    # Refusals, said on the page; nothing changes.
    for data, said in (
        ({"back_on": "2001-01-01"}, "a day to come, within a year"),
        ({"back_on": back_on, "replacement": desk.ada.id}, "Choose another colleague"),
        ({"back_on": ""}, "a day to come, within a year"),
    ):
        where = await _away(http, **data)
        assert "away_error=" in where
        assert said in await _text(http, where), data
    forged = await _text(http, "/console/account?away_error=%3Cb%3E")
    assert 'id="away-error"' not in forged
    assert (await services.operators.get(desk.ada.id)).replacement_id == bob.id
    # Back.
    assert await _away(http, back="1") == "/console/account?done=back#away-h"
    text = await _text(http, "/console/account?done=back")
    assert "Welcome back" in text and "You are out of office" not in text
    assert (await services.operators.get(desk.ada.id)).away_until is None


async def test_an_admin_sets_a_colleague_out_of_office(desk: Any, http: ClientSession) -> None:
    services = desk.app[SERVICES]
    add = services.operators.add
    bob = await add("bob@desk.test", name="Bob", role="operator", departments=("general",),
                    languages=("en",), password="correct horse battery")  # fmt: skip
    cleo = await add("cleo@desk.test", name="Cleo", role="operator", departments=("general",),
                     languages=("en",), password="correct horse battery")  # fmt: skip
    back_on = (services.helpdesk.console.clock() + timedelta(days=3)).date().isoformat()
    csrf = await csrf_of(http, "/console/operators")
    data = {"csrf": csrf, "action": "away", "email": bob.email, "back_on": back_on,
            "replacement": cleo.id}  # fmt: skip
    async with http.post("/console/operators", data=data, allow_redirects=False) as r:
        assert r.status == 303 and r.headers["Location"] == "/console/operators?done=away"
    text = await _text(http, "/console/operators?done=away")
    assert "Out of office set" in text and f'id="away-{bob.id}"' in text
    assert (await services.operators.get(bob.id)).replacement_id == cleo.id
    # Refused: his own replacement; the page says why and nothing changes.
    async with http.post("/console/operators", data=data | {"replacement": bob.id}) as r:
        assert r.status == 400 and "Choose another colleague" in await r.text()
    async with http.post("/console/operators", data=data | {"back_on": "1999-01-01"}) as r:
        assert r.status == 400 and "a day to come, within a year" in await r.text()
    assert (await services.operators.get(bob.id)).replacement_id == cleo.id
    # Ended by the admin.
    back = {"csrf": csrf, "action": "back", "email": bob.email}
    async with http.post("/console/operators", data=back, allow_redirects=False) as r:
        assert r.headers["Location"] == "/console/operators?done=back"
    assert (await services.operators.get(bob.id)).away_until is None
    # On the audit log, as the admin decided it (the day in the desk's zone).
    admin = next(o for o in await services.operators.list() if o.is_admin)
    audit = [(e.action.value, e.target, e.detail) for e in await services.audit.page(admin)]
    assert audit[:2] == [
        ("operator_back", "bob@desk.test", ""),
        ("operator_away", "bob@desk.test", f"back on {back_on}, replaced by cleo@desk.test"),
    ]
