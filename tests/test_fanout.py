"""Two desk processes (in-process apps) on one Redis: fan-out (chat messages, ticket
presence), bounded pool, shared throttles."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import msgspec
import pytest
from redis.asyncio import Redis

from chatdesk import Settings
from chatdesk.app import REDIS, SIO
from chatdesk.errors import RateLimited
from chatdesk.helpdesk import NewTicket
from chatdesk.web.appkeys import SERVICES

from .clients import OperatorClient


def fields(settings: Settings, **changes: Any) -> dict[str, Any]:
    """Return ``settings`` as keywords for ``start_server``."""
    return {**msgspec.structs.asdict(settings), **changes}


@pytest.fixture
def shared(settings: Settings, redis_url: str) -> Settings:
    return settings.replace(redis_url=redis_url, redis_pool_size=4, secret_key="k" * 40)


async def test_a_message_on_one_process_reaches_the_tab_on_the_other(
    start_server: Any, new_client: Any, shared: Settings
) -> None:
    one = await start_server(**fields(shared, process_name="one"))
    two = await start_server(**fields(shared, process_name="two"))
    here = new_client(one)
    await here.connect()
    there = new_client(two)
    await there.connect({"token": here.token})
    said = await here.say("Bonjour")
    assert (await there.next("message"))["seq"] == said["seq"]


async def test_a_burst_of_emits_waits_for_the_bounded_pool_and_loses_nothing(
    start_server: Any, new_client: Any, shared: Settings, redis_url: str
) -> None:
    one = await start_server(**fields(shared))
    two = await start_server(**fields(shared))
    visitor = new_client(two)  # what `one` emits reaches it only through Redis
    await visitor.connect()
    said = await visitor.say("Bonjour")
    assert (await visitor.next("message"))["seq"] == said["seq"]
    room = f"visitor:{visitor.session['visitor_id']}"
    sio = one.app[SIO]
    burst = 500
    await asyncio.gather(
        *(
            sio.emit("message", {**said, "seq": n}, to=room, namespace="/visitor")
            for n in range(burst)
        )
    )
    received = [(await visitor.next("message"))["seq"] for _ in range(burst)]
    assert received == list(range(burst))  # all of them, in the order emitted
    # Everything else on the process's client (throttles, flood counts) waits its turn.
    await asyncio.gather(*(one.app[REDIS].ping() for _ in range(burst)))
    checker = Redis.from_url(redis_url)
    try:
        # redis-py's default pool would keep ~one connection per emit under way.
        clients = await checker.client_list()
    finally:
        await checker.aclose()
    # Each app: at most its pool, and its listener; plus the checker.
    assert len(clients) <= 2 * (shared.redis_pool_size + 1) + 1, clients


async def test_login_failures_count_across_processes(start_server: Any, shared: Settings) -> None:
    one = await start_server(**fields(shared))
    two = await start_server(**fields(shared))
    first, second = one.app[SERVICES].operators, two.app[SERVICES].operators
    await first.add(
        "ann@desk.test",
        name="Ann",
        role="operator",
        departments=("general",),
        languages=("fr",),
        password="correct horse battery",
    )
    for server in (first, second, first, second, first):
        with pytest.raises(Exception) as failed:
            await server.login("ann@desk.test", "wrong password!", client="10.0.0.1")
        assert not isinstance(failed.value, RateLimited)
    with pytest.raises(RateLimited):
        await second.login("ann@desk.test", "correct horse battery", client="10.0.0.2")


async def test_sign_in_links_count_across_processes(start_server: Any, shared: Settings) -> None:
    one = await start_server(**fields(shared))
    two = await start_server(**fields(shared))
    await one.app[SERVICES].helpdesk.people.requester("lea@example.be", name="Léa")
    first, second = (server.app[SERVICES].helpdesk.signin for server in (one, two))
    for signin in (first, second, first):  # 3 links per address in 15 minutes
        assert len(await signin.request("lea@example.be", client="10.0.0.1")) == 1
    assert await second.request("lea@example.be", client="10.0.0.2") == []


async def test_websocket_only_refuses_long_polling(start_server: Any, new_client: Any) -> None:
    server = await start_server(transports=("websocket",))
    async with aiohttp.ClientSession() as http:
        url = server.make_url("/socket.io/?EIO=4&transport=polling")
        async with http.get(url) as response:
            assert response.status == 400
    visitor = new_client(server)  # the widget's way: websocket first
    await visitor.connect()
    assert visitor.session["conversation_id"]


async def test_ticket_presence_crosses_processes(start_server: Any, shared: Settings) -> None:
    one = await start_server(**fields(shared, process_name="one"))
    two = await start_server(**fields(shared, process_name="two"))
    services = one.app[SERVICES]
    ticket, _ = await services.helpdesk.filing.file(
        NewTicket(email="lea@example.be", subject="Site en panne")
    )
    consoles = []
    for name, server in (("Ann", one), ("Bob", two)):
        operator = await services.operators.add(
            f"{name.lower()}@desk.test", name=name, role="operator", departments=("general",),
            languages=("fr",), password="correct horse battery",
        )  # fmt: skip
        token, _ = services.operators.tokens.issue(operator)
        client = OperatorClient(str(server.make_url("")))
        await client.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
        consoles.append(client)
    ann, bob = consoles
    try:
        for client in consoles:
            ack = await client.call("ticket_presence", {"ref": ticket.id, "state": "viewing"})
            assert ack["ok"], ack
        while (heard := await ann.next("ticket_presence"))["name"] != "Bob":
            pass
        assert heard["state"] == "viewing"
        # The lists' news too, and a roll call reaches the other process's consoles.
        while (heard := await ann.next("ticket_viewers"))["name"] != "Bob":
            pass
        assert heard["ticket_id"] == ticket.id
        assert (await ann.call("ticket_roll_call", {}))["ok"] is True
        asked = await bob.next("ticket_roll_call")
        # Bob's page answers Ann's list, across processes, and only it.
        ack = await bob.call(
            "ticket_presence", {"ref": ticket.id, "state": "replying", "to": asked["tab"]}
        )
        assert ack["ok"], ack
        while (heard := await ann.next("ticket_viewers"))["state"] != "replying":
            pass
        assert heard["name"] == "Bob"
        await bob.sio.disconnect()  # process two tells the viewers on process one
        while (heard := await ann.next("ticket_presence"))["name"] != "Bob":
            pass
        assert heard["state"] == "left"
    finally:
        for client in consoles:
            await client.close()
