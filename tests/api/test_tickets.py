"""Tickets through the REST API on a real server: file, read, reply, change, merge."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from chatdesk.models import format_ts
from chatdesk.wire.apiout import ApiReply, ApiTicket, ApiTicketDetail, ApiTicketPage

from ..clients import OperatorClient
from .conftest import Api, Desk, ticket_body

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_a_ticket_is_filed_and_found_by_id_or_number(api: Api) -> None:
    status, headers, _ = await api.raw("GET", "/api/v1/tickets/1")
    assert status == 404
    body = ticket_body(type="incident", priority="high", department="technical",
                       fields={"site_id": "1234", "plan": "vps"}, lang="fr")  # fmt: skip
    status, headers, raw = await api.raw("POST", "/api/v1/tickets", json=body)
    assert status == 201, raw
    ticket = msgspec.json.decode(raw, type=ApiTicket)
    assert headers["Location"] == f"/api/v1/tickets/{ticket.id}"
    assert ticket.number == "#000001"
    assert (ticket.status, ticket.channel, ticket.type) == ("new", "api", "incident")
    assert (ticket.priority, ticket.department, ticket.lang) == ("high", "technical", "fr")
    assert ticket.fields == {"site_id": "1234", "plan": "vps"}
    assert ticket.requester.email == "lea@client.be" and ticket.requester.name == "Léa"
    assert ticket.sla.first_response_due is not None and ticket.next_due is not None
    for ref in (ticket.id, "%23000001", "000001", "1"):
        detail = await api.call("GET", f"/api/v1/tickets/{ref}", ApiTicketDetail)
        assert detail.id == ticket.id
    assert [m.text for m in detail.messages] == [body["description"]]
    assert detail.messages[0].author == "requester"
    assert [e.kind for e in detail.events] == ["created"]
    assert detail.events[0].actor == "operator"
    assert ticket.cc == []


async def test_people_in_cc_are_named_and_changed(api: Api) -> None:
    body = ticket_body(cc=["Marc@Client.be", "lea@client.be", "marc@client.be"])
    ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=body)
    assert ticket.cc == ["marc@client.be"]  # once, lower-cased, never the requester
    changed = await api.call(
        "PATCH", f"/api/v1/tickets/{ticket.id}", ApiTicket, json={"cc": ["zoe@client.be"]}
    )
    assert changed.cc == ["zoe@client.be"]
    detail = await api.call("GET", f"/api/v1/tickets/{ticket.id}", ApiTicketDetail)
    assert detail.cc == ["zoe@client.be"] and detail.events[-1].kind == "cc"
    error = await api.error("PATCH", f"/api/v1/tickets/{ticket.id}", 400, json={"cc": ["zoe@"]})
    assert (error.code, error.field) == ("invalid_cc", "cc")


async def test_tags_are_set_by_patch(api: Api) -> None:
    ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=ticket_body())
    assert ticket.tags == []
    path = f"/api/v1/tickets/{ticket.id}"
    changed = await api.call("PATCH", path, ApiTicket, json={"tags": ["Client VIP", "facture"]})
    assert changed.tags == ["client-vip", "facture"]
    detail = await api.call("GET", path, ApiTicketDetail)
    assert detail.tags == ["client-vip", "facture"] and detail.events[-1].kind == "tags"
    listed = await api.call("GET", "/api/v1/tickets?tag=Client%20VIP", ApiTicketPage)
    assert [t.id for t in listed.tickets] == [ticket.id]
    error = await api.error("PATCH", path, 400, json={"tags": ["a,b"]})
    assert (error.code, error.field) == ("tags", "tags")


async def test_a_ticket_is_put_on_hold_until_a_date_by_patch(api: Api) -> None:
    ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=ticket_body())
    assert ticket.hold_until is None
    path = f"/api/v1/tickets/{ticket.id}"
    until = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    error = await api.error("PATCH", path, 400, json={"hold_until": until.isoformat()})
    assert (error.code, error.field) == ("hold_until", "hold_until")  # not on hold
    body = {"status": "on_hold", "hold_until": until.isoformat()}
    held = await api.call("PATCH", path, ApiTicket, json=body)
    assert (held.status, held.hold_until) == ("on_hold", format_ts(until))
    detail = await api.call("GET", path, ApiTicketDetail)
    assert detail.events[-1].kind == "hold" and detail.hold_until == format_ts(until)
    cleared = await api.call("PATCH", path, ApiTicket, json={"hold_until": None})
    assert (cleared.status, cleared.hold_until) == ("on_hold", None)
    error = await api.error("PATCH", path, 400, json={"hold_until": "2020-01-01T00:00:00Z"})
    assert error.code == "hold_until"  # past


async def test_a_reply_moves_the_ticket_and_dates_its_hold_in_one_step(api: Api) -> None:
    ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=ticket_body())
    path = f"/api/v1/tickets/{ticket.id}/messages"
    until = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    body = {"text": "We asked the datacentre.", "status": "on_hold"}
    # A date with a status that is not "on hold", a move the state machine forbids: refused.
    wrong = body | {"status": "pending", "hold_until": until.isoformat()}
    error = await api.error("POST", path, 400, json=wrong)
    assert (error.code, error.field) == ("hold_until", "hold_until")
    error = await api.error("POST", path, 400, json=body | {"status": "open"})
    assert error.field == "status"
    detail = await api.call("GET", f"/api/v1/tickets/{ticket.id}", ApiTicketDetail)
    assert len(detail.messages) == 1  # nothing was posted
    sent = await api.call("POST", path, ApiReply, status=201,
                          json=body | {"hold_until": until.isoformat()})  # fmt: skip
    assert (sent.ticket.status, sent.ticket.hold_until) == ("on_hold", format_ts(until))
    resolved = await api.call("POST", path, ApiReply, status=201,
                              json={"text": "Fixed.", "status": "resolved"})  # fmt: skip
    assert (resolved.ticket.status, resolved.ticket.hold_until) == ("resolved", None)


async def test_files_come_in_base64_and_go_out_as_bytes(api: Api) -> None:
    body = ticket_body(attachments=[{"filename": "screen.png", "content_base64": b64(PNG)}])
    ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=body)
    detail = await api.call("GET", f"/api/v1/tickets/{ticket.id}", ApiTicketDetail)
    [file] = detail.attachments
    assert (file.filename, file.content_type, file.size) == ("screen.png", "image/png", len(PNG))
    status, headers, data = await api.raw("GET", file.url)
    assert status == 200 and data == PNG
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    # A note's file, on a reply.
    log = {"filename": "boot.log", "content_base64": b64(b"kernel panic\n")}
    note = {"text": "log", "internal": True, "attachments": [log]}
    await api.call("POST", f"/api/v1/tickets/{ticket.id}/messages", ApiReply, status=201,
                   json=note)  # fmt: skip
    detail = await api.call("GET", f"/api/v1/tickets/{ticket.id}", ApiTicketDetail)
    assert sorted(f.filename for f in detail.attachments) == ["boot.log", "screen.png"]
    assert (await api.raw("GET", "/api/v1/attachments/" + "0" * 32))[0] == 404


async def test_files_are_checked_on_their_content_and_size(api: Api) -> None:
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 100
    body = ticket_body(attachments=[{"filename": "cat.png", "content_base64": b64(elf)}])
    error = await api.error("POST", "/api/v1/tickets", 400, json=body)
    assert (error.code, error.field) == ("executable", "attachments")
    big = b"a" * (70 * 1024)  # past the desk's 64 kB per file
    body = ticket_body(attachments=[{"filename": "big.log", "content_base64": b64(big)}])
    error = await api.error("POST", "/api/v1/tickets", 413, json=body)
    assert (error.code, error.field) == ("too_large", "attachments")
    body = ticket_body(attachments=[{"filename": "x.png", "content_base64": "not base64!"}])
    error = await api.error("POST", "/api/v1/tickets", 400, json=body)
    assert error.field == "attachments[0].content_base64"
    assert (await api.call("GET", "/api/v1/tickets", ApiTicketPage)).total == 0


async def test_wrong_values_are_refused_with_the_field_named(api: Api) -> None:
    cases: list[tuple[dict[str, Any], int, str, str | None]] = [
        (ticket_body(fields={"site_id": "12"}), 422, "invalid_fields", "fields.site_id"),
        (ticket_body(type="incident"), 422, "invalid_fields", "fields.site_id"),
        (ticket_body(fields={"nope": "1"}), 422, "invalid_fields", "fields.nope"),
        (ticket_body(fields={"plan": "gold"}), 422, "invalid_fields", "fields.plan"),
        (ticket_body(department="nowhere"), 400, "department", "department"),
        (ticket_body(requester={"email": "not-an-address"}), 400, "invalid_email",
         "requester.email"),
        (ticket_body(subject="   "), 400, "subject", "subject"),
        (ticket_body(priority="asap"), 400, "invalid_payload", "priority"),
        (ticket_body(colour="red"), 400, "invalid_payload", "colour"),
        (ticket_body(requester={"email": "a@b.be", "age": 3}), 400, "invalid_payload",
         "requester.age"),
        ({"requester": {"email": "a@b.be"}}, 400, "invalid_payload", "subject"),
        (ticket_body(subject=42), 400, "invalid_payload", "subject"),
        (ticket_body(cc=["marc@client.be", "pas une adresse"]), 400, "invalid_cc", "cc"),
        (ticket_body(cc=[f"p{n}@client.be" for n in range(11)]), 400, "invalid_payload", "cc"),
    ]  # fmt: skip
    for body, status, code, field in cases:
        error = await api.error("POST", "/api/v1/tickets", status, json=body)
        assert (error.code, error.field) == (code, field), (body, error)
    error = await api.error("POST", "/api/v1/tickets", 422,
                            json=ticket_body(fields={"site_id": "12"}, lang="nl"))  # fmt: skip
    assert "formaat" in error.message  # in the requester's language


async def test_replies_notes_and_retries(api: Api, desk: Desk) -> None:
    ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=ticket_body())
    path = f"/api/v1/tickets/{ticket.number.lstrip('#')}/messages"
    note = await api.call("POST", path, ApiReply, status=201,
                          json={"text": "Check the hypervisor", "internal": True})  # fmt: skip
    assert note.message.internal and note.ticket.status == "new"
    first = await api.call("POST", path, ApiReply, status=201,
                           json={"text": "We are on it", "client_id": "r-1"})  # fmt: skip
    assert first.ticket.status == "open" and first.message.author == "operator"
    again = await api.call("POST", path, ApiReply, status=200,
                           json={"text": "We are on it", "client_id": "r-1"})  # fmt: skip
    assert again.message.id == first.message.id
    detail = await api.call("GET", f"/api/v1/tickets/{ticket.id}", ApiTicketDetail)
    assert [(m.text, m.internal) for m in detail.messages] == [
        (ticket_body()["description"], False),
        ("Check the hypervisor", True),
        ("We are on it", False),
    ]
    error = await api.error("POST", path, 400, json={"text": ""})
    assert error.field == "text"
    error = await api.error("POST", "/api/v1/tickets/999/messages", 404, json={"text": "hi"})
    assert error.code == "not_found"


async def test_changes_follow_the_state_machine(api: Api, desk: Desk) -> None:
    ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=ticket_body())
    path = f"/api/v1/tickets/{ticket.id}"
    changed = await api.call("PATCH", path, ApiTicket, json={
        "priority": "urgent", "department": "billing", "assignee": "bob@desk.test",
        "subject": "VPS down", "fields": {"plan": "web"}, "type": "incident",
    } | {"fields": {"plan": "web", "site_id": "4321"}})  # fmt: skip
    assert (changed.priority, changed.department, changed.subject) == ("urgent", "billing",
                                                                       "VPS down")  # fmt: skip
    assert changed.assignee == desk.ids["bob"] and changed.type == "incident"
    assert changed.fields == {"plan": "web", "site_id": "4321"}
    changed = await api.call("PATCH", path, ApiTicket, json={"assignee": None})
    assert changed.assignee is None
    changed = await api.call("PATCH", path, ApiTicket, json={"assignee": desk.ids["sam"]})
    assert changed.assignee == desk.ids["sam"]
    assert (await api.call("PATCH", path, ApiTicket, json={})).updated_at == changed.updated_at
    resolved = await api.call("PATCH", path, ApiTicket, json={"status": "resolved"})
    assert resolved.status == "resolved"
    error = await api.error("PATCH", path, 409, json={"status": "pending"})
    assert error.code == "invalid_transition"
    await api.call("PATCH", path, ApiTicket, json={"status": "closed"})
    error = await api.error("PATCH", path, 409, json={"status": "open"})
    assert error.code == "invalid_transition"
    error = await api.error("POST", f"{path}/messages", 409, json={"text": "hello?"})
    assert error.code == "ticket_closed"
    for body, status, field in [
        ({"assignee": "nobody@desk.test"}, 400, "assignee"),
        ({"status": "gone"}, 400, "status"),
        ({"assignee": 3}, 400, "assignee"),
        ({"fields": {"site_id": "x"}}, 422, "fields.site_id"),
        ({"number": "#1"}, 400, "number"),
    ]:
        assert (await api.error("PATCH", path, status, json=body)).field == field
    detail = await api.call("GET", path, ApiTicketDetail)
    kinds = [e.kind for e in detail.events]
    for kind in ("priority", "department", "assignee", "subject", "fields", "type", "status"):
        assert kind in kinds


async def test_merge_moves_the_thread(api: Api) -> None:
    source = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201,
                            json=ticket_body(subject="Printer jammed"))  # fmt: skip
    target = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201,
                            json=ticket_body(subject="Printer broken"))  # fmt: skip
    merged = await api.call("POST", f"/api/v1/tickets/{source.id}/merge", ApiTicket,
                            json={"into": target.number})  # fmt: skip
    assert merged.id == target.id
    detail = await api.call("GET", f"/api/v1/tickets/{target.id}", ApiTicketDetail)
    assert len(detail.messages) == 2
    closed = await api.call("GET", f"/api/v1/tickets/{source.id}", ApiTicketDetail)
    assert (closed.status, closed.merged_into) == ("closed", target.id)
    error = await api.error("POST", f"/api/v1/tickets/{target.id}/merge", 400,
                            json={"into": target.id})  # fmt: skip
    assert (error.code, error.field) == ("same_ticket", "into")
    error = await api.error("POST", f"/api/v1/tickets/{target.id}/merge", 409,
                            json={"into": source.id})  # fmt: skip
    assert error.code == "target_closed"
    error = await api.error("POST", f"/api/v1/tickets/{target.id}/merge", 404,
                            json={"into": "#999999"})  # fmt: skip
    assert error.code == "not_found"


async def test_spam_is_marked_and_a_second_question_split_off(api: Api, desk: Desk) -> None:
    body = ticket_body(subject="Offre", requester={"email": "x@spam.be"})
    spam = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=body)
    marked = await api.call("POST", f"/api/v1/tickets/{spam.id}/spam", ApiTicket,
                            json={"block": True})  # fmt: skip
    assert (marked.status, marked.tags) == ("closed", ["spam"])
    assert await desk.services.helpdesk.blocks.find("x@spam.be") is not None
    error = await api.error("POST", "/api/v1/tickets/%23999999/spam", 404, json={})
    assert error.code == "not_found"
    error = await api.error("POST", f"/api/v1/tickets/{spam.id}/spam", 400, json={"block": 1})
    assert error.field == "block"

    asked = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201,
                           json=ticket_body(subject="Site lent"))  # fmt: skip
    detail = await api.call("GET", f"/api/v1/tickets/{asked.id}", ApiTicketDetail)
    first = detail.messages[0]
    status, headers, raw = await api.raw(
        "POST", f"/api/v1/tickets/{asked.id}/split",
        json={"message_id": first.id, "subject": "Autre question"},
    )  # fmt: skip
    assert status == 201, raw
    split = msgspec.json.decode(raw, type=ApiTicket)
    assert headers["Location"] == f"/api/v1/tickets/{split.id}"
    assert split.subject == "Autre question" and split.requester.email == "lea@client.be"
    after = await api.call("GET", f"/api/v1/tickets/{split.id}", ApiTicketDetail)
    assert [m.text for m in after.messages] == [first.text]
    assert [e.kind for e in after.events][-1] == "split_from"
    error = await api.error("POST", f"/api/v1/tickets/{asked.id}/split", 404,
                            json={"message_id": "0" * 32, "subject": "x"})  # fmt: skip
    assert error.code == "unknown_message"


async def test_operators_hear_of_api_changes(api: Api, desk: Desk) -> None:
    services = desk.services
    ada = await services.operators.get(desk.ids["ada"])
    token, _ = services.operators.tokens.issue(ada)
    console = OperatorClient(str(desk.server.make_url("")))
    try:
        await console.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
        ticket = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201,
                                json=ticket_body())  # fmt: skip
        assert (await console.next("ticket"))["id"] == ticket.id
        await api.call("PATCH", f"/api/v1/tickets/{ticket.id}", ApiTicket,
                       json={"priority": "high"})  # fmt: skip
        assert (await console.next("ticket"))["priority"] == "high"
    finally:
        await console.close()


async def test_a_full_site_refuses_one_more_editor(api: Api, desk: Desk) -> None:
    people = desk.services.helpdesk.people
    acme = await people.add_organisation("Acme", max_editors_per_site=1)
    await people.add_member(acme, "lea@acme.be", role="admin", name="Léa")
    await people.add_member(acme, "tom@acme.be", name="Tom")
    lea = ticket_body(requester={"email": "lea@acme.be"}, fields={"site_id": "1234"})
    await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=lea)
    tom = ticket_body(requester={"email": "tom@acme.be"}, fields={"site_id": "1234"})
    error = await api.error("POST", "/api/v1/tickets", 409, json=tom)
    assert error.code == "seats_full" and "lea@acme.be" in error.message
