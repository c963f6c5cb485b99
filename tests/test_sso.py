"""Operators' single sign-on through an OpenID Connect provider (a stand-in on a free port,
tests/oidc_idp.py), over real HTTP: the sign-in, who may not, and what is not trusted."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer
from joserfc.jwk import RSAKey

from chatdesk import create_app
from chatdesk.config import Settings
from chatdesk.errors import ConfigError
from chatdesk.services import Services
from chatdesk.sessions import DEVICE_COOKIE
from chatdesk.web.appkeys import SERVICES

from .conftest import StartServer
from .oidc_idp import CLIENT_ID, CLIENT_SECRET, Provider, provider
from .ports import free_port
from .test_console_admin_http import http
from .test_console_http import PASSWORD, form_csrf, login

__all__ = ["http", "provider"]  # the fixtures


@pytest.fixture
async def desk(start_server: StartServer, provider: Provider) -> TestServer:
    server = await start_server(
        oidc_issuer=provider.url, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
        oidc_name="Acme ID",
    )  # fmt: skip
    services: Services = server.app[SERVICES]
    for email in ("ada@desk.test", "bob@desk.test"):
        await services.operators.add(
            email, name=email[:3].title(), role="operator", departments=("general",),
            languages=("en",), password=PASSWORD,
        )  # fmt: skip
    await services.operators.set_disabled("bob@desk.test", True)
    return server


async def _sso(http: ClientSession, next_: str = "/console") -> tuple[str, str]:
    """Click the button and follow the provider back; return (the page's path, the page)."""
    async with http.get(f"/console/login/sso?next={next_}") as response:
        return response.url.path, await response.text()


async def _signed_in(http: ClientSession) -> bool:
    async with http.get("/console/queue", allow_redirects=False) as response:
        return response.status == 200


async def test_the_button_signs_an_operator_in(
    desk: TestServer, http: ClientSession, provider: Provider
) -> None:
    async with http.get("/console/login") as response:
        page = await response.text()
    assert 'href="/console/login/sso?next=/console"' in page and "Sign in with Acme ID" in page
    assert "or with your password" in page

    path, page = await _sso(http, next_="/console/tickets")
    assert path == "/console/tickets" and await _signed_in(http)
    asked = provider.authorized[-1]
    assert asked["redirect_uri"] == str(desk.make_url("/console/login/sso/callback"))
    assert len(asked["code_challenge"]) == 43 and asked["nonce"] and asked["state"]
    # The state cookie is gone: the same answer from the provider cannot be replayed.
    assert not any(cookie.key == "chatdesk_sso" for cookie in http.cookie_jar)
    # The browser now knows its operator (a sign-in from elsewhere will be told).
    assert any(cookie.key == DEVICE_COOKIE for cookie in http.cookie_jar)


async def test_no_button_and_no_route_without_a_provider(server: TestServer) -> None:
    async with ClientSession(base_url=str(server.make_url(""))) as http:
        async with http.get("/console/login") as response:
            assert "/console/login/sso" not in await response.text()
        async with http.get("/console/login/sso") as response:
            assert response.status == 404


async def test_unknown_and_disabled_operators_are_refused(
    http: ClientSession, provider: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="chatdesk.operators")
    for email in ("eve@elsewhere.test", "bob@desk.test"):
        provider.user = {"sub": email, "email": email}
        path, page = await _sso(http)
        assert path == "/console/login/sso/callback"
        assert "no active operator account has that e-mail address here" in page
        assert not await _signed_in(http)
    assert "sign-in through" in caplog.text and "refused for bob@desk.test" in caplog.text


@pytest.mark.parametrize(
    ("claims", "forged"),
    [
        ({"aud": "another-app"}, False),
        ({"nonce": "an-old-nonce"}, False),
        ({"iss": "https://evil.example"}, False),
        ({"exp": int(time.time()) - 3600}, False),
        ({"email_verified": False}, False),
        ({"email": None}, False),
        ({}, True),  # signed with a key that is not the provider's
    ],
)
async def test_an_untrustworthy_id_token_signs_nobody_in(
    http: ClientSession, provider: Provider, claims: dict[str, Any], forged: bool
) -> None:
    provider.claims = claims
    if forged:
        provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    _path, page = await _sso(http)
    assert "Single sign-on is not working right now" in page
    assert provider.tokens_issued == 1 and not await _signed_in(http)


async def test_a_refusal_and_a_forged_callback(http: ClientSession, provider: Provider) -> None:
    provider.refuse = "access_denied"
    _, page = await _sso(http)
    assert "cancelled or refused at your provider" in page and not await _signed_in(http)

    # A callback the desk did not start (no state cookie: login CSRF) or whose state differs.
    provider.refuse = ""
    async with http.get("/console/login/sso/callback?code=x&state=y") as response:
        assert "has expired or was not started here" in await response.text()
    async with http.get("/console/login/sso", allow_redirects=False) as response:
        assert response.status == 303
    async with http.get("/console/login/sso/callback?code=x&state=not-it") as response:
        assert "has expired or was not started here" in await response.text()
    assert provider.tokens_issued == 0 and not await _signed_in(http)


async def test_two_step_sign_in_still_asks_the_code(desk: TestServer, http: ClientSession) -> None:
    services: Services = desk.app[SERVICES]
    assert services.two_factor is not None
    ada = await services.operators.active(
        (await services.operators.store.operators.operator_credentials("ada@desk.test"))[0].id  # type: ignore[index]
    )
    enrolment = services.two_factor.start(ada)
    await services.two_factor.enable(ada, enrolment.token, pyotp.TOTP(enrolment.secret).now())

    path, page = await _sso(http)
    # A page of ours goes on to the code page (a redirect would lose the Strict cookie).
    assert path == "/console/login/sso/callback" and not await _signed_in(http)
    target = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', page)
    assert target and target.group(1) == "/console/login/code?next=/console"
    csrf = await form_csrf(http, "/console/login/code?next=/console")
    code = pyotp.TOTP(enrolment.secret).at(time.time() + 30)  # not the step used to enable
    async with http.post(
        "/console/login/code", data={"csrf": csrf, "code": code, "next": "/console"},
        allow_redirects=False,
    ) as response:  # fmt: skip
        assert response.status == 303
        assert DEVICE_COOKIE in response.cookies  # the code's sign-in ends as a password's
    assert await _signed_in(http)


async def test_the_provider_down(start_server: StartServer) -> None:
    server = await start_server(
        oidc_issuer=f"http://127.0.0.1:{free_port()}", oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    )  # fmt: skip
    async with (
        ClientSession(base_url=str(server.make_url(""))) as http,
        http.get("/console/login/sso") as response,
    ):
        assert response.status == 502
        assert "sign in with your password" in await response.text()


def test_the_settings_come_in_threes_and_over_https() -> None:
    with pytest.raises(
        ConfigError, match="needs CHATDESK_OIDC_CLIENT_ID and CHATDESK_OIDC_CLIENT_SECRET"
    ):
        Settings.from_environ({"CHATDESK_OIDC_ISSUER": "https://id.example"}, env_file=None)
    three = {"CHATDESK_OIDC_CLIENT_ID": "a", "CHATDESK_OIDC_CLIENT_SECRET": "hush"}
    with pytest.raises(ConfigError, match="must be the provider's https URL"):
        Settings.from_environ(three | {"CHATDESK_OIDC_ISSUER": "http://id.example"}, env_file=None)
    settings = Settings.from_environ(three | {"CHATDESK_OIDC_ISSUER": "https://id.example/"},
                                     env_file=None)  # fmt: skip
    assert "hush" not in repr(settings)


async def test_a_desk_that_keeps_passwords_for_admins(
    start_server: StartServer, provider: Provider, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[security]\npassword_sign_in = "admins"\n', encoding="utf-8")
    server = await start_server(
        config_file=config, oidc_issuer=provider.url, oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET, oidc_name="Acme ID",
    )  # fmt: skip
    operators = server.app[SERVICES].operators
    for email, role in (("ada@desk.test", "operator"), ("root@desk.test", "admin")):
        await operators.add(
            email, name=email[:3].title(), role=role, departments=("general",),
            languages=("en",), password=PASSWORD,
        )  # fmt: skip
    base = str(server.make_url(""))
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as http:
        # A wrong password is told as ever: the rule tells nothing without the password.
        async with await login(http, "ada@desk.test", "not the password") as response:
            assert response.status == 200 and "Wrong e-mail or password" in await response.text()
        async with await login(http, "ada@desk.test") as response:
            page = await response.text()
            assert response.status == 403 and "only admins may use a password" in page
        assert not await _signed_in(http)
        await _sso(http)  # the button, as the page says
        assert await _signed_in(http)
        async with http.get("/console/account") as response:
            page = await response.text()
        assert "You sign in with Acme ID" in page and 'name="current"' not in page
    async with (
        ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as http,
        await login(http, "root@desk.test") as response,
    ):
        assert response.status == 303  # admins keep a way in when the provider is down
        async with http.get("/console/account") as account:
            assert 'name="current"' in await account.text()


def test_passwords_for_admins_only_need_a_provider(tmp_path: Path) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[security]\npassword_sign_in = "admins"\n', encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=None, config_file=config)
    with pytest.raises(ConfigError, match="needs single sign-on for the others"):
        create_app(settings)


async def test_an_admin_adds_an_operator_who_has_no_password(
    desk: TestServer, http: ClientSession, provider: Provider
) -> None:
    await desk.app[SERVICES].operators.add(
        "root@desk.test", name="Root", role="admin", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    await login(http, "root@desk.test")
    async with http.get("/console/operators") as response:
        page = await response.text()
    assert "without one, they sign in with Acme ID only" in page
    form = {
        "action": "add", "email": "zoe@desk.test", "name": "Zoé", "role": "operator",
        "departments": "general", "languages": "fr", "capacity": "", "password": "",
        "csrf": await form_csrf(http, "/console/operators"),
    }  # fmt: skip
    async with http.post("/console/operators", data=form, allow_redirects=False) as response:
        assert response.status == 303, await response.text()
    http.cookie_jar.clear()
    provider.user = {"sub": "z", "email": "zoe@desk.test", "name": "Zoé"}
    await _sso(http)
    assert await _signed_in(http)
