"""The API's gate on a real server: tokens, roles, throttling, JSON only, sizes, errors."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import ClientSession

from chatdesk.web.appkeys import SERVICES
from chatdesk.wire.apiout import ApiDesk, ApiTicket, ApiTicketDetail, ApiTicketPage

from ..conftest import StartServer
from .conftest import PASSWORD, Api, Desk, ticket_body


async def test_requests_need_a_valid_token(desk: Desk, as_: Any) -> None:
    anonymous = as_(None)
    status, headers, _ = await anonymous.raw("GET", "/api/v1/tickets")
    assert status == 401 and headers["WWW-Authenticate"] == 'Bearer realm="chatdesk"'
    for value in ("Basic YWRhOnB3", "Bearer", "Bearer cdk_forged", "Bearer " + "x" * 500):
        status, headers, body = await anonymous.raw(
            "GET", "/api/v1/tickets", headers={"Authorization": value}
        )
        assert status == 401, (value, body)
        assert headers["WWW-Authenticate"].startswith("Bearer")
    # The desk's choices and the API's description are public.
    desk_info = await anonymous.call("GET", "/api/v1/desk", ApiDesk)
    assert desk_info.name == "Ardenne Cloud"
    assert (await anonymous.raw("GET", "/api/v1/openapi.json"))[0] == 200


async def test_a_revoked_token_or_a_disabled_operator_is_refused(desk: Desk, as_: Any) -> None:
    services = desk.services
    bob = as_("bob")
    await bob.call("GET", "/api/v1/tickets", ApiTicketPage)
    [token] = await services.helpdesk.api_tokens.list(await services.operators.get(desk.ids["bob"]))
    await services.helpdesk.api_tokens.revoke(token.id)
    error = await bob.error("GET", "/api/v1/tickets", 401)
    assert error.code == "unauthorized"
    sam = as_("sam")
    await services.operators.set_disabled("sam@desk.test", True)
    assert (await sam.error("GET", "/api/v1/tickets", 401)).code == "unauthorized"


async def test_complaints_are_for_service_managers_and_admins(api: Api, as_: Any) -> None:
    body = ticket_body(type="complaint", subject="Rude answer")
    complaint = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201, json=body)
    question = await api.call("POST", "/api/v1/tickets", ApiTicket, status=201,
                              json=ticket_body())  # fmt: skip
    bob = as_("bob")
    page = await bob.call("GET", "/api/v1/tickets", ApiTicketPage)
    assert [t.id for t in page.tickets] == [question.id] and page.total == 1
    page = await bob.call("GET", "/api/v1/tickets?type=complaint", ApiTicketPage)
    assert page.tickets == []
    for method, path, body in [
        ("GET", f"/api/v1/tickets/{complaint.id}", None),
        ("PATCH", f"/api/v1/tickets/{complaint.number[1:]}", {"priority": "low"}),
        ("POST", f"/api/v1/tickets/{complaint.id}/messages", {"text": "Sorry"}),
        ("POST", f"/api/v1/tickets/{question.id}/merge", {"into": complaint.id}),
    ]:
        assert (await bob.error(method, path, 404, json=body)).code == "not_found"
    for who in ("sam", "ada"):
        seen = await as_(who).call("GET", f"/api/v1/tickets/{complaint.id}", ApiTicketDetail)
        assert seen.type == "complaint"
    page = await as_("sam").call("GET", "/api/v1/tickets?type=complaint", ApiTicketPage)
    assert [t.id for t in page.tickets] == [complaint.id]


async def test_bodies_must_be_json_of_a_bounded_size(api: Api) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = await api.raw("POST", "/api/v1/tickets", data=b"subject=x", headers=form)
    assert status == 415, body
    error = await api.error("POST", "/api/v1/tickets", 400, data=b"{nope",
                            headers={"Content-Type": "application/json"})  # fmt: skip
    assert error.code == "invalid_json"
    error = await api.error("POST", "/api/v1/tickets", 400, json=["a list"])
    assert error.code == "invalid_payload"
    huge = json.dumps(ticket_body(description="x" * 2_000_000)).encode()
    for body in (io.BytesIO(huge), _chunks(huge)):  # announced, then streamed unannounced
        error = await api.error("POST", "/api/v1/tickets", 413, data=body,
                                headers={"Content-Type": "application/json"})  # fmt: skip
        assert error.code == "too_large"
    page = await api.call("GET", "/api/v1/tickets", ApiTicketPage)
    assert page.total == 0


async def test_unknown_routes_and_methods_answer_json_without_cors(api: Api) -> None:
    status, headers, body = await api.raw("GET", "/api/v1/nothing")
    assert status == 404 and headers["Content-Type"].startswith("application/json"), body
    status, headers, _ = await api.raw("DELETE", "/api/v1/tickets/1")
    assert status == 405 and "PATCH" in headers["Allow"]
    status, headers, _ = await api.raw(
        "OPTIONS", "/api/v1/tickets",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )  # fmt: skip
    assert status == 405
    assert not any(h.lower().startswith("access-control-") for h in headers)
    status, headers, _ = await api.raw("GET", "/api/v1/tickets",
                                       headers={"Origin": "https://evil.example"})  # fmt: skip
    assert status == 200
    assert not any(h.lower().startswith("access-control-") for h in headers)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"


async def test_query_parameters_are_checked(api: Api) -> None:
    for query, field in [
        ("colour=red", "colour"),
        ("page=0", "page"),
        ("per_page=500", "per_page"),
        ("status=open&status=new", "status"),
        ("status=opened", "status"),
        ("sort=random", "sort"),
        ("type=bug", "type"),
        ("assignee=nobody@desk.test", "assignee"),
    ]:
        error = await api.error("GET", f"/api/v1/tickets?{query}", 400)
        assert error.field == field, (query, error)


async def test_each_token_has_a_budget(start_server: StartServer, tmp_path: Any) -> None:
    server = await start_server(api_requests_per_minute=3)
    services = server.app[SERVICES]
    operator = await services.operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    _, first = await services.helpdesk.api_tokens.create(operator)
    _, second = await services.helpdesk.api_tokens.create(operator)
    async with ClientSession(base_url=str(server.make_url(""))) as session:
        api, other = Api(session, first), Api(session, second)
        for _ in range(3):
            await api.call("GET", "/api/v1/tickets", ApiTicketPage)
        status, headers, body = await api.raw("GET", "/api/v1/tickets")
        assert status == 429, body
        assert 1 <= int(headers["Retry-After"]) <= 60
        assert (await api.error("GET", "/api/v1/tickets", 429)).code == "rate_limited"
        await other.call("GET", "/api/v1/tickets", ApiTicketPage)  # its own budget
        anonymous = Api(session, None)
        for _ in range(3):
            await anonymous.call("GET", "/api/v1/desk", ApiDesk)
        assert (await anonymous.error("GET", "/api/v1/desk", 429)).code == "rate_limited"


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]
