"""The web form /support/new over real HTTP: languages, CSRF, the challenge, files, custom
fields, the access policy and seats."""

from __future__ import annotations

import re

from chatdesk.attachments import file_size
from chatdesk.events import SeatRefused, TicketCreated

from .conftest import PNG, SITE_FIELD, Portal, StartPortal


async def test_the_form_speaks_the_page_s_language(portal: Portal) -> None:
    _, page = await portal.page("/support/new?lang=nl")
    assert 'lang="nl"' in page and "Eén onderwerp per aanvraag" in page
    assert "tot 0,2 MB per bestand" in page  # the desk's [attachments] max_file, 200kB
    # The choice is kept in a cookie for the next pages...
    _, page = await portal.page("/support/new")
    assert "Eén onderwerp per aanvraag" in page
    # ...and a browser asking for French gets French when it has not chosen.
    portal.http.cookie_jar.clear()
    _, page = await portal.page("/support/new", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert "Un seul sujet par demande" in page and 'language="fr"' in page
    assert "Votre service est à l&#39;arrêt" in page and "première réponse sous 1 h" in page


async def test_a_ticket_is_filed_and_its_follow_page_shows_the_number(portal: Portal) -> None:
    response, _ = await portal.file(files=[("screen.png", PNG)])
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    assert re.match(r"^/support/t/[\w.-]+\?filed=1&lang=en$", location)
    [created] = portal.published(TicketCreated)
    assert created.ticket.channel.value == "form" and created.follow_token in location
    _, page = await portal.page(location)
    assert f"your request {created.ticket.label} is registered" in page
    assert "We have it" in page and "screen.png" in page
    assert "We will answer by" in page


async def test_csrf_is_required(portal: Portal) -> None:
    response, page = await portal.file(csrf="forged")
    assert response.status == 403 and "This form has expired" in page
    assert portal.published(TicketCreated) == []


async def test_the_challenge_is_required_and_never_replayed(portal: Portal) -> None:
    response, page = await portal.file(solution="")
    assert response.status == 400 and "it needs JavaScript" in page
    solution = await portal.solve()
    first, _ = await portal.file(solution=solution)
    assert first.status == 303
    replay, page = await portal.file(solution=solution, subject="Another one")
    assert replay.status == 400 and "was used already" in page
    # What the requester typed is kept for the next try; no files were sent, so none to
    # choose again.
    assert 'value="Another one"' in page and "Choose your files again" not in page
    forged, page = await portal.file(solution=solution[:-8] + "AAAAAAA=")
    assert forged.status == 400 and "failed or expired" in page
    assert len(portal.published(TicketCreated)) == 1


async def test_a_renamed_program_is_refused_with_its_name(portal: Portal) -> None:
    response, page = await portal.file(
        files=[("holiday.png", b"MZ\x90\x00" + b"\x00" * 100), ("notes.png", b"")]
    )
    assert response.status == 400
    assert "holiday.png is a program: we do not accept programs" in page
    assert "notes.png is empty" in page
    assert "Choose your files again" in page
    assert portal.published(TicketCreated) == []


async def test_files_past_the_limits_are_refused_with_413(portal: Portal) -> None:
    big = PNG + b"\x00" * (201 * 1024)
    response, page = await portal.file(files=[("big.png", big)])
    assert response.status == 413
    assert "at most 0.2 MB per file and 0.3 MB in all" in page
    together = [("a.png", PNG + b"\x00" * 150_000), ("b.png", PNG + b"\x00" * 160_000)]
    response, _ = await portal.file(files=together)
    assert response.status == 413
    assert portal.published(TicketCreated) == []


async def test_custom_fields_are_refused_per_field_in_the_requester_s_language(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal(SITE_FIELD)
    _, page = await portal.page("/support/new?lang=fr")
    assert "ID du site" in page and "Obligatoire pour « Quelque chose ne fonctionne pas »" in page
    response, page = await portal.file(lang="fr", type="incident")
    assert response.status == 422 and "Ce champ est obligatoire." in page
    assert 'aria-invalid="true" aria-describedby="help-site_id err-field-site_id"' in page
    response, page = await portal.file(lang="fr", type="incident", **{"field.site_id": "12"})
    assert response.status == 422 and "Cette valeur n&#39;a pas le format attendu." in page
    response, _ = await portal.file(lang="fr", type="incident", **{"field.site_id": "1234"})
    assert response.status == 303


async def test_a_textarea_field_is_a_text_box_and_keeps_its_lines(
    start_portal: StartPortal,
) -> None:
    portal = await start_portal(
        '[[fields]]\nid = "trace"\ntype = "textarea"\nlabel = { en = "Traceroute" }\n'
    )
    _, page = await portal.page("/support/new")
    assert '<textarea id="f-trace" name="field.trace" rows="5" maxlength="5000"' in page
    trace = "1  gw (10.0.0.1)  0.4 ms\r\n2  * * *"
    # Refused for another reason: the box gives back what was typed.
    response, page = await portal.file(subject="", **{"field.trace": trace})
    assert response.status == 400, page
    assert re.search(r">1  gw \(10.0.0.1\)  0.4 ms\r?\n2  \* \* \*</textarea>", page), page[-3000:]
    response, _ = await portal.file(**{"field.trace": trace})
    assert response.status == 303
    [created] = portal.published(TicketCreated)
    assert created.ticket.fields == {"trace": "1  gw (10.0.0.1)  0.4 ms\n2  * * *"}
    _, page = await portal.page(response.headers["Location"])
    assert "<dt>Traceroute</dt><dd>1  gw (10.0.0.1)  0.4 ms\n2  * * *</dd>" in page


async def test_a_customers_only_desk_says_whom_to_ask(start_portal: StartPortal) -> None:
    portal = await start_portal('[helpdesk]\naccess = "customers"\n')
    # Said under the e-mail field before anyone types.
    _, form = await portal.page("/support/new?lang=nl")
    assert "gebruik het adres dat bij ons bekend is" in form
    response, page = await portal.file(lang="nl")
    assert response.status == 403
    assert "We kunnen deze aanvraag niet aannemen" in page
    assert "Vraag een uitnodiging aan uw contactpersoon bij ons." in page
    assert portal.published(TicketCreated) == []


async def test_a_full_site_names_its_editors_and_admins(start_portal: StartPortal) -> None:
    portal = await start_portal(SITE_FIELD)
    people = portal.services.helpdesk.people
    acme = await people.add_organisation("Acme", max_editors_per_site=1)
    await people.add_member(acme, "boss@acme.test", role="admin", name="Boss")
    await people.add_member(acme, "eve@acme.test", name="Eve")
    await people.add_member(acme, "ann@example.com", name="Ann")
    first, _ = await portal.file(email="eve@acme.test", **{"field.site_id": "1234"})
    assert first.status == 303
    response, page = await portal.file(**{"field.site_id": "1234"})
    assert response.status == 409
    assert "Site 1234 already has as many editors as allowed (1): Eve. Ask an admin" in page
    assert "(Boss) to free a seat; they do it in the portal" in page
    # Whoever types a member's address on the public form learns no one's address.
    assert "eve@acme.test" not in page and "boss@acme.test" not in page
    [refused] = portal.published(SeatRefused)
    assert refused.site_id == "1234"


async def test_the_challenge_endpoint_gives_fresh_signed_challenges(portal: Portal) -> None:
    async with portal.http.get("/support/altcha") as response:
        first = await response.json()
        assert response.headers["Cache-Control"] == "no-store"
    async with portal.http.get("/support/altcha") as response:
        second = await response.json()
    assert first["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert first["signature"] != second["signature"]


async def test_portal_pages_carry_security_headers(portal: Portal) -> None:
    response, page = await portal.page("/support/new")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<noscript>" in page and "needs JavaScript" in page
    cookie = response.cookies["chatdesk_support_csrf"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


async def test_an_unknown_choice_is_said_at_its_field(portal: Portal) -> None:
    response, page = await portal.file(type="lottery", department="moon")
    assert response.status == 400
    assert 'id="err-type">Choose one of the options offered.' in page


async def test_the_form_offers_the_desk_s_priorities_only(start_portal: StartPortal) -> None:
    portal = await start_portal(
        '[helpdesk]\npriorities = ["normal", "high"]\n'
        '[priorities.normal]\nlabel = { fr = "Régulière", nl = "Gewoon", en = "Regular" }\n'
    )
    _, page = await portal.page("/support/new?lang=fr")
    offered = re.findall(r'name="priority" value="(\w+)"( checked)?', page)
    assert offered == [("normal", " checked"), ("high", "")]
    assert "<strong>Régulière</strong>" in page
    response, page = await portal.file(priority="urgent", lang="fr")
    assert response.status == 400 and "Choisissez une des options proposées." in page
    assert portal.published(TicketCreated) == []
    response, _ = await portal.file(priority="high")
    assert response.status == 303
    [created] = portal.published(TicketCreated)
    assert created.ticket.priority == "high"


def test_file_sizes_are_said_in_the_reader_s_units() -> None:
    assert file_size(2500, "fr") == "2\u00a0ko"
    assert file_size(5 * 1024**2 // 2, "fr") == "2,5\u00a0Mo"
    assert file_size(5 * 1024**2 // 2, "nl") == "2,5\u00a0MB"
    assert file_size(5 * 1024**2 // 2) == "2.5\u00a0MB"
