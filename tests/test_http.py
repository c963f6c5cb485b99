"""Plain HTTP endpoints."""

from __future__ import annotations

from typing import Any

from chatdesk import create_app
from chatdesk.store import SqliteStore


async def test_healthz_reports_the_store(server: Any, aiohttp_client: Any) -> None:
    client = await aiohttp_client(server)
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok" and body["store"] == "sqlite"


async def test_healthz_is_503_when_the_store_is_down(
    settings: Any, aiohttp_client: Any, tmp_path: Any
) -> None:
    store = SqliteStore(tmp_path / "db.sqlite3")
    client = await aiohttp_client(create_app(settings, store=store))
    await store.close()  # the store dies under a running server
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["status"] == "unavailable"


async def test_front_page(server: Any, aiohttp_client: Any) -> None:
    client = await aiohttp_client(server)
    response = await client.get("/")
    assert response.status == 200
    assert "chatdesk" in await response.text()
