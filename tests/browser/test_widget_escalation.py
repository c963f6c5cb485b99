"""Escalation as the visitor sees it: ticket and offline form, queue, live chat, rating.

Operators are real consoles on /operator; the last test emits `state` and `desk` events as
docs/protocol.md defines them, to pin down texts that depend on the time.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from chatdesk.web.appkeys import SERVICES

from .conftest import (
    ALWAYS_OPEN,
    REPO,
    Desk,
    NewContext,
    StartDesk,
    conversation_of,
    emit_to_visitor,
    open_widget,
    widget,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

BRUSSELS = ZoneInfo("Europe/Brussels")


def _state(mode: str, **fields: Any) -> dict[str, Any]:
    """A whole `state` payload (the schema's), with a whole ticket when one is given."""
    if fields.get("ticket") is not None:
        fields["ticket"] = {
            "status": "new",
            "priority": "normal",
            "department": "general",
            "subject": "Ma facture est fausse",
            "created_at": _tomorrow_at_ten(),
            **fields["ticket"],
        }
    state: dict[str, Any] = {
        "mode": mode,
        "queue": None,
        "operator": None,
        "ticket": None,
        "offline_form": False,
        "rating_requested": False,
    }
    state.update(fields)
    return state


def _tomorrow_at_ten() -> str:
    day = datetime.now(BRUSSELS).date() + timedelta(days=1)
    at = datetime.combine(day, time(10, 0), BRUSSELS).astimezone(ZoneInfo("UTC"))
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


async def _asked_the_bot(page: Any, desk: Desk) -> Any:
    """Open the French test page's widget and ask the bot about an invoice; return the
    widget once it answered."""
    await page.goto(f"{desk.url}/test/fr")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Votre message")
    await box.fill("Ma facture de novembre est fausse")
    await box.press("Enter")
    await expect(w.locator(".msg-bot")).not_to_have_count(0)
    return w


async def test_nobody_available_gives_a_ticket_and_the_offline_form(
    start_desk: StartDesk, context: Any
) -> None:
    desk = await start_desk()  # open, but no operator online
    page = await context.new_page()
    w = await _asked_the_bot(page, desk)
    # The header promises the same time the ticket will (the desk's reply_expected_by).
    await expect(w.locator(".status")).to_contain_text("Nous répondons d'ici")

    await w.locator("header").get_by_role("button", name="Parler à une personne").click()
    await expect(w.locator(".msg-system").filter(has_text="#000001")).to_be_visible()
    strip = w.locator(".strip")  # pinned under the header
    await expect(strip).to_contain_text("Demande #000001")  # short: the line above says it all
    # The promised time once, in the header, not again in the strip under it.
    await expect(w.locator(".status")).to_contain_text("Nous répondons d'ici")
    await expect(strip).not_to_contain_text("répondrons d'ici")
    # Handed over: no more bot choices, nor a second "Talk to a person".
    header_person = w.locator("header").get_by_role("button", name="Parler à une personne")
    await expect(header_person).to_be_hidden()

    await strip.get_by_role("button", name="Laisser mes coordonnées").click()
    form = w.get_by_role(
        "form", name="Laissez vos coordonnées pour que nous puissions vous répondre par e-mail"
    )
    await expect(form.get_by_label("Nom")).to_be_focused()
    await expect(form.get_by_label("Sujet")).to_have_value("Ma facture de novembre est fausse")
    priority = form.get_by_label("Priorité")
    # Short labels (long ones were cut off in the select), the definition under it.
    await expect(priority.locator("option")).to_have_text(["Urgente", "Haute", "Normale", "Basse"])
    await expect(priority).to_have_value("normal")
    await expect(priority).to_have_accessible_description("Une fonction ne marche pas comme prévu.")
    await priority.select_option("urgent")
    await expect(priority).to_have_accessible_description(
        "Service à l'arrêt, sans solution de contournement."
    )
    send = form.get_by_role("button", name="Envoyer mes coordonnées")
    await form.get_by_label("E-mail").fill("pas-une-adresse")
    await send.click()
    await expect(form.get_by_role("alert")).to_have_text(
        "Veuillez saisir une adresse e-mail valide."
    )
    await expect(form.get_by_label("E-mail")).to_be_focused()
    await form.get_by_label("Nom").fill("Lea Peeters")
    await form.get_by_label("E-mail").fill("lea@example.be")
    await form.get_by_label("Description").fill("Deux fois le même montant.")
    await priority.select_option("high")
    await send.click()
    await expect(strip).to_contain_text("Merci ! Nous vous répondrons à lea@example.be.")
    await expect(w.locator("form.contact")).to_have_count(0)
    await expect(strip.get_by_role("button")).to_have_count(0)
    ticket = await desk.app[SERVICES]._store.tickets.current_ticket(
        await conversation_of(desk, page)
    )
    assert ticket is not None
    assert (ticket.requester_email, ticket.priority) == ("lea@example.be", "high")


async def test_the_offline_form_offers_the_desks_priorities_in_its_words(
    start_desk: StartDesk, context: Any
) -> None:
    # The hosting preset's shape: two priorities, the desk's own words for one of them.
    desk = await start_desk(
        '[helpdesk]\npriorities = ["normal", "high"]\n[priorities.normal]\n'
        'label = { fr = "Standard" }\ndefinition = { fr = "Une question, une panne partielle" }\n'
        + ALWAYS_OPEN
    )
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/fr")
    w = widget(page)
    await open_widget(page)
    await w.locator("header").get_by_role("button", name="Parler à une personne").click()
    await w.locator(".strip").get_by_role("button", name="Laisser mes coordonnées").click()
    form = w.locator("form.contact")
    await expect(form.get_by_label("Sujet")).to_have_value("")  # no question: no "—"
    priority = form.get_by_label("Priorité")
    await expect(priority.locator("option")).to_have_text(["Standard", "Haute"])
    await expect(priority).to_have_value("normal")
    await expect(priority).to_have_accessible_description("Une question, une panne partielle")
    await priority.select_option("high")  # no words of the desk's: the widget's own
    await expect(priority).to_have_accessible_description("Une partie importante est touchée.")
    await form.get_by_label("E-mail").fill("lea@example.be")
    await form.get_by_role("button", name="Envoyer mes coordonnées").click()
    await expect(w.locator(".strip")).to_contain_text("lea@example.be")
    ticket = await desk.app[SERVICES]._store.tickets.current_ticket(
        await conversation_of(desk, page)
    )
    assert ticket is not None and ticket.priority == "high"


async def test_the_offline_form_keeps_the_request_s_priority_and_the_desk_s_access(
    start_desk: StartDesk, context: Any
) -> None:
    # The socket tests' knowledge: its refund dispute hands over at "high".
    knowledge = REPO / "tests" / "fixtures" / "knowledge"
    desk = await start_desk('[helpdesk]\naccess = "customers"\n' + ALWAYS_OPEN, knowledge)
    people = desk.app[SERVICES].helpdesk.people
    await people.add_member(await people.add_organisation("Dupont"), "claire@dupont.fr")
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/fr")
    w = widget(page)
    await open_widget(page)
    box = w.get_by_label("Votre message")
    await box.fill("Je conteste un remboursement")  # an answer that hands over, at "high"
    await box.press("Enter")
    strip = w.locator(".strip")
    await strip.get_by_role("button", name="Laisser mes coordonnées").click()
    form = w.locator("form.contact")
    await expect(form.get_by_label("Priorité")).to_have_value("high")  # not back to normal
    # A desk for customers under contract: said before typing; a stranger's address is
    # refused in its words.
    await expect(form.get_by_label("E-mail")).to_have_accessible_description(
        re.compile("^Ce service est réservé aux clients sous contrat.*enregistrée chez nous")
    )
    await form.get_by_label("E-mail").fill("inconnu@example.fr")
    send = form.get_by_role("button", name="Envoyer mes coordonnées")
    await send.click()
    await expect(form.get_by_role("alert")).to_contain_text(
        "Ce service est réservé aux clients sous contrat"
    )
    await form.get_by_label("E-mail").fill("claire@dupont.fr")
    await send.click()
    await expect(strip).to_contain_text("claire@dupont.fr")
    ticket = await desk.app[SERVICES]._store.tickets.current_ticket(
        await conversation_of(desk, page)
    )
    assert ticket is not None and ticket.priority == "high"


async def test_live_chat_with_an_operator_then_rating(start_desk: StartDesk, context: Any) -> None:
    desk = await start_desk()
    sophie = await desk.operator("Sophie")
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    await expect(w.locator(".status")).to_have_text("We're online")
    box = w.get_by_label("Your message")
    await box.fill("My invoice for November is wrong")
    await box.press("Enter")
    await expect(w.locator(".msg-bot")).not_to_have_count(0)
    await w.locator("header").get_by_role("button", name="Talk to a person").click()
    await expect(w.locator(".strip")).to_contain_text("You're number 1 in the queue.")

    conversation_id = await conversation_of(desk, page)
    claimed = await sophie.call("claim", {"conversation_id": conversation_id})
    assert claimed["ok"], claimed
    await expect(w.locator(".status")).to_have_text("You're chatting with Sophie")
    await expect(w.locator(".msg-system").filter(has_text="Sophie")).to_be_visible()
    await expect(w.locator(".strip")).to_be_empty()

    await sophie.sio.emit(
        "typing", {"conversation_id": conversation_id, "on": True}, namespace="/operator"
    )
    await expect(w.locator(".typing")).to_have_text("Sophie is typing…")
    said = await sophie.call(
        "message",
        {"conversation_id": conversation_id, "client_id": "s1", "text": "Hi, I'm <b>on it</b>."},
    )
    assert said["ok"], said
    operator = w.locator(".msg-operator")
    await expect(operator.locator(".author")).to_have_text("Sophie")
    await expect(operator.locator(".bubble")).to_have_text("Hi, I'm <b>on it</b>.")
    await expect(w.locator(".typing")).to_be_hidden()
    await sophie.call("watch", {"conversation_id": conversation_id})
    await box.fill("Thanks")  # the visitor's typing reaches the operator
    assert (await sophie.next("typing"))["on"] is True
    await box.press("Enter")
    await expect(w.locator(".msg-visitor .delivery").last).to_have_text("Sent")

    closed = await sophie.call("close", {"conversation_id": conversation_id})
    assert closed["ok"], closed
    rating = w.locator("form.card")
    await expect(rating.locator("legend")).to_have_text("How would you rate this conversation?")
    await rating.get_by_title("4 stars").click()
    await rating.get_by_label("Comment").fill("Quick and clear")
    await rating.get_by_role("button", name="Send rating").click()
    await expect(w.get_by_text("Thank you for your feedback!")).to_be_visible()
    ticket = await desk.app[SERVICES]._store.tickets.current_ticket(conversation_id)
    assert ticket is not None and (ticket.rating, ticket.rating_comment) == (4, "Quick and clear")
    # Closed: a new question goes to the bot again, and a person can be asked for again.
    await expect(w.locator("header").get_by_role("button", name="Talk to a person")).to_be_visible()


async def test_a_blocked_visitor_s_widget_closes_and_stays_closed(
    start_desk: StartDesk, context: Any
) -> None:
    desk = await start_desk()
    sophie = await desk.operator("Sophie")
    page = await context.new_page()
    w = await _asked_the_bot(page, desk)
    await w.locator("header").get_by_role("button", name="Parler à une personne").click()
    await expect(w.locator(".strip")).not_to_be_empty()  # in the queue
    conversation_id = await conversation_of(desk, page)
    claimed = await sophie.call("claim", {"conversation_id": conversation_id})
    assert claimed["ok"], claimed
    blocked = await sophie.call("block_visitor", {"conversation_id": conversation_id, "days": 1})
    assert blocked["ok"], blocked
    screen = w.locator(".screen")
    await expect(screen).to_have_text("Ce chat vous est fermé pour le moment.")
    person = w.locator("header").get_by_role("button", name="Parler à une personne")
    await expect(person).to_be_hidden()
    # A reload does not bring it back: the widget's connection is refused until then.
    await page.reload()  # the panel was open: it opens again by itself (this tab)
    await expect(w.locator(".screen")).to_have_text("Ce chat vous est fermé pour le moment.")
    await expect(w.locator(".status")).to_have_text("")


async def test_state_texts_in_the_visitor_language_and_time_zone(
    desk: Desk, new_context: NewContext
) -> None:
    context = await new_context(timezone_id="Europe/Brussels", locale="fr-BE")
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/fr")
    w = widget(page)
    await open_widget(page)
    conversation_id = await conversation_of(desk, page)
    await emit_to_visitor(
        desk,
        conversation_id,
        "state",
        _state("queued", queue={"position": 2, "estimated_wait_seconds": 240}),
    )
    card = w.locator(".strip [role=status]")
    await expect(card).to_have_text("Vous êtes numéro 2 dans la file d'attente.Environ 4 minutes.")
    # Whole payloads, as the server sends them (the desk's other clients check their schema).
    ticket = {
        "number": "#000042",
        "status": "new",
        "priority": "normal",
        "department": "general",
        "subject": "Facture",
        "created_at": "2026-11-17T09:30:00.000Z",
        "reply_expected_by": _tomorrow_at_ten(),
    }
    await emit_to_visitor(desk, conversation_id, "state", _state("waiting", ticket=ticket))
    # Written as the desk's own system messages write it: "mardi 1 décembre, 10:00".
    tomorrow = _in_days_at(1, 10, 0)
    promised = f"{_FR_DAYS[tomorrow.weekday()]} {tomorrow.day} {_FR_MONTHS[tomorrow.month - 1]}"
    promised += ", 10:00"
    await expect(card).to_have_text("Demande #000042")
    # The header says the ticket's time (once: not again in the card under it), never
    # "within 24 hours" next to it.
    await expect(w.locator(".status")).to_have_text(f"Nous répondons d'ici {promised}")
    await emit_to_visitor(desk, conversation_id, "state", _state("closed"))
    await emit_to_visitor(
        desk,
        conversation_id,
        "desk",
        {
            "name": "Ardenne Cloud",
            "status": "closed",
            "open_now": False,
            "next_open": _tomorrow_at_ten(),
            "reply_within_seconds": 86400,
            "departments": ["general"],
        },
    )
    await expect(w.locator(".status")).to_have_text(f"De retour {promised}")


def _in_days_at(days: int, hour: int, minute: int) -> datetime:
    day = datetime.now(BRUSSELS).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), BRUSSELS)


def _iso(at: datetime) -> str:
    return at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")


_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
_EN_MONTHS += ("September", "October", "November", "December")
_FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août")
_FR_MONTHS += ("septembre", "octobre", "novembre", "décembre")


async def test_the_header_promises_the_desks_reply_time_and_follows_the_state(
    desk: Desk, context: Any
) -> None:
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    conversation_id = await conversation_of(desk, page)
    due = _in_days_at(4, 14, 25)
    away = {
        "name": "Ardenne Cloud",
        "status": "away",
        "open_now": True,
        "next_open": None,
        "reply_within_seconds": 86400,
        "reply_expected_by": _iso(due),
        "departments": ["general"],
    }
    await emit_to_visitor(desk, conversation_id, "desk", away)
    # One formatter for promised times: "Thursday 3 December, 14:25" (not "within 24 hours").
    promised = f"{_EN_DAYS[due.weekday()]} {due.day} {_EN_MONTHS[due.month - 1]}, 14:25"
    status = w.locator(".status")
    await expect(status).to_have_text(f"We'll reply by {promised}")

    # A ticket waiting with the offline form, then an operator comes online: the desk says
    # online. The header says what the ticket says, never "online" next to the form.
    ticket = {"number": "#000007", "reply_expected_by": _iso(due)}
    waiting = _state("waiting", ticket=ticket, offline_form=True)
    await emit_to_visitor(desk, conversation_id, "state", waiting)
    strip = w.locator(".strip")
    await expect(strip).to_contain_text("Request #000007")
    await expect(strip).not_to_contain_text("We'll reply by")
    await expect(status).to_have_text(f"We'll reply by {promised}")
    await expect(strip.get_by_role("button", name="Leave my contact details")).to_be_visible()
    await emit_to_visitor(desk, conversation_id, "desk", away | {"status": "online"})
    await expect(status).to_have_text(f"We'll reply by {promised}")
    # The conversation is queued for the operator: the waiting UI goes.
    queued = _state("queued", ticket=ticket, queue={"position": 1, "estimated_wait_seconds": 60})
    await emit_to_visitor(desk, conversation_id, "state", queued)
    await expect(status).to_have_text("We're online")
    await expect(strip).to_have_text("You're number 1 in the queue.About 1 minute.")
    await expect(strip.get_by_role("button")).to_have_count(0)
    await emit_to_visitor(
        desk, conversation_id, "state", _state("live", ticket=ticket, operator={"name": "Lea"})
    )
    await expect(status).to_have_text("You're chatting with Lea")
    await expect(strip).to_be_empty()


async def test_promised_times_are_in_the_desks_time_zone(
    desk: Desk, new_context: NewContext
) -> None:
    context = await new_context(locale="fr-BE", timezone_id="America/New_York")
    page = await context.new_page()
    await page.goto(f"{desk.url}/test/fr")
    w = widget(page)
    await open_widget(page)
    due = _in_days_at(4, 14, 25)
    away = {
        "name": "Ardenne Cloud",
        "status": "away",
        "open_now": True,
        "next_open": None,
        "reply_within_seconds": 86400,
        "reply_expected_by": _iso(due),
        "timezone": "Europe/Brussels",
        "departments": ["general"],
    }
    await emit_to_visitor(desk, await conversation_of(desk, page), "desk", away)
    # 14:25 in Brussels, named as such whatever the visitor's own time zone, and named the
    # same in every language (Intl's French would say "UTC+1" where Dutch says "CET").
    zone = "CEST" if due.utcoffset() == timedelta(hours=2) else "CET"
    day = f"{_FR_DAYS[due.weekday()]} {due.day} {_FR_MONTHS[due.month - 1]}"
    await expect(w.locator(".status")).to_have_text(f"Nous répondons d'ici {day}, 14:25 {zone}")
