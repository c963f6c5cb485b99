"""Splitting a ticket over real HTTP: a requester's second question, with its file,
becomes a ticket of its own; each history names the other; only requesters' public
messages may be split, by operators who see the ticket."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import ClientSession

from chatdesk.helpdesk import NewTicket, Upload
from chatdesk.models import Status
from chatdesk.web.appkeys import SERVICES

from .test_console_tickets_http import PNG, csrf_of, desk, http

__all__ = ["desk", "http"]  # fixtures, used by name


async def _split(http: ClientSession, ref: str, data: dict[str, str]) -> tuple[int, str]:
    """Post a split; return the status and where it leads (or the refusal's text)."""
    data.setdefault("csrf", await csrf_of(http, f"/console/t/{ref}"))
    async with http.post(f"/console/t/{ref}/split", data=data, allow_redirects=False) as r:
        return r.status, r.headers.get("Location", "") or await r.text()


async def test_a_second_question_becomes_a_ticket_of_its_own(
    desk: Any, http: ClientSession
) -> None:
    services = desk.app[SERVICES]
    hd = services.helpdesk
    first, _ = await hd.filing.file(
        NewTicket("lea@example.be", "Site lent", "Mon site est lent.", name="Léa", lang="fr",
                  priority="high", department="general"),
    )  # fmt: skip
    lea = await hd.people.find("lea@example.be")
    asked, _, _ = await hd.tickets.reply(
        first.id, lea, "Et aussi : ma facture de novembre est fausse.",
        attachments=[Upload("facture.png", PNG)],
    )  # fmt: skip
    await hd.tickets.reply(first.id, desk.ada, "Nous regardons.")
    await hd.tickets.reply(first.id, desk.ada, "Note : client important.", internal=True)
    page = f"/console/t/{first.id}"
    async with http.get(page) as response:
        text = await response.text()
    options = re.findall(r'<option value="([0-9a-f]{32})">([^<]*)</option>', text)
    # The requester's messages, newest first; not the operator's reply nor note.
    assert [o[1] for o in options] == [
        "Léa: Et aussi : ma facture de novembre est fausse.", "Léa: Mon site est lent."
    ]  # fmt: skip
    status, location = await _split(http, first.id, {"message": asked.id,
                                                     "subject": "Facture de novembre"})  # fmt: skip
    assert status == 303 and location.startswith("/console/t/")
    new = await services._store.helpdesk.get_ticket(location.rsplit("/", 1)[1])
    assert new is not None and new.subject == "Facture de novembre" and new.number == 2
    assert (new.requester_email, new.priority, new.lang) == ("lea@example.be", "high", "fr")
    assert new.status is Status.NEW and new.description == asked.text
    (copied,) = await services._store.helpdesk.list_attachments(new.id)
    assert copied.filename == "facture.png"
    # Both histories name the other; the original keeps its message.
    async with http.get(location) as response:
        assert "split this off from #000001" in await response.text()
    async with http.get(page) as response:
        text = await response.text()
    assert "split a message off into #000002" in text and "Et aussi : ma facture" in text
    # Refused: an operator's message, an unknown one, an empty subject, no CSRF token.
    ours = [m for m in await services._store.helpdesk.list_ticket_messages(first.id)
            if m.author_id == desk.ada.id]  # fmt: skip
    assert len(ours) == 2
    for mine in ours:
        refused = await _split(http, first.id, {"message": mine.id, "subject": "x"})
        assert refused == (400, "no such message of the requester here")
    for data in (
        {"message": "0" * 32, "subject": "x"},
        {"message": asked.id, "subject": "  "},
        {"message": asked.id, "subject": "x", "csrf": "forged"},
    ):
        status, _ = await _split(http, first.id, data)
        assert status in (400, 403), data
    assert await services._store.helpdesk.find_ticket(3) is None


async def test_a_ticket_without_a_requester_message_offers_no_split(
    desk: Any, http: ClientSession
) -> None:
    ticket, _ = await desk.app[SERVICES].helpdesk.filing.file(
        NewTicket("lea@example.be", "Rappel", channel="phone"), operator=desk.ada
    )
    async with http.get(f"/console/t/{ticket.id}") as response:
        text = await response.text()
    assert "No message of the requester to split off." in text and "/split" not in text
