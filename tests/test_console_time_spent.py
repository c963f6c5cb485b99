"""Time spent over HTTP: the reply form's minutes, the ticket page's total and history
line, the reports page's tables and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import ClientSession, CookieJar, FormData

from chatdesk.web.appkeys import SERVICES

from .test_console_http import login
from .test_console_tickets_http import PASSWORD, csrf_of, desk, file, http

__all__ = ["desk", "http"]  # fixtures, used by name


async def _reply(http: ClientSession, path: str, csrf: str, minutes: str) -> tuple[int, Any]:
    form = FormData(default_to_multipart=True)  # as the browser sends it
    form.add_field("csrf", csrf)
    form.add_field("text", "Cache vidé, le site répond.")
    form.add_field("time_spent_minutes", minutes)
    async with http.post(
        f"{path}/reply", data=form, headers={"Accept": "application/json"}
    ) as response:
        return response.status, await response.json()


async def test_minutes_from_the_reply_form_show_on_the_page_and_in_reports(
    desk: Any, http: ClientSession
) -> None:
    ticket = await file(desk, "Site lent", name="Léa")
    path = f"/console/t/{ticket.id}"
    async with http.get(path) as page:
        text = await page.text()
    assert 'name="time_spent_minutes"' in text and '<p id="t-time">0 min</p>' in text
    csrf = await csrf_of(http, path)
    for wrong, code in (("abc", "invalid_payload"), ("1441", "time_spent")):
        status, body = await _reply(http, path, csrf, wrong)
        assert (status, body["error"]["code"]) == (400, code), body
    status, body = await _reply(http, path, csrf, "90")
    assert status == 200 and body["ok"], body
    async with http.get(path) as page:
        text = await page.text()
    assert '<p id="t-time">1 h 30 min</p>' in text
    assert "recorded 1 h 30 min of work" in text

    async with http.get("/console/reports") as page:
        text = await page.text()
    assert "Time spent" in text and "No organisation" in text and "1 h 30 min" in text
    async with http.get("/console/reports.csv?table=time") as export:
        rows = list(csv.reader(io.StringIO((await export.read()).decode("utf-8-sig"))))
    assert rows == [
        ["Organisation", "Ticket", "Subject", "Operator", "Minutes"],
        ["No organisation", ticket.label, "Site lent", "Ada", "90"],
    ]


async def _time_csv(http: ClientSession) -> list[list[str]]:
    async with http.get("/console/reports.csv?table=time") as export:
        assert export.status == 200
        return list(csv.reader(io.StringIO((await export.read()).decode("utf-8-sig"))))


async def test_a_complaint_s_subject_stays_with_those_who_see_complaints(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    complaint = await file(desk, "Plainte contre Marc", type="complaint")
    await services.helpdesk.tickets.reply(
        complaint.id, desk.ada, "Appelée, excuses faites.", internal=True, time_spent=30
    )
    assert [row[2] for row in await _time_csv(http)][1:] == ["Plainte contre Marc"]
    await services.operators.add(
        "otto@desk.test", name="Otto", role="operator", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    async with ClientSession(
        base_url=str(desk.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as otto:
        assert (await login(otto, "otto@desk.test")).status == 303
        rows = await _time_csv(otto)
    assert rows[1][1:] == [complaint.label, "—", "Ada", "30"]
