"""Plain HTTP endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from chatdesk import create_app
from chatdesk.config import Settings
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


@pytest.mark.parametrize(("front", "target"), [("help", "/help"), ("support", "/support/new")])
async def test_a_real_desk_s_front_page_is_its_help_centre_or_its_form(
    settings: Settings, aiohttp_client: Any, front: str, target: str
) -> None:
    client = await aiohttp_client(create_app(settings.replace(front_page=front)))
    response = await client.get("/", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == target
