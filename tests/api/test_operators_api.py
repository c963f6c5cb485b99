"""Operator accounts over the REST API: admins list them (with when each last used the
console) and disable or enable one (on the audit log, as in the console); a disabled
operator's token stops at once; other roles get 403; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from chatdesk.errors import Unauthorized
from chatdesk.models import AuditAction
from chatdesk.wire.apiout import ApiOperator, ApiOperatorList

from .conftest import Api, Desk


async def test_an_admin_lists_operators_and_disables_a_leaver(
    api: Api, as_: Any, desk: Desk
) -> None:
    listed = (await api.call("GET", "/api/v1/operators", ApiOperatorList)).operators
    assert [(o.name, o.email, o.role, o.disabled) for o in listed] == [
        ("Ada", "ada@desk.test", "admin", False),
        ("Bob", "bob@desk.test", "operator", False),
        ("Sam", "sam@desk.test", "service_manager", False),
    ]
    bob = next(o for o in listed if o.name == "Bob")
    assert (bob.departments, bob.languages, bob.two_factor, bob.away_until) == (
        ["general"], ["en"], False, None,
    )  # fmt: skip
    assert bob.last_seen_at is None and bob.created_at is not None  # never in the console
    services = desk.services
    token, _ = services.operators.tokens.issue(await _operator(desk, "bob"))
    await services.operators.session(token)  # Bob opens the console
    seen = (await api.call("GET", "/api/v1/operators", ApiOperatorList)).operators
    assert next(o for o in seen if o.name == "Bob").last_seen_at is not None

    # Bob leaves: his account is disabled, his token and sessions stop at once.
    bob_api = as_("bob")
    assert (await bob_api.error("GET", "/api/v1/operators", 403)).code == "forbidden"
    path = f"/api/v1/operators/{desk.ids['bob']}"
    gone = await api.call("PATCH", path, ApiOperator, json={"disabled": True})
    assert gone.disabled and gone.email == "bob@desk.test"
    await bob_api.error("GET", "/api/v1/tickets", 401)
    # The same again changes nothing (no second audit entry); then back.
    assert (await api.call("PATCH", path, ApiOperator, json={"disabled": True})).disabled
    assert (await api.call("PATCH", path, ApiOperator, json={})).disabled  # left out
    back = await api.call("PATCH", path, ApiOperator, json={"disabled": False})
    assert not back.disabled
    ada = await _operator(desk, "ada")
    audit = [(e.action, e.target) for e in await services.audit.page(ada)]
    assert audit == [
        (AuditAction.OPERATOR_ENABLED, "bob@desk.test"),
        (AuditAction.OPERATOR_DISABLED, "bob@desk.test"),
    ]


async def test_an_admin_signs_an_operator_out_everywhere(api: Api, as_: Any, desk: Desk) -> None:
    services = desk.services
    bob = await _operator(desk, "bob")
    token, _ = await services.operators.sessions.open(bob, client="192.0.2.7", agent="curl/8")
    await services.operators.session(token)
    path = f"/api/v1/operators/{desk.ids['bob']}"
    done = await api.call("PATCH", path, ApiOperator, json={"end_sessions": True})
    assert not done.disabled  # still an account: only its sessions ended
    with pytest.raises(Unauthorized):
        await services.operators.session(token)
    # Not disabled: his API token still works (only a person's sessions ended).
    await as_("bob").call("GET", "/api/v1/tickets", object)
    audit = [(e.action, e.target) for e in await services.audit.page(await _operator(desk, "ada"))]
    assert audit[0] == (AuditAction.SESSIONS_ENDED, "bob@desk.test")
    own = await api.error(
        "PATCH", f"/api/v1/operators/{desk.ids['ada']}", 409, json={"end_sessions": True}
    )
    assert own.code == "own_sessions"


async def test_refusals_change_nothing(api: Api, as_: Any, desk: Desk) -> None:
    own = f"/api/v1/operators/{desk.ids['ada']}"
    refused = await api.error("PATCH", own, 409, json={"disabled": True})
    assert refused.code == "own_account"
    nobody = await api.error("PATCH", "/api/v1/operators/nobody", 404, json={"disabled": True})
    assert nobody.code == "unknown_operator"
    bad = await api.error("PATCH", own, 400, json={"disabled": "yes"})
    assert bad.code == "invalid_payload"
    bob = f"/api/v1/operators/{desk.ids['bob']}"
    await as_("sam").error("PATCH", bob, 403, json={"disabled": True})
    await as_(None).error("GET", "/api/v1/operators", 401)
    listed = (await api.call("GET", "/api/v1/operators", ApiOperatorList)).operators
    assert not any(o.disabled for o in listed)


async def _operator(desk: Desk, name: str) -> Any:
    found = await desk.services.operators.get(desk.ids[name])
    assert found is not None
    return found
