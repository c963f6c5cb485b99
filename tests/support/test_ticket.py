"""A ticket behind its follow link over real HTTP: thread, statuses, files, reply, close,
and the scanner-proof rating page."""

from __future__ import annotations

import re

from aiohttp import FormData

from chatdesk.events import TicketCreated, TicketRated, TicketReplied
from chatdesk.helpdesk import Edit
from chatdesk.models import Operator

from .conftest import PNG, SITE_FIELD, Portal, StartPortal


async def _filed(portal: Portal, **values: str) -> tuple[str, TicketCreated]:
    response, _ = await portal.file(files=[("screen.png", PNG)], **values)
    assert response.status == 303
    created = [
        e
        for e in portal.published(TicketCreated)
        if e.ticket.subject == values.get("subject", "The backup failed")
    ][-1]
    return f"/support/t/{created.follow_token}", created


async def _operator(portal: Portal) -> Operator:
    return await portal.services.operators.add(
        "olga@desk.test", name="Olga", role="operator", departments=("general",),
        languages=("en",), password="correct horse battery",
    )  # fmt: skip


async def _post(portal: Portal, path: str, **values: str) -> tuple[int, str, str]:
    form = FormData()
    for key, value in values.items():
        form.add_field(key, value)
    async with portal.http.post(path, data=form, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def test_the_requester_follows_replies_and_sees_statuses(portal: Portal) -> None:
    link, created = await _filed(portal)
    olga = await _operator(portal)
    tickets = portal.services.helpdesk.tickets
    await tickets.reply(created.ticket.id, olga, "Which site is it?")
    await tickets.reply(created.ticket.id, olga, "Internal: check the logs", internal=True)
    await tickets.change(olga, created.ticket.id, Edit(status="pending"))
    _, page = await portal.page(f"{link}?lang=fr")
    assert "Nous attendons votre réponse" in page and "Which site is it?" in page
    assert "Internal: check the logs" not in page and "Olga" in page
    assert "Sans nouvelles de votre part, nous la clôturons" in page
    csrf = await portal.csrf(link)
    status, location, _ = await _post(
        portal, f"{link}/reply", csrf=csrf, text="Site 1234", client_id="c1", lang="fr"
    )
    assert (status, location) == (303, f"{link}?sent=1")
    # Sent twice (a double click): stored once.
    await _post(portal, f"{link}/reply", csrf=csrf, text="Site 1234", client_id="c1")
    _, page = await portal.page(location)
    assert page.count("Site 1234") == 1 and "Bien reçue" in page
    assert len(portal.published(TicketReplied)) == 1


async def test_the_ticket_s_fields_read_by_their_labels(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    link, _ = await _filed(portal, **{"field.site_id": "1234"})
    _, page = await portal.page(f"{link}?lang=nl")
    assert "<dt>Site-ID</dt><dd>1234</dd>" in page and "site_id" not in page


async def test_the_page_says_what_the_form_was_filed_as(portal: Portal) -> None:
    link, _ = await _filed(portal, type="incident", department="technical", priority="high")
    _, page = await portal.page(f"{link}?lang=fr")
    facts = re.search(r'<dl class="facts">(.*?)</dl>', page)
    assert facts, page
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", facts.group(1))
    assert pairs == [
        ("Type de demande", "Quelque chose ne fonctionne pas"),
        ("Service", "Technique"),
        ("Priorité", "Haute"),
    ]


async def test_files_download_only_with_their_ticket_s_link(portal: Portal) -> None:
    link, _ = await _filed(portal)
    other, _ = await _filed(portal, subject="Another subject", email="bob@example.com")
    _, page = await portal.page(link)
    [href] = re.findall(r'href="(/support/t/[^"]+/files/[0-9a-f]+)"', page)
    async with portal.http.get(href) as response:
        assert response.status == 200 and await response.read() == PNG
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="screen.png"')
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Type"] == "image/png"
    file_id = href.rpartition("/")[2]
    refused, _ = await portal.page(f"{other}/files/{file_id}")
    assert refused.status == 404
    forged, _ = await portal.page(f"{link}x/files/{file_id}")
    assert forged.status == 404


async def test_a_reply_to_a_closed_ticket_opens_a_follow_up(portal: Portal) -> None:
    link, created = await _filed(portal)
    csrf = await portal.csrf(link)
    status, location, _ = await _post(portal, f"{link}/close", csrf=csrf)
    assert (status, location) == (303, f"{link}?closed=1")
    _, page = await portal.page(location)
    assert "Your request is closed" in page and "Closed" in page
    assert "your message will open a new request" in page
    status, location, _ = await _post(portal, f"{link}/reply", csrf=csrf, text="It is back")
    assert status == 303 and "?followup=%23" in location
    _, page = await portal.page(location)
    new_number = [e for e in portal.published(TicketCreated)][-1].ticket.label
    assert f"Your message opened a new request, {new_number}, which refers to" in page
    assert created.ticket.label in page


async def test_actions_need_the_form_s_csrf_token(portal: Portal) -> None:
    link, _ = await _filed(portal)
    status, _, page = await _post(portal, f"{link}/reply", csrf="forged", text="Hello <b>")
    assert status == 403 and "This form has expired" in page
    # What was typed comes back with the error, escaped; no files were sent: none to
    # choose again.
    assert ">Hello &lt;b&gt;</textarea>" in page and "Choose your files again" not in page
    status, _, _ = await _post(portal, f"{link}/close", csrf="forged")
    assert status == 403
    status, _, _ = await _post(portal, f"{link}/rate", csrf="forged", score="5")
    assert status == 403
    assert portal.published(TicketReplied) == []


async def test_the_rating_link_records_nothing_until_the_button(portal: Portal) -> None:
    link, created = await _filed(portal)
    olga = await _operator(portal)
    await portal.services.helpdesk.tickets.change(olga, created.ticket.id, Edit(status="resolved"))
    response, page = await portal.page(f"{link}/rate?score=4")
    assert response.status == 200
    assert re.search(r'value="4" required checked', page)
    assert "Nothing is recorded until you press the button." in page
    assert portal.published(TicketRated) == []
    csrf = await portal.csrf(f"{link}/rate")
    status, location, _ = await _post(
        portal, f"{link}/rate", csrf=csrf, score="4", comment="Quick, thanks"
    )
    assert (status, location) == (303, f"{link}?rated=1")
    _, page = await portal.page(link)
    # The rating reads back with its comment, and the button offers to change it.
    assert "Your rating: 4/5." in page and "Quick, thanks" in page and "Change my rating" in page
    # Changed within the week: still one rating, the latest.
    await _post(portal, f"{link}/rate", csrf=csrf, score="5")
    _, page = await portal.page(f"{link}?rated=1")
    assert "Thank you for your rating!" in page and "Your rating: 5/5." in page
    assert [e.ticket.rating for e in portal.published(TicketRated)] == [4, 5]
    portal.clock.advance(days=8)
    _, page = await portal.page(f"{link}/rate?score=1")
    assert "Ratings close 7 days after resolution." in page
    status, _, page = await _post(portal, f"{link}/rate", csrf=csrf, score="1")
    assert status == 409 and "Ratings close 7 days after resolution." in page


async def test_an_unresolved_ticket_cannot_be_rated_yet(portal: Portal) -> None:
    link, _ = await _filed(portal)
    _, page = await portal.page(f"{link}/rate?score=2")
    assert "You can rate once the request is resolved." in page
    csrf = await portal.csrf(link)
    status, _, page = await _post(portal, f"{link}/rate", csrf=csrf, score="2")
    assert status == 409 and "You can rate once the request is resolved." in page


async def test_a_wrong_link_says_what_to_do(portal: Portal) -> None:
    response, page = await portal.page("/support/t/not-a-token?lang=nl")
    assert response.status == 404 and "Deze link werkt niet." in page
    response, _ = await portal.page("/support/t/not-a-token/rate?score=9")
    assert response.status == 404
