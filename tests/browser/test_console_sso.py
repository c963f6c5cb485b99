"""Single sign-on in a real browser: the provider on another site (``localhost`` against the
desk's ``127.0.0.1``), so the way back is a cross-site navigation as in production; with
two-step sign-in, the code page still gets its cookie (with CHATDESK_SCREENSHOTS=1 the
login page replaces docs/screenshots/console-login-sso.png)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer
from playwright.async_api import expect

from chatdesk import Settings, create_app
from chatdesk.web.appkeys import SERVICES

from ..oidc_idp import CLIENT_ID, CLIENT_SECRET, Provider
from .conftest import NewContext
from .test_console_admin import PASSWORD, shots

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def desk(browser_ready: None, tmp_path: Path) -> AsyncIterator[Any]:
    provider = Provider()
    idp = TestServer(provider.app(), host="127.0.0.1")
    await idp.start_server()
    provider.url = f"http://localhost:{idp.port}"  # another site than the desk's
    provider.page = True
    settings = Settings(
        data_dir=tmp_path / "data", knowledge_dir=None, oidc_issuer=provider.url,
        oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET, oidc_name="Acme ID",
    )  # fmt: skip
    server = TestServer(create_app(settings, tick=None), host="127.0.0.1")
    await server.start_server()
    server.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    server.provider = provider  # type: ignore[attr-defined]
    await server.app[SERVICES].operators.add(
        "ann@desk.test", name="Ann", role="admin", departments=("general",),
        languages=("fr", "nl", "en"), password=PASSWORD,
    )  # fmt: skip
    yield server
    await server.close()
    await idp.close()


async def test_sign_in_with_the_provider_then_with_the_code(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    desk.provider.user = {"sub": "ann", "email": "Ann@Desk.test", "name": "Ann"}
    page = await (await new_context()).new_page()
    await page.goto(desk.url + "/console/tickets")
    button = page.get_by_role("link", name="Sign in with Acme ID")
    await expect(button).to_be_visible()
    await page.screenshot(path=str(shots(tmp_path) / "console-login-sso.png"))
    await button.click()
    await page.get_by_role("link", name="Continue to the desk").click()
    await expect(page).to_have_url(desk.url + "/console/tickets")
    assert desk.provider.tokens_issued == 1

    # Two-step sign-in on: the provider stands for the password, the code is still asked.
    services = desk.app[SERVICES]
    found = await services.operators.store.operators.operator_credentials("ann@desk.test")
    enrolment = services.two_factor.start(found[0])
    await services.two_factor.enable(found[0], enrolment.token, pyotp.TOTP(enrolment.secret).now())
    page = await (await new_context()).new_page()
    await page.goto(desk.url + "/console/login?next=/console/tickets")
    await page.get_by_role("link", name="Sign in with Acme ID").click()
    await page.get_by_role("link", name="Continue to the desk").click()
    await expect(page).to_have_url(desk.url + "/console/login/code?next=/console/tickets")
    code = page.locator("input[name=code]")
    await expect(code).to_be_visible()
    await code.fill(pyotp.TOTP(enrolment.secret).at(time.time() + 30))  # not the step used
    await page.locator("form button[type=submit]").click()
    await expect(page).to_have_url(desk.url + "/console/tickets")
