"""The helpcentre preset, end to end: every promise of its row in issue 13 is an assertion.

A SaaS product's customer-care help centre in French: questions, incidents and ideas filed
through the form with its proof-of-work challenge and screen recordings, a confirmation
e-mail with the follow link, replies by e-mail and on the portal, visible statuses, and the
satisfaction survey once resolved (given in Chromium from the mails' links).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.async_api import expect

from chatdesk.events import TicketCreated
from chatdesk.helpdesk import Edit

from .desks_b import StartPreset, body, browser_page, link, message, start_preset

__all__ = ["start_preset"]

#: Tuesday 1 December 2026, 10:00 in Paris.
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 2048
)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 2048
CLAIRE = {"email": "claire@client.example", "name": "Claire Dubois"}


async def test_the_help_centre_keeps_its_promises(start_preset: StartPreset) -> None:
    desk = await start_preset("helpcentre", now=TUESDAY)
    services = desk.services
    paul = await desk.operator("Paul")

    # A ticket is a question, an incident or an improvement idea: nothing else.
    _, form = await desk.page("/support/new?lang=fr")
    select = form[form.index('name="type"') : form.index("</select>", form.index('name="type"'))]
    assert re.findall(r'<option value="(\w+)"', select) == ["question", "incident", "idea"]
    assert "altcha" in form  # the proof-of-work widget's script and field
    response, page = await desk.file(**CLAIRE, type="complaint", subject="Plainte")
    assert response.status == 400 and "Choisissez une des options proposées." in page

    # The proof-of-work challenge is required, and once only.
    response, page = await desk.file(**CLAIRE, subject="Sans défi", altcha="")
    assert response.status == 400 and desk.published(TicketCreated) == []

    # Screen recordings are attachments, checked on their content, not their name.
    response, page = await desk.file(
        **CLAIRE, subject="Vidéo piégée", files=[("demo.webm", b"\x7fELF" + b"\x00" * 64,
                                                 "video/webm")],
    )  # fmt: skip
    assert response.status == 400 and "demo.webm" in page and "programme" in page
    response, _ = await desk.file(
        **CLAIRE, type="incident", subject="L'export PDF reste bloqué à 90 %",
        description="Voir les enregistrements d'écran.",
        files=[("export.webm", WEBM, "video/webm"), ("export.mp4", MP4, "video/mp4"),
               ("iphone.mov", MOV, "application/octet-stream")],
    )  # fmt: skip
    assert response.status == 303
    response, _ = await desk.file(**CLAIRE, type="idea", subject="Un mode sombre")
    assert response.status == 303
    incident, idea = (e.ticket for e in desk.published(TicketCreated))
    assert (incident.type.value, idea.type.value) == ("incident", "idea")
    view = await services.helpdesk.views.requester_view(incident)
    assert [(a["filename"], a["content_type"], a["preview"]) for a in view["attachments"]] == [
        ("export.webm", "video/webm", "video"), ("export.mp4", "video/mp4", "video"),
        ("iphone.mov", "video/quicktime", None),
    ]  # fmt: skip

    # The confirmation e-mail, in French, with the link to follow the ticket.
    received = await desk.deliver()
    to_claire = [m for m in received if m["To"].addresses[0].addr_spec == CLAIRE["email"]]
    [confirmation] = [m for m in to_claire if incident.label in str(m["Subject"])]
    assert "Nous avons bien reçu votre demande" in body(confirmation)
    follow = link(confirmation, r"/support/t/[^/\s]*\?lang=")  # not a file's link
    assert follow.startswith(desk.url) and follow.endswith("?lang=fr")  # the mail's language
    path = follow.removeprefix(desk.url).removesuffix("?lang=fr")

    # Visible statuses, as the requester reads them.
    assert await status_of(desk, path) == "Bien reçue"
    await services.helpdesk.tickets.reply(incident.id, paul, "Quel navigateur utilisez-vous ?")
    await services.helpdesk.tickets.change(paul, incident.id, Edit(status="pending"))
    assert await status_of(desk, path) == "Nous attendons votre réponse"
    [question] = await desk.deliver()
    assert "Quel navigateur utilisez-vous ?" in body(question)

    # A reply by e-mail lands on the ticket and opens it again.
    answer = message(
        "Claire Dubois <claire@client.example>", "support@desk.example",
        f"Re: {question['Subject']}", "Firefox 133, sous Windows 11.",
        In_Reply_To=str(question["Message-ID"]),
    )  # fmt: skip
    assert (await desk.mail_in(answer)).startswith("2")
    assert await status_of(desk, path) == "Bien reçue"
    # A reply on the portal too.
    _, page = await desk.page(path)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    async with desk.http.post(
        f"{path}/reply",
        data={"csrf": csrf[1], "lang": "fr", "client_id": "r1", "text": "Et aussi sous Edge."},
    ) as response:
        assert response.status in (200, 303), await response.text()
    await services.helpdesk.tickets.change(paul, incident.id, Edit(status="on_hold"))
    assert await status_of(desk, path) == "En attente d'un tiers"
    view = await services.helpdesk.views.requester_view(incident)
    texts = [m["text"] for m in view["messages"]]
    assert "Firefox 133, sous Windows 11." in texts and "Et aussi sous Edge." in texts

    # Resolved: the mail carries the satisfaction survey; the requester answers it in a browser.
    await services.helpdesk.tickets.reply(incident.id, paul, "Corrigé dans la version 4.2.")
    await services.helpdesk.tickets.change(paul, incident.id, Edit(status="resolved"))
    assert await status_of(desk, path) == "Résolue"
    resolved = [m for m in await desk.deliver() if "est résolue" in body(m)]
    assert len(resolved) == 1
    rate = link(resolved[0], r"/rate\?score=5")
    async with browser_page(locale="fr-FR") as page:
        await page.goto(follow)
        await expect(page.locator(".status")).to_have_text("Résolue")
        await expect(page.get_by_text("Corrigé dans la version 4.2.")).to_be_visible()
        await page.goto(rate)
        await page.get_by_label("Commentaire").fill("Rapide et clair.")
        await page.get_by_role("button", name="Envoyer ma note").click()
        await expect(page.get_by_text("Merci pour votre note !")).to_be_visible()
    rated, _ = await services.helpdesk.views.follow(path.rsplit("/", 1)[1])
    csat = (await services.helpdesk.views.requester_view(rated))["csat"]
    assert (csat["score"], csat["comment"]) == (5, "Rapide et clair.")


async def status_of(desk: object, path: str) -> str:
    """The status the follow page shows."""
    from .desks_b import PresetDesk

    assert isinstance(desk, PresetDesk)
    _, page = await desk.page(path)
    found = re.search(r'class="status[^"]*"[^>]*>([^<]+)<', page)
    assert found, page
    return found[1].strip().replace("&#39;", "'")
