"""The console's webhooks page in a real browser, at 1280 and on a phone in French: the
endpoints, a test sent, a given-up delivery (with CHATDESK_SCREENSHOTS=1 it replaces
docs/screenshots/console-webhooks.png)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from chatdesk import Settings, create_app
from chatdesk.helpdesk import NewTicket
from chatdesk.web.appkeys import SERVICES

from ..ports import free_port
from .conftest import ALWAYS_OPEN, NewContext
from .test_console_admin import PASSWORD, shots, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def desk(browser_ready: None, tmp_path: Path) -> AsyncIterator[Any]:
    answers = [410]

    async def endpoint(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=answers[0])

    app = web.Application()
    app.router.add_post("/chatdesk", endpoint)
    receiver = TestServer(app, host="127.0.0.1")
    await receiver.start_server()
    config = tmp_path / "chatdesk.toml"
    config.write_text(
        f'[desk]\nname = "Ardenne Cloud"\n{ALWAYS_OPEN}\n'
        f'[[webhooks]]\nname = "crm"\nurl = "{receiver.make_url("/chatdesk")}"\n'
        'events = ["ticket.created", "ticket.status", "message.created"]\n'
        f'[[webhooks]]\nname = "oncall"\nurl = "http://127.0.0.1:{free_port()}/alerts"\n'
        'events = ["ticket.sla_*"]\n',
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=None, config_file=config)
    server = TestServer(create_app(settings, tick=None), host="127.0.0.1")
    await server.start_server()
    server.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    services = server.app[SERVICES]
    await services.operators.add(
        "ann@desk.test", name="Ann", role="admin", departments=("general",),
        languages=("fr", "nl", "en"), password=PASSWORD,
    )  # fmt: skip
    await services.helpdesk.filing.file(
        NewTicket(email="lea@example.be", name="Léa", subject="Le site ne répond plus",
                  description="Depuis ce matin.", lang="fr")
    )  # fmt: skip
    await services.webhooks.plan_feed()
    await services.webhooks.send_due()  # refused with 410: given up
    answers[0] = 204
    yield server
    await server.close()
    await receiver.close()


async def test_the_webhooks_page_on_a_desktop_and_on_a_phone(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    page = await (await new_context(timezone_id="Europe/Brussels")).new_page()
    await sign_in(page, desk.url + "/console/webhooks")
    rows = page.locator("table.hooks-list tbody tr")
    await expect(rows).to_have_count(2)
    await expect(page.locator("table.failures tbody tr")).to_have_count(2)
    await expect(page.locator("table.failures")).to_contain_text("HTTP 410")
    await page.get_by_role("button", name="Send a test: crm").click()
    await expect(page.get_by_role("status")).to_contain_text("Test delivered (crm: 204).")
    await page.screenshot(path=str(shots(tmp_path) / "console-webhooks.png"))

    phone = await (
        await new_context(viewport={"width": 390, "height": 844}, locale="fr-BE")
    ).new_page()
    await sign_in(phone, desk.url + "/console/webhooks")
    await expect(phone.get_by_role("heading", name="Envois abandonnés")).to_be_visible()
    await phone.get_by_role("button", name="Renvoyer : message.created").click()
    await expect(phone.get_by_role("status")).to_contain_text("Remis en file")
    await expect(phone.locator("table.failures tbody tr")).to_have_count(1)
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the webhooks page scrolls sideways ({width}px)"
    await phone.screenshot(path=str(tmp_path / "console-webhooks-phone.png"), full_page=True)
