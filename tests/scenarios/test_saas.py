"""The saas preset, end to end: every promise of its row in issue 13 is an assertion.

A real-estate SaaS desk in French and Dutch: people answer e-mail Monday to Friday,
9:00-18:00, on Belgian business days; the bot answers at any hour from its knowledge, with
learning articles; four priorities with their definitions and targets 1h / 4h / 24h / 24h,
the clock running from receipt to the registration notice; urgent round the clock. It
starts on Christmas Eve at 17:30 in Brussels.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from chatdesk.events import SlaBreached, TicketCreated
from chatdesk.helpdesk import TicketFilter

from .desks_b import StartPreset, body, browser_page, message, start_preset

__all__ = ["start_preset"]

BRUSSELS = ZoneInfo("Europe/Brussels")
#: Thursday 24 December 2026, 17:30 in Brussels (Christmas, the 25th, is a holiday).
CHRISTMAS_EVE = datetime(2026, 12, 24, 17, 30, tzinfo=BRUSSELS)
DEFINITIONS = {
    "urgent": ("Le service est à l'arrêt, sans solution de contournement",
               "De dienst ligt plat, zonder omweg"),
    "high": ("Une partie importante du service est touchée",
             "Een belangrijk deel van de dienst is getroffen"),
    "normal": ("Une fonction ne se comporte pas comme prévu",
               "Een functie werkt niet zoals verwacht"),
    "low": ("Une question ou une demande", "Een vraag of een verzoek"),
}  # fmt: skip


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS).astimezone(UTC)  # type: ignore[misc]


async def test_the_saas_desk_keeps_its_promises(start_preset: StartPreset) -> None:
    desk = await start_preset("saas", now=CHRISTMAS_EVE.astimezone(UTC), bot=True)
    ada = await desk.operator("Ada", role="admin")

    # Four priorities with their definitions in French and Dutch, and their targets.
    response, _ = await desk.page("/api/v1/desk")
    priorities = {p["id"]: p for p in (await response.json())["priorities"]}
    assert list(priorities) == ["urgent", "high", "normal", "low"]
    for name, (fr, nl) in DEFINITIONS.items():
        assert (priorities[name]["definition"]["fr"], priorities[name]["definition"]["nl"]) == (
            fr, nl,
        )  # fmt: skip
    targets = {p: (v["first_response"]["business_seconds"], v["first_response"]["business_days"])
               for p, v in priorities.items()}  # fmt: skip
    assert targets == {"urgent": (3600, None), "high": (4 * 3600, None),
                       "normal": (None, 1), "low": (None, 1)}  # fmt: skip
    assert priorities["urgent"]["calendar"] == "24/7"
    assert priorities["normal"]["calendar"] == "business"
    _, form = await desk.page("/support/new?lang=nl")
    assert all(nl in form for _, nl in DEFINITIONS.values())

    # The e-mail desk: a request on Christmas Eve at 17:30 gets its registration notice at
    # once, and its answer by the same time on the next business day: Monday (Christmas is
    # a holiday, then the weekend).
    await desk.mail_in(
        message("Jan Peeters <jan@makelaar.example>", "support@immodesk.example",
                "Foto's worden niet getoond", "Sinds vanmiddag tonen mijn zoekertjes geen foto's.",
                lang="nl")
    )  # fmt: skip
    [ticket] = (await desk.services.helpdesk.views.list(ada, TicketFilter())).tickets
    assert (ticket.channel.value, ticket.priority, ticket.lang) == ("email", "normal", "nl")
    # The clock runs from receipt to the registration notice: it stops when that mail
    # goes out, not before (a notice that never leaves tells the requester nothing).
    assert ticket.first_response_at is None
    assert ticket.due_at == local(2026, 12, 28, 17, 30)
    desk.clock.now += timedelta(seconds=20)
    delivered = await desk.deliver()
    answered = await desk.services._store.helpdesk.get_ticket(ticket.id)
    assert answered is not None and answered.first_response_at == desk.clock.now
    # The notice to Jan; Ada, the desk's operator, hears of a ticket nobody has yet.
    assert desk.delivered_to == {"jan@makelaar.example", "ada@desk.example"}
    [notice] = [m for m in delivered if m["To"].addresses[0].addr_spec == "jan@makelaar.example"]
    assert ticket.label in str(notice["Subject"])
    assert "uiterlijk op maandag 28 december, 17:30" in body(notice)

    # Christmas night, 3:00: the bot answers (24/7), with its learning content.
    desk.clock.now = local(2026, 12, 25, 3, 0)
    visitor = await desk.visitor("nl")
    assert visitor.session["bot"]["name"] == "Immo"
    await visitor.say("hoe zet ik mijn woning online op de portaalsites")
    reply = await visitor.bot_reply()
    assert "Publiceren" in reply["text"], reply
    article = reply.get("article_url")
    assert article, reply

    # Urgent is handled round the clock: an hour from now, on a holiday night. High counts
    # on business hours: 4 hours from Monday 9:00.
    response, _ = await desk.file(
        lang="fr", email="lea@agence.example", name="Léa", priority="urgent", type="incident",
        subject="Plus aucune annonce en ligne", description="Le site affiche une erreur 502.",
    )  # fmt: skip
    assert response.status == 303
    response, _ = await desk.file(
        lang="fr", email="lea@agence.example", name="Léa", priority="high", type="incident",
        subject="Les exports vers les portails échouent", description="Depuis hier soir.",
    )  # fmt: skip
    assert response.status == 303
    urgent, high = (e.ticket for e in desk.published(TicketCreated)[-2:])
    assert urgent.due_at == local(2026, 12, 25, 4, 0)
    assert high.due_at == local(2026, 12, 28, 13, 0)
    assert urgent.first_response_at == high.first_response_at == desk.clock.now
    mails = await desk.deliver()
    assert desk.delivered_to == {"lea@agence.example", "ada@desk.example"} and len(mails) == 4

    # No first-response target is ever missed: the notices met them all.
    desk.clock.now = local(2026, 12, 28, 18, 0)
    await desk.run_jobs()
    assert [e for e in desk.published(SlaBreached) if e.target == "first_response"] == []
    # (Resolution targets still run: urgent's 4 hours, round the clock, were missed.)
    assert urgent.id in {e.ticket.id for e in desk.published(SlaBreached)}

    # The learning article, in the help centre, in Dutch.
    async with browser_page(locale="nl-BE") as page:
        await page.goto(article if article.startswith("http") else desk.url + article)
        await expect(page.get_by_role("heading", name="Een zoekertje publiceren")).to_be_visible()
        await expect(page.get_by_text("minstens vijf foto's")).to_be_visible()
