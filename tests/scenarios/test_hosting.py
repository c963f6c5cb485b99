"""The hosting preset, end to end: every promise of its row in issue 13 is an assertion.

A hosting provider's desk in French and English, open 24/7: two departments, regular and
high priorities, the critical-incident fields for high, a chat an operator turns into a
ticket, billing mail only from registered addresses, a first response within 10 minutes,
service notices on the portal with a copy by e-mail, and per-customer notification
addresses. It all happens on a Sunday at 3:00 in Paris.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from chatdesk.events import SlaBreached, SlaWarning, TicketCreated
from chatdesk.helpdesk import TicketFilter
from chatdesk.models import utcnow
from chatdesk.presets import find_preset

from .desks_b import StartPreset, body, browser_page, link, message, start_preset

__all__ = ["start_preset"]

#: Sunday 29 November 2026, 3:00 in Paris.
SUNDAY_NIGHT = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
INCIDENT = {
    "email": "nina@client.example",
    "name": "Nina Martin",
    "type": "incident",
    "priority": "high",
    "subject": "Le VPS ne répond plus",
    "description": "Plus de réponse HTTP ni SSH depuis 2 h 40.",
    "field.server": "#123456",
    "field.service": "VPS Pro 4",
    "field.started_at": "2026-11-29T02:40+01:00",
    "field.diagnostics": "ping : 100 % de perte ; traceroute s'arrête au routeur du DC",
}

#: The desk's operators: mailed about new tickets nobody has.
STAFF = {"olga@desk.example", "ada@desk.example"}


async def test_the_hosting_desk_keeps_its_promises(start_preset: StartPreset) -> None:
    desk = await start_preset("hosting", now=SUNDAY_NIGHT)
    services = desk.services
    ada = await desk.operator("Ada", role="admin")
    olga = await desk.operator("Olga")

    # Departments technical and billing; priorities regular and high, as the API says.
    response, _ = await desk.page("/api/v1/desk")
    offered = await response.json()
    assert [d["id"] for d in offered["departments"]] == ["technical", "billing"]
    assert [p["id"] for p in offered["priorities"]] == ["normal", "high"]
    assert offered["priorities"][0]["name"]["en"] == "Regular"
    assert services.config.help_chat  # the 24/7 chat on the help centre's pages too
    fields = {f["id"]: f for f in offered["fields"]}
    assert list(fields) == ["server", "service", "started_at", "diagnostics"]
    assert all(f["required_when"]["priorities"] == ["high"] for f in fields.values())
    _, form = await desk.page("/support/new?lang=fr")
    assert re.findall(r'name="priority" value="(\w+)"', form) == ["normal", "high"]
    assert "<strong>Régulière</strong>" in form
    # The bot's answer on critical incidents links the form with the incident preset.
    preset = find_preset("hosting")
    assert preset is not None
    knowledge = dict(preset.files())["knowledge/support.yaml"].read_text(encoding="utf-8")
    [preset_link] = re.findall(r"/support/new\?type=incident&priority=high&lang=fr", knowledge)
    _, form = await desk.page(preset_link)
    assert re.findall(r'value="(\w+)" checked', form) == ["high"]
    assert re.search(r'<option value="incident"\s*selected>', form)

    # High priority: the critical-incident fields are required, each checked, in French.
    bare = {k: v for k, v in INCIDENT.items() if not k.startswith("field.")}
    response, page = await desk.file(**bare)
    assert response.status == 422 and page.count("Ce champ est obligatoire.") == 4
    wrong = INCIDENT | {"field.server": "300.1.2.3", "field.started_at": "2026-11-29 02:40"}
    response, page = await desk.file(**wrong)
    assert response.status == 422
    assert "Indiquez une adresse IP ou un numéro de commande" in page
    assert "Indiquez une date et une heure avec le fuseau horaire" in page
    response, page = await desk.file(**INCIDENT | {"priority": "urgent"})  # not offered
    assert response.status == 400 and "Choisissez une des options proposées." in page
    # A regular ticket needs none of them.
    response, _ = await desk.file(**bare | {"priority": "normal", "type": "question"})
    assert response.status == 303
    response, _ = await desk.file(**INCIDENT)
    assert response.status == 303
    regular, incident = (e.ticket for e in desk.published(TicketCreated))
    assert (regular.priority, incident.priority) == ("normal", "high")
    assert incident.department == "technical"
    assert incident.fields == {
        "server": "#123456", "service": "VPS Pro 4", "started_at": "2026-11-29T02:40:00+01:00",
        "diagnostics": INCIDENT["field.diagnostics"],
    }  # fmt: skip

    # First response within 10 minutes, on Sunday night too.
    assert incident.due_at == SUNDAY_NIGHT + timedelta(minutes=10)
    assert regular.due_at == SUNDAY_NIGHT + timedelta(minutes=10)
    received = await desk.deliver()
    # Olga and Ada, the desk's operators, hear of each ticket nobody has yet (by the console).
    staff = [m for m in received if m["To"].addresses[0].addr_spec.endswith("@desk.example")]
    assert len(staff) == 4 and all("/console/t/" in body(m) for m in staff)
    received = [m for m in received if m not in staff]
    assert desk.delivered_to - STAFF == {"nina@client.example"}
    assert len(received) == 2
    assert all("/support/t/" in body(m) for m in received)
    desk.clock.advance(minutes=5)
    await desk.run_jobs()
    assert {e.ticket.id for e in desk.published(SlaWarning)} == {regular.id, incident.id}
    # Olga answers the regular one in time; the incident waits past its 10 minutes.
    await services.helpdesk.tickets.reply(regular.id, olga, "Bonjour, c'est fait.")
    sent = await desk.deliver()
    [answer] = [m for m in sent if m["To"] == "nina@client.example"]
    assert "Bonjour, c'est fait." in body(answer)
    # Nobody had them yet: the half-time warnings reached the operators by mail too.
    warned = [m for m in sent if m is not answer]
    assert warned and all("approche de son délai de première réponse" in body(m) for m in warned)
    desk.clock.advance(minutes=5, seconds=30)
    await desk.run_jobs()
    assert [e.ticket.id for e in desk.published(SlaBreached)] == [incident.id]
    missed = await desk.deliver()
    assert missed and all(f"{incident.label}" in m["Subject"] for m in missed)
    assert all("a dépassé son délai de première réponse" in body(m) for m in missed)

    # 24/7 live chat: at 3:00 on Sunday a person takes it and makes a proper ticket of it.
    console = await desk.console(olga)
    visitor = await desk.visitor("en")
    await visitor.say("Our BGP session with your edge router flaps every 90 seconds")
    state = await visitor.call("escalate", {})
    assert state["ok"] and state["state"]["mode"] == "queued", state  # not "waiting"
    conversation_id = visitor.session["conversation_id"]
    claimed = await console.call("claim", {"conversation_id": conversation_id})
    assert claimed["ok"], claimed
    said = await console.call(
        "message",
        {"conversation_id": conversation_id, "client_id": "c1", "text": "Looking at it now."},
    )
    assert said["ok"], said
    turn = {"conversation_id": conversation_id, "type": "incident", "priority": "high"}
    refused = await console.call("ticket_from_chat", turn)
    assert refused["ok"] is False and refused["error"]["code"] == "invalid_fields", refused
    made = await console.call(
        "ticket_from_chat",
        turn | {"fields": {
            "server": "2001:db8::7", "service": "Transit BGP",
            "started_at": "2026-11-29T01:10Z", "diagnostics": "flap every 90 s",
        }},
    )  # fmt: skip
    assert made["ok"], made
    chat_ticket = made["ticket"]
    assert (chat_ticket["channel"], chat_ticket["priority"]) == ("chat", "high")

    # E-mail: billing requests only from an address registered with a customer.
    await desk.cli(
        "orgs", "add", "Client SA", "--billing-email", "compta@client.example",
        "--support-email", "ops@client.example", "--abuse-email", "abuse@client.example",
    )  # fmt: skip
    await desk.cli("orgs", "member", "add", "Client SA", "marc@client.example", "--name", "Marc")
    shown = await desk.cli("orgs", "show", "Client SA")
    for kind, address in [("billing", "compta@"), ("support", "ops@"), ("abuse", "abuse@")]:
        assert re.search(rf"{kind}\s.*{address}client\.example", shown), shown
    before = (await services.helpdesk.views.list(ada, _all())).total
    reply = await desk.mail_in(
        message("eve@elsewhere.example", "billing@hosting.example", "Ma facture",
                "Pouvez-vous changer l'adresse de facturation ?", lang="fr")
    )  # fmt: skip
    assert reply.startswith("2")
    [refusal] = await desk.deliver()
    assert refusal["To"] == "eve@elsewhere.example" and "clients enregistrés" in body(refusal)
    assert (await services.helpdesk.views.list(ada, _all())).total == before  # nothing filed
    await desk.mail_in(
        message("Marc <marc@client.example>", "billing@hosting.example", "Facture 2026-114",
                "La facture 2026-114 compte deux fois le VPS.", lang="fr")
    )  # fmt: skip
    billing = next(t for t in (await services.helpdesk.views.list(ada, _all())).tickets
                   if t.subject == "Facture 2026-114")  # fmt: skip
    assert (billing.department, billing.channel.value) == ("billing", "email")
    sent = await desk.deliver()
    # The customer's billing address gets a copy of the billing ticket's mail (and the
    # desk's operators their "new request").
    assert desk.delivered_to - STAFF == {"marc@client.example", "compta@client.example"}
    # Anything else (technical) is taken from anyone.
    await desk.mail_in(
        message("eve@elsewhere.example", "support@hosting.example", "Offre VPS",
                "Proposez-vous des VPS avec IPv6 ?", lang="fr")
    )  # fmt: skip
    technical = next(t for t in (await services.helpdesk.views.list(ada, _all())).tickets
                     if t.subject == "Offre VPS")  # fmt: skip
    assert technical.department == "technical"
    await desk.deliver()

    # A service notice: on the portal, and by e-mail to the members and the support address.
    starts = desk.clock.now.isoformat()
    await desk.cli(
        "notices", "publish", "--by", "ada@desk.example", "--title", "Maintenance du réseau",
        "--body", "Redémarrage des routeurs **lundi à 6 h**.", "--severity", "maintenance",
        "--starts", starts, "--org", "Client SA",
    )  # fmt: skip
    # The command line is another program on the wall clock: its mail is due from now.
    desk.clock.now = max(desk.clock.now, utcnow()) + timedelta(minutes=1)
    notices = await desk.deliver()
    assert desk.delivered_to == {"marc@client.example", "ops@client.example"}
    assert all("Maintenance du réseau" in str(m["Subject"]) for m in notices)
    # Marc opens his billing ticket from its mail: the portal shows the notice.
    [marc_mail] = [m for m in sent if "marc@" in str(m["To"])]
    follow = link(marc_mail, "/support/t/")
    async with browser_page(locale="fr-FR") as page:
        await page.goto(follow)
        await page.get_by_text("Maintenance du réseau").wait_for()
        assert await page.get_by_text("lundi à 6 h").is_visible()
        assert await page.get_by_text("Facture 2026-114").first.is_visible()
    _, anonymous = await desk.page("/support/new?lang=fr")
    assert "Maintenance du réseau" not in anonymous  # the customer's own notice


def _all() -> TicketFilter:
    return TicketFilter(sort="created")
