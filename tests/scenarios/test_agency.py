"""The ``agency`` desk (issue 13), end to end: every promise of its row.

A French web agency's contract clients; the desk written by ``chatdesk init --preset
agency``, served with a real SMTP sink and receiver, driven through its form, REST API and
e-mail.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from chatdesk.events import TicketCreated
from chatdesk.mail import MAIL_SECONDS

from ..mail.conftest import mail_from
from .conftest import PNG, ScenarioDesk, StartDesk, browser_page

PARIS = ZoneInfo("Europe/Paris")
PHONE = "+33 1 84 80 12 34"


async def _desk(start_desk: StartDesk) -> ScenarioDesk:
    desk = await start_desk("agency")
    await desk.customer("Boulangerie Dupont", "claire@dupont.fr", admin="paul@dupont.fr")
    await desk.operator("marc@agence.test", "Marc")
    desk.at(datetime(2026, 11, 17, 10, 30, tzinfo=PARIS))  # a Tuesday
    return desk


def _request(priority: str = "normal", **values: Any) -> dict[str, Any]:
    return {
        "email": "claire@dupont.fr",
        "name": "Claire Dupont",
        "type": "incident",
        "priority": priority,
        "subject": "La page commande affiche une erreur",
        "description": "Depuis ce matin, le bouton Payer renvoie une page blanche.",
        "fields": {"category": "bug", "website": "https://boulangerie-dupont.fr/commande"},
    } | values


async def test_a_client_files_and_the_desk_keeps_its_promises(start_desk: StartDesk) -> None:
    desk = await _desk(start_desk)

    # The form: category, priority, subject, website, description, files; one subject.
    _, form = await desk.page("/support/new?lang=fr")
    text = html.unescape(form)
    for label in ("Catégorie", "Urgente", "Objet", "Site web concerné", "Description",
                  "Anomalie", 'type="file"', "Un seul sujet par demande"):  # fmt: skip
        assert label in text, label

    # Only contract clients or invited people may file.
    response, page = await desk.file(lang="fr", **_request(email="inconnu@example.fr"))
    assert response.status == 403
    assert "réservé aux clients sous contrat" in html.unescape(page)
    stranger = mail_from("inconnu@example.fr", "Devis", "Bonjour, pouvez-vous refaire notre site ?")
    assert (await desk.receiver.send(stranger)).startswith("2")
    assert desk.published(TicketCreated) == []
    [refusal] = await desk.deliver()
    assert refusal["To"].addresses[0].addr_spec == "inconnu@example.fr"
    await desk.services.helpdesk.people.invite(None, "invitee@freelance.fr")
    response, _ = await desk.file(lang="fr", **_request(email="invitee@freelance.fr"))
    assert response.status == 303
    # The website must be an address, and the category is required.
    response, page = await desk.file(
        lang="fr", **_request(fields={"category": "bug", "website": "chez nous"})
    )
    assert response.status == 422
    response, _ = await desk.file(
        lang="fr", **_request(fields={"website": "https://boulangerie-dupont.fr"})
    )
    assert response.status == 422

    # An urgent ticket with a screenshot: the confirmation shows its number and the phone
    # line with its hours, to call quoting that number.
    response, _ = await desk.file(lang="fr", files=[("capture.png", PNG)], **_request("urgent"))
    assert response.status == 303
    urgent = desk.published(TicketCreated)[-1].ticket
    _, page = await desk.page(response.headers["Location"])
    text = html.unescape(page)
    assert f"{urgent.label}" in text and PHONE in text
    assert "9:00-12:00 et 13:30-18:00" in text and "capture.png" in text
    # A normal ticket's confirmation does not ask for a call.
    response, _ = await desk.file(lang="fr", **_request(subject="Changer le logo du pied de page"))
    normal = desk.published(TicketCreated)[-1].ticket
    _, page = await desk.page(response.headers["Location"])
    assert normal.label in page and PHONE not in page

    # The number by e-mail within minutes (the mail job's turn), the phone line for urgent.
    assert MAIL_SECONDS <= 60
    delivered = await desk.deliver()
    marc = [m for m in delivered if m["To"].addresses[0].addr_spec == "marc@agence.test"]
    # Marc, the operator, hears of each new ticket nobody has yet.
    assert {urgent.label, normal.label} <= {str(m["Subject"]).split("]")[0][1:] for m in marc}
    mails = {str(m["Subject"]).split("]")[0][1:]: m for m in delivered if m not in marc}
    urgent_mail = mails[urgent.label].get_body(("plain",)).get_content()
    assert PHONE in urgent_mail and "9:00-12:00 et 13:30-18:00" in urgent_mail
    assert urgent.label in urgent_mail
    assert PHONE not in mails[normal.label].get_body(("plain",)).get_content()

    # A reaction within 24 hours (business days): the same time the next business day.
    assert normal.due_at == datetime(2026, 11, 18, 10, 30, tzinfo=PARIS)

    # Marc answers and resolves the normal ticket; without reaction for 5 business days it
    # closes, and anything after that is a new ticket.
    status, _ = await desk.api("marc@agence.test", "POST", f"/tickets/{normal.id}/messages",
                               {"text": "C'est fait : le nouveau logo est en ligne.",
                                "time_spent_minutes": 45})  # fmt: skip
    assert status == 201
    # The 45 minutes count for the client's organisation, for the month's invoice.
    report = await desk.services.helpdesk.reports.report(date(2026, 11, 1), date(2026, 11, 30))
    assert normal.organisation_id and report.time_by("organisation_id") == [
        (normal.organisation_id, 45)
    ]
    status, body = await desk.api("marc@agence.test", "PATCH", f"/tickets/{normal.id}",
                                  {"status": "resolved"})  # fmt: skip
    assert status == 200 and body["status"] == "resolved"
    await desk.deliver()
    desk.at(datetime(2026, 11, 24, 10, 29, tzinfo=PARIS))
    await desk.run_jobs()
    _, body = await desk.api("marc@agence.test", "GET", f"/tickets/{normal.id}")
    assert body["status"] == "resolved"
    desk.clock.advance(minutes=2)
    await desk.run_jobs()
    _, body = await desk.api("marc@agence.test", "GET", f"/tickets/{normal.id}")
    assert body["status"] == "closed"
    closed = [m for m in await desk.deliver() if str(m["Subject"]).startswith(f"[{normal.label}]")]
    assert len(closed) == 1 and "clôturé" in closed[0].get_body(("plain",)).get_content()

    # Claire answers the closing e-mail a week later: a new ticket, following the old one.
    reply = mail_from(
        "claire@dupont.fr", f"Re: [{normal.label}] Changer le logo du pied de page",
        "Le logo est trop petit sur mobile.", name="Claire Dupont",
        In_Reply_To=str(closed[0]["Message-ID"]),
    )  # fmt: skip
    assert (await desk.receiver.send(reply)).startswith("2")
    follow_up = desk.published(TicketCreated)[-1].ticket
    assert follow_up.id != normal.id and follow_up.follow_up_of == normal.id
    _, body = await desk.api("marc@agence.test", "GET", f"/tickets/{normal.id}")
    assert body["status"] == "closed"


async def test_the_urgent_confirmation_tells_whom_to_call(start_desk: StartDesk) -> None:
    desk = await _desk(start_desk)
    response, _ = await desk.file(lang="fr", **_request("urgent"))
    assert response.status == 303
    urgent = desk.published(TicketCreated)[-1].ticket
    async with browser_page(locale="fr-FR") as page:
        await page.goto(desk.url + response.headers["Location"])
        line = page.locator(".phone-line")
        await expect(line).to_be_visible()
        await expect(line).to_contain_text(PHONE)
        await expect(line).to_contain_text("9:00-12:00 et 13:30-18:00")
        await expect(line).to_contain_text(urgent.label)
