"""Files in chat over HTTP: POST /widget/files (token, ticket, limits, CORS) and the
visitor's signed downloads; operators receive the message live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from .forged import altered
from .test_operator_socket import ALWAYS_OPEN, operator_factory

__all__ = ["operator_factory"]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
LIMITS = '[attachments]\nmax_file = "200kB"\nmax_ticket = "300kB"\n'


@pytest.fixture
async def server(start_server: Any, tmp_path: Path) -> Any:
    config = tmp_path / "chatdesk.toml"
    config.write_text(ALWAYS_OPEN + LIMITS)
    return await start_server(config_file=config, allowed_origins=("https://shop.example",))


def form(data: bytes, name: str = "shot.png", client_id: str = "f-1") -> aiohttp.FormData:
    posted = aiohttp.FormData(quote_fields=False)  # as browsers send names: UTF-8
    posted.add_field("client_id", client_id)
    posted.add_field("file", data, filename=name, content_type="application/octet-stream")
    return posted


async def send(
    server: Any, token: str | None, data: bytes = PNG, **kw: Any
) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    headers |= kw.pop("headers", {})
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.make_url("/widget/files"), data=form(data, **kw), headers=headers
        ) as response,
    ):
        return response.status, await response.json()


async def escalated(visitor_factory: Any) -> Any:
    v = await visitor_factory({"lang": "fr"})
    ack = await v.call("escalate", {})
    assert ack["ok"] is True and ack["state"]["ticket"] is not None, ack
    return v


async def test_refused_without_a_token_a_ticket_or_an_allowed_origin(
    server: Any, visitor_factory: Any, operator_factory: Any
) -> None:
    await operator_factory("Sophie")
    status, body = await send(server, None)
    assert (status, body["error"]["code"]) == (401, "invalid_token")
    status, body = await send(server, "forged.token")
    assert (status, body["error"]["code"]) == (401, "invalid_token")
    v = await visitor_factory({"lang": "fr"})
    status, body = await send(server, v.token)
    assert (status, body["error"]["code"]) == (409, "no_ticket")
    await v.call("escalate", {})
    status, body = await send(server, v.token, headers={"Origin": "https://evil.example"})
    assert (status, body["error"]["code"]) == (403, "origin_not_allowed")
    async with aiohttp.ClientSession() as http:
        preflight = await http.options(
            server.make_url("/widget/files"),
            headers={
                "Origin": "https://shop.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == "https://shop.example"
        assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
        other = await http.options(
            server.make_url("/widget/files"), headers={"Origin": "https://evil.example"}
        )
        assert other.status == 403 and "Access-Control-Allow-Origin" not in other.headers


async def test_files_are_checked_on_their_content_and_size(
    server: Any, visitor_factory: Any, operator_factory: Any
) -> None:
    await operator_factory("Sophie")
    v = await escalated(visitor_factory)
    status, body = await send(server, v.token, b"\x7fELF\x02\x01\x01" + b"\x00" * 64, name="a.png")
    assert (status, body["error"]["code"]) == (400, "executable")
    status, body = await send(server, v.token, client_id="")
    assert (status, body["error"]["code"]) == (400, "invalid_client_id")
    async with aiohttp.ClientSession() as http:
        no_file = aiohttp.FormData({"client_id": "n1"})
        response = await http.post(
            server.make_url("/widget/files"),
            data=no_file,
            headers={"Authorization": f"Bearer {v.token}"},
        )
        assert response.status == 400 and (await response.json())["error"]["code"] == "one_file"
    status, body = await send(server, v.token, b"\x00\x01\x02" * 10, name="blob.png")
    assert (status, body["error"]["code"]) == (400, "type_not_allowed")
    status, body = await send(server, v.token, b"a" * 201 * 1024, name="big.txt")
    assert (status, body["error"]["code"]) == (413, "too_large")
    # The ticket's total: 300 kB.
    for i in range(2):
        status, _ = await send(
            server, v.token, b"b" * 150 * 1024, name="log.txt", client_id=f"l{i}"
        )
        assert status == 201
    status, body = await send(server, v.token, b"c" * 10, name="c.txt", client_id="l3")
    assert (status, body["error"]["code"]) == (413, "too_large")


async def test_a_file_reaches_the_operator_and_the_visitors_link_works(
    server: Any, visitor_factory: Any, operator_factory: Any
) -> None:
    sophie = await operator_factory("Sophie")
    v = await escalated(visitor_factory)
    cid = v.session["conversation_id"]
    await sophie.call("watch", {"conversation_id": cid})
    status, body = await send(
        server, v.token, name="écran.png", headers={"Origin": "https://shop.example"}
    )
    assert status == 201, body
    message = body["message"]
    assert message["author"] == "visitor" and message["text"] == "écran.png"
    [sent] = message["attachments"]
    assert (sent["name"], sent["size"], sent["content_type"]) == (
        "écran.png",
        len(PNG),
        "image/png",
    )
    assert sent["url"].startswith(f"/widget/files/{sent['id']}?sig=")

    # Operators get it live, with the console's link; the visitor's other tabs the signed one.
    seen = await sophie.next("message")
    while seen["id"] != message["id"]:
        seen = await sophie.next("message")
    assert seen["attachments"][0]["url"] == f"/console/files/{sent['id']}"
    echoed = await v.next("message")
    while echoed["id"] != message["id"]:
        echoed = await v.next("message")
    assert echoed["attachments"][0]["url"] == sent["url"]
    history = await v.call("history", {"since": 0})
    assert history["messages"][-1]["attachments"][0]["url"] == sent["url"]

    # The same client id again: the first message, no second file.
    status, again = await send(server, v.token, name="écran.png")
    assert status == 201 and again["message"]["id"] == message["id"]
    watch = await sophie.call("watch", {"conversation_id": cid})
    assert sum(1 for m in watch["messages"] if m.get("attachments")) == 1

    async with aiohttp.ClientSession() as http:
        download = await http.get(server.make_url(sent["url"]))
        assert download.status == 200 and await download.read() == PNG
        assert download.headers["Content-Type"] == "image/png"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        tampered = await http.get(server.make_url(altered(sent["url"])))
        assert tampered.status == 403
        unsigned = await http.get(server.make_url(f"/widget/files/{sent['id']}"))
        assert unsigned.status == 403
        # The operator's own link (behind the console's login).
        cookie = {"Cookie": sophie.cookie}
        console = await http.get(server.make_url(seen["attachments"][0]["url"]), headers=cookie)
        assert console.status == 200 and await console.read() == PNG
