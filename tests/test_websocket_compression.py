"""permessage-deflate: declined by default (memory), negotiated when enabled."""

from __future__ import annotations

from typing import Any

import aiohttp


async def negotiated(server: Any) -> bool:
    url = str(server.make_url("/socket.io/?EIO=4&transport=websocket"))
    # Offer it, as every browser does.
    async with aiohttp.ClientSession() as session, session.ws_connect(url, compress=15) as ws:
        opening = await ws.receive_str()
        assert opening.startswith("0{")
        return ws.compress != 0


async def test_declined_by_default(server: Any) -> None:
    assert await negotiated(server) is False


async def test_negotiated_when_enabled(start_server: Any) -> None:
    assert await negotiated(await start_server(websocket_compression="on")) is True


async def test_the_socket_still_works_without_it(visitor_factory: Any) -> None:
    v = await visitor_factory()
    assert (await v.say("hello"))["seq"] == 1
