"""Access policy, seat caps, custom fields, attachments, complaints and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chatdesk.attachments import check_attachment
from chatdesk.errors import (
    Forbidden,
    InvalidFields,
    InvalidPayload,
    NotFound,
    TooLarge,
    Unauthorized,
)
from chatdesk.events import InvitationCreated, SeatRefused
from chatdesk.fields import validate_fields
from chatdesk.helpdesk import Edit, NewTicket, Refused, TicketFilter, Upload
from chatdesk.helpdesk.texts import people_list
from chatdesk.helpdeskconfig import AttachmentLimits, FieldSpec
from chatdesk.models import Requester, TicketType
from chatdesk.store import Store

from ..desk import Clock
from .conftest import SITE, operator, services

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 40
PE = b"MZ\x90\x00" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


async def test_customers_only_desk(store: Store, clock: Clock) -> None:
    hd = services(store, clock, access="customers")
    ann = await operator(hd, "Ann", "admin")
    people = hd.helpdesk.people
    stranger = NewTicket(email="who@example.be", subject="Bonjour", lang="nl")
    with pytest.raises(Forbidden) as info:
        await hd.helpdesk.filing.file(stranger)
    assert info.value.code == "access_denied" and "uitnodiging" in info.value.message
    acme = await people.add_organisation("Acme", contract_active=False)
    await people.add_member(acme, "lea@acme.be")
    with pytest.raises(Forbidden):
        await hd.helpdesk.filing.file(NewTicket(email="lea@acme.be", subject="Hi"))
    await people.set_contract(acme, True)
    assert (await hd.helpdesk.filing.file(NewTicket(email="lea@acme.be", subject="Hi")))[0]
    invitation, events = await people.invite(ann, "Who@Example.be")
    assert isinstance(events[0], InvitationCreated) and invitation.email == "who@example.be"
    ticket, _ = await hd.helpdesk.filing.file(stranger)
    assert ticket.requester_email == "who@example.be"
    who = await people.requester("who@example.be")
    assert who.invited
    # An operator files on someone's behalf (phone): the policy is for requesters.
    phoned = NewTicket(email="other@example.be", subject="Par téléphone", channel="phone")
    assert (await hd.helpdesk.filing.file(phoned, operator=ann))[0].channel.value == "phone"


async def test_the_fourth_editor_of_a_site_is_refused_with_whom_to_ask(
    store: Store, clock: Clock
) -> None:
    hd = services(store, clock)
    people = hd.helpdesk.people
    acme = await people.add_organisation("Acme", max_editors_per_site=3)
    await people.add_member(acme, "boss@acme.be", role="admin", name="Bea Boss")
    for name in ("ann", "bob", "cid", "dan"):
        await people.add_member(acme, f"{name}@acme.be", name=name.title())
    for name in ("ann", "bob", "cid"):
        await hd.helpdesk.filing.file(
            NewTicket(email=f"{name}@acme.be", subject="Site", fields={"site_id": "1234"})
        )
    with pytest.raises(Refused) as info:
        await hd.helpdesk.filing.file(
            NewTicket(email="dan@acme.be", subject="Site", lang="fr", fields={"site_id": "1234"})
        )
    message = info.value.message
    assert info.value.code == "seats_full" and info.value.status == 409
    # The form is public: people are named, their addresses kept back.
    assert "Le site 1234 a déjà autant d'éditeurs que permis (3) : Ann, Bob, Cid." in message
    assert "(Bea Boss) de libérer une place" in message and "@" not in message
    # An API client (a key) or a mail answered to the sender's own address gets them.
    with pytest.raises(Refused) as info:
        await hd.helpdesk.filing.file(
            NewTicket(
                email="dan@acme.be", subject="Site", channel="api", fields={"site_id": "1234"}
            )
        )
    message = info.value.message
    for who in ("Ann <ann@acme.be>", "Bob <bob@acme.be>", "Cid <cid@acme.be>"):
        assert who in message
    assert "Bea Boss <boss@acme.be>" in message
    (event,) = info.value.events
    assert isinstance(event, SeatRefused) and [a.email for a in event.admins] == ["boss@acme.be"]
    # The editors themselves file again freely; another site has its own seats.
    await hd.helpdesk.filing.file(
        NewTicket(email="ann@acme.be", subject="Encore", fields={"site_id": "1234"})
    )
    await hd.helpdesk.filing.file(
        NewTicket(email="dan@acme.be", subject="Autre", fields={"site_id": "5678"})
    )


async def test_the_desk_caps_editors_unless_the_organisation_sets_its_own(
    store: Store, clock: Clock
) -> None:
    hd = services(store, clock, max_editors_per_site=1)
    people = hd.helpdesk.people
    capped = await people.add_organisation("Capped")  # no cap of its own: the desk's 1
    roomy = await people.add_organisation("Roomy", max_editors_per_site=2)  # its own wins
    for org, names in ((capped, ("ann", "bob")), (roomy, ("cid", "dan", "eve"))):
        for name in names:
            await people.add_member(org, f"{name}@{org.name.lower()}.be", name=name.title())

    async def file(email: str) -> None:
        await hd.helpdesk.filing.file(
            NewTicket(email=email, subject="Site", fields={"site_id": "1234"})
        )

    await file("ann@capped.be")
    with pytest.raises(Refused):
        await file("bob@capped.be")
    await file("cid@roomy.be")
    await file("dan@roomy.be")
    with pytest.raises(Refused):
        await file("eve@roomy.be")


async def test_the_form_requires_the_contact_the_desk_asks_for(store: Store, clock: Clock) -> None:
    hd = services(store, clock, form_requires=frozenset({"name", "phone"}))
    filing = hd.helpdesk.filing
    with pytest.raises(InvalidPayload) as info:
        await filing.file(NewTicket(email="ann@example.be", subject="Site", name="Ann"))
    assert info.value.code == "phone"
    with pytest.raises(InvalidPayload) as info:
        await filing.file(NewTicket(email="ann@example.be", subject="Site", phone="02 555 12 12"))
    assert info.value.code == "name"
    await filing.file(
        NewTicket(email="ann@example.be", subject="Site", name="Ann", phone="02 555 12 12")
    )
    # E-mail has no phone number to give; operators file with what they have.
    await filing.file(NewTicket(email="bob@example.be", subject="Mail", channel="email"))
    ann = await hd.operators.add(
        "ann@desk.test", name="Ann", role="operator", departments=("general",),
        languages=("fr",), password="correct horse battery",
    )  # fmt: skip
    phoned = NewTicket(email="cid@example.be", subject="Tel", channel="form")
    await filing.file(phoned, operator=ann)


SPECS = (
    FieldSpec("site_id", "text", pattern=r"^\d{4}$"),
    FieldSpec("url", "url"),
    FieldSpec("server", "ip_or_order"),
    FieldSpec("since", "datetime", required_priorities=frozenset({"high"})),
    FieldSpec("plan", "select", options=(("vps", {}), ("web", {}))),
    FieldSpec("host", "text", required_types=frozenset({"incident"})),
)


def test_every_field_type_accepts_and_normalises() -> None:
    good = {
        "site_id": "1234",
        "url": "https://example.be/page",
        "server": "2001:0db8::0001",
        "since": "2026-11-17T10:30:00+01:00",
        "plan": "vps",
        "host": " web1 ",
    }
    cleaned = validate_fields(SPECS, good, type_="incident", priority="high", lang="en")
    assert cleaned["server"] == "2001:db8::1" and cleaned["host"] == "web1"
    order = validate_fields(SPECS, {"server": "123456"}, type_="idea", priority="low", lang="en")
    assert order == {"server": "#123456"}


@pytest.mark.parametrize(
    ("lang", "required", "wrong"),
    [
        ("fr", "Ce champ est obligatoire.", "Choisissez une des options proposées."),
        ("nl", "Dit veld is verplicht.", "Kies een van de voorgestelde opties."),
        ("en", "This field is required.", "Choose one of the options offered."),
    ],
)
def test_wrong_fields_are_refused_each_in_the_requester_s_language(
    lang: str, required: str, wrong: str
) -> None:
    bad = {
        "site_id": "12345",
        "url": "ftp://example.be",
        "server": "999.1.1.1",
        "since": "2026-11-17T10:30",  # no time zone
        "plan": "dedicated",
        "nope": "x",
    }
    with pytest.raises(InvalidFields) as info:
        validate_fields(SPECS, bad, type_="incident", priority="high", lang=lang)
    fields = info.value.fields
    assert set(fields) == {"site_id", "url", "server", "since", "plan", "nope", "host"}
    assert fields["host"] == required and fields["plan"] == wrong
    assert info.value.status == 422 and info.value.to_payload()["field"] in fields
    with pytest.raises(InvalidFields) as missing:
        validate_fields(SPECS, {}, type_="question", priority="high", lang=lang)
    assert set(missing.value.fields) == {"since"}  # required for high priority only
    assert validate_fields(SPECS, {}, type_="question", priority="normal", lang=lang) == {}


def test_a_textarea_field_keeps_its_lines_up_to_5000_characters() -> None:
    specs = (FieldSpec("trace", "textarea"), FieldSpec("host", "text"))
    trace = " 1  gw (10.0.0.1)  0.4 ms\r\n 2  * * *\r\n" + "x" * 4900
    cleaned = validate_fields(specs, {"trace": trace}, type_="incident", priority="high", lang="en")
    assert cleaned["trace"].startswith("1  gw (10.0.0.1)  0.4 ms\n 2  * * *\n")
    with pytest.raises(InvalidFields) as info:
        validate_fields(
            specs, {"trace": "y" * 5001, "host": "h" * 501}, type_="incident", priority="high",
            lang="nl",
        )  # fmt: skip
    assert info.value.fields == {
        "trace": "Deze tekst is te lang (hoogstens 5000 tekens).",
        "host": "Deze tekst is te lang (hoogstens 500 tekens).",
    }


def test_attachments_are_sniffed_capped_and_programs_refused() -> None:
    shot = check_attachment("../../écran 1.PNG", PNG, max_file=1000)
    assert (shot.content_type, shot.filename) == ("image/png", "écran 1.png")
    renamed = check_attachment("rapport.pdf", PNG, max_file=1000)
    assert renamed.content_type == "image/png" and renamed.filename == "rapport.pdf.png"
    assert check_attachment("doc", PDF, max_file=1000).content_type == "application/pdf"
    log = check_attachment("app.log", "erreur à 10:00\n".encode(), max_file=1000)
    assert log.content_type == "text/plain" and log.filename == "app.log"
    for name, data in (("photo.png", ELF), ("invoice.pdf", PE), ("notes.txt", b"#!/bin/sh\nrm")):
        with pytest.raises(InvalidPayload) as info:
            check_attachment(name, data, max_file=1000)
        assert info.value.code == "executable"
    with pytest.raises(InvalidPayload) as unknown:
        check_attachment("a.zip", b"PK\x03\x04" + b"\x00" * 30, max_file=1000)
    assert unknown.value.code == "type_not_allowed"
    with pytest.raises(TooLarge):
        check_attachment("big.png", PNG, max_file=10)


async def test_ticket_file_budget(store: Store, clock: Clock) -> None:
    hd = services(store, clock, attachments=AttachmentLimits(max_file=60, max_ticket=80))
    ticket, _ = await hd.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Capture", attachments=[Upload("a.png", PNG)])
    )
    lea = await hd.helpdesk.people.requester("lea@example.be")
    with pytest.raises(TooLarge):
        await hd.helpdesk.tickets.reply(
            ticket.id, lea, "encore", attachments=[Upload("b.png", PNG)]
        )
    view = await hd.helpdesk.views.requester_view(ticket)
    (attachment,) = view["attachments"]
    name, kind, data = await hd.helpdesk.views.attachment(
        attachment["id"], token=hd.helpdesk.links.token(ticket.id, lea.id)
    )
    assert (name, kind, data) == ("a.png", "image/png", PNG)


async def test_complaints_go_to_a_service_manager_never_the_operator_concerned(
    store: Store, clock: Clock
) -> None:
    hd = services(store, clock, fields=(SITE,))
    ann = await operator(hd, "Ann")
    sam = await operator(hd, "Sam", "service_manager")
    zoe = await operator(hd, "Zoe", "service_manager")
    first, _ = await hd.helpdesk.filing.file(NewTicket(email="lea@example.be", subject="Q"))
    await hd.helpdesk.tickets.change(ann, first.id, Edit(assignee=sam.id))
    complaint, _ = await hd.helpdesk.filing.file(
        NewTicket(
            email="lea@example.be", subject="Mal reçu", type="complaint", concerning=first.label
        )
    )
    assert complaint.type is TicketType.COMPLAINT and complaint.operator_id == zoe.id
    # The service manager reads which request it is about.
    rows = await store.helpdesk.list_ticket_events(complaint.id)
    [about] = [r.data for r in rows if r.kind == "concerning"]
    assert about == {"ticket": first.id, "ref": first.label}
    page = await hd.helpdesk.views.list(ann, TicketFilter())
    assert complaint.id not in [t.id for t in page.tickets]  # operators do not see them
    page = await hd.helpdesk.views.list(zoe, TicketFilter(type=("complaint",)))
    assert [t.id for t in page.tickets] == [complaint.id]
    with pytest.raises(InvalidPayload):
        await hd.helpdesk.tickets.change(zoe, complaint.id, Edit(assignee=ann.id))
    with pytest.raises(Exception, match="no ticket"):
        await hd.helpdesk.tickets.reply(complaint.id, ann, "moi ?")
    # A requester names only their own (or their organisation's) tickets; an operator any.
    other = NewTicket(email="max@example.be", subject="Moi", type="complaint", concerning="1")
    with pytest.raises(NotFound):
        await hd.helpdesk.filing.file(other)
    await hd.helpdesk.filing.file(other, operator=ann)


async def test_api_tokens(store: Store, clock: Clock) -> None:
    hd = services(store, clock)
    ann = await operator(hd, "Ann")
    token, secret = await hd.helpdesk.api_tokens.create(ann, name="CI")
    assert secret.startswith("cdk_") and token.token_hash != secret
    assert (await hd.helpdesk.api_tokens.verify(secret)).id == ann.id
    assert [t.id for t in await hd.helpdesk.api_tokens.list()] == [token.id]
    with pytest.raises(Unauthorized):
        await hd.helpdesk.api_tokens.verify("cdk_" + "x" * 40)
    await hd.helpdesk.api_tokens.revoke(token.id)
    with pytest.raises(Unauthorized):
        await hd.helpdesk.api_tokens.verify(secret)
    _, other = await hd.helpdesk.api_tokens.create(ann)
    await hd.operators.set_disabled(ann.email, True)
    with pytest.raises(Unauthorized):
        await hd.helpdesk.api_tokens.verify(other)


def test_a_public_list_of_people_names_them_or_masks_their_address() -> None:
    now = datetime(2026, 12, 4, tzinfo=UTC)
    named = Requester("r1", "els@gent.be", now, name="Els Janssens")
    nameless = Requester("r2", "pieter@gent.be", now)
    assert people_list([named, nameless]) == "Els Janssens <els@gent.be>, pieter@gent.be"
    assert people_list([named, nameless], addresses=False) == "Els Janssens, p…@gent.be"
