"""The block list over the REST API: admins list, add and remove senders (on the audit
log, as in the console); other operators' tokens get 403; refusals change nothing."""

from __future__ import annotations

from typing import Any

from chatdesk.helpdesk import NewTicket
from chatdesk.models import AuditAction
from chatdesk.wire.apiout import ApiBlocked, ApiBlockedList

from .conftest import Api, Desk


async def test_an_admin_keeps_the_block_list(api: Api, as_: Any, desk: Desk) -> None:
    assert (await api.call("GET", "/api/v1/blocked", ApiBlockedList)).blocked == []
    body = {"pattern": "*@Spam.Example", "note": "prize draws"}
    status, headers, raw = await api.raw("POST", "/api/v1/blocked", json=body)
    assert status == 201 and headers["Location"] == "/api/v1/blocked/spam.example", raw
    added = await api.call(
        "POST", "/api/v1/blocked", ApiBlocked, status=201, json={"pattern": "promo@x.example"}
    )
    assert (added.pattern, added.domain, added.hits, added.last_hit) == (
        "promo@x.example",
        False,
        0,
        None,
    )
    assert added.created_by == desk.ids["ada"]

    # The form's way in is refused for a blocked domain's sender, and the hit counted.
    services = desk.services
    refused = await services.helpdesk.blocks.stops("lea@mx.spam.example")
    assert refused is not None
    listed = (await api.call("GET", "/api/v1/blocked", ApiBlockedList)).blocked
    assert [(b.pattern, b.domain, b.note, b.hits) for b in listed] == [
        ("promo@x.example", False, "", 0),
        ("spam.example", True, "prize draws", 1),
    ]

    # Refused: a duplicate, something that is no address nor domain, another role.
    assert (await api.error("POST", "/api/v1/blocked", 409, json=body)).code == "already_blocked"
    bad = await api.error("POST", "/api/v1/blocked", 400, json={"pattern": "not a domain"})
    assert bad.code == "invalid_pattern"
    bob = as_("bob")
    assert (await bob.error("GET", "/api/v1/blocked", 403)).code == "forbidden"
    await bob.error("POST", "/api/v1/blocked", 403, json={"pattern": "other.example"})
    await bob.error("DELETE", "/api/v1/blocked/spam.example", 403)
    await as_(None).error("GET", "/api/v1/blocked", 401)

    # Removed (as typed or as listed); a second time: 404.
    status, _, raw = await api.raw("DELETE", "/api/v1/blocked/%40spam.example")
    assert (status, raw) == (204, b"")
    assert (await api.error("DELETE", "/api/v1/blocked/spam.example", 404)).code == "not_blocked"
    status, _, _ = await api.raw("DELETE", "/api/v1/blocked/promo%40x.example")
    assert status == 204
    assert (await api.call("GET", "/api/v1/blocked", ApiBlockedList)).blocked == []
    # Filing again works; each act is on the audit log, by the token's operator.
    ticket, _ = await services.helpdesk.filing.file(NewTicket("lea@spam.example", "Hello"))
    assert ticket.number
    ada = next(o for o in await services.operators.list() if o.email == "ada@desk.test")
    audit = [(e.action, e.target) for e in await services.audit.page(ada)]
    assert audit == [
        (AuditAction.SENDER_UNBLOCKED, "promo@x.example"),
        (AuditAction.SENDER_UNBLOCKED, "spam.example"),
        (AuditAction.SENDER_BLOCKED, "promo@x.example"),
        (AuditAction.SENDER_BLOCKED, "spam.example"),
    ]
