"""``/console/operators``: admins add operators, change their details, disable and enable
them, set new passwords; the desk keeps an active admin; others get a 403."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from chatdesk.models import AuditAction, Role
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES

from .mail.conftest import Sink
from .test_console_admin_http import _page, _post, desk, http, sink
from .test_console_http import form_csrf, login

__all__ = ["desk", "http", "sink"]  # the fixtures, shared with the admin pages' tests

PAGE = "/console/operators"


def _row_of(page: str, email: str) -> str:
    """The Operators page's table row of the account with ``email``."""
    row = page.split(f'<tr data-email="{email}">', 1)[1]
    return row.split("</tr>", 1)[0]


async def _post_lists(http: ClientSession, **data: Any) -> tuple[int, str, str]:
    """Post with repeated fields (departments, languages) as the browser does."""
    pairs = [("csrf", await form_csrf(http, PAGE))]
    for key, value in data.items():
        pairs += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    async with http.post(PAGE, data=pairs, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def test_operators_get_a_403_and_no_link(http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    _, page = await _page(http, "/console/queue")
    assert f'href="{PAGE}"' not in page
    status, page = await _page(http, PAGE)
    assert status == 403 and "Only admins manage operators." in page
    status, _, _ = await _post(http, PAGE, action="disable", email="ada@desk.test")
    assert status == 403


async def test_an_admin_adds_edits_and_disables_an_operator(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    status, page = await _page(http, PAGE)
    assert status == 200 and "ada@desk.test" in page and "bob@desk.test" in page
    fields = {
        "action": "add", "email": "Zoe@Desk.test", "name": "Zoé <i>", "role": "operator",
        "departments": ["general"], "languages": ["fr", "nl"], "capacity": "",
        "password": "a first passphrase",
    }  # fmt: skip
    refusals = [
        ({"email": "not-an-address"}, "is not an e-mail address"),
        ({"departments": []}, "Tick at least one department."),
        ({"departments": ["legal"]}, "Tick at least one department."),
        ({"languages": []}, "Tick at least one language."),
        ({"capacity": "99"}, "between 1 and 50"),
        ({"password": "short"}, "at least 10 characters"),
        ({"password": "qwertyuiop"}, "too easy to guess"),
        ({"email": "bob@desk.test"}, "exists already"),
    ]
    for change, said in refusals:
        status, _, page = await _post_lists(http, **(fields | change))
        assert status == 400 and said in page, change
    assert len(await services.operators.list()) == 2
    status, location, _ = await _post_lists(http, **fields)
    assert status == 303 and location == f"{PAGE}?done=added"
    _, page = await _page(http, location)
    assert "The operator was added." in page and "Zoé &lt;i&gt;" in page
    # Zoé logs in with the first password.
    base = str(desk.make_url(""))
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as zoe:
        assert (await login(zoe, "zoe@desk.test", "a first passphrase")).status == 303
        # Edited: her name, role, languages and capacity; her session goes on.
        edit = {k: v for k, v in fields.items() if k != "password"} | {
            "action": "edit", "email": "zoe@desk.test", "name": "Zoé",
            "role": "service_manager", "languages": ["fr"], "capacity": "5",
        }  # fmt: skip
        status, location, _ = await _post_lists(http, **edit)
        assert status == 303 and location == f"{PAGE}?done=edited"
        (found,) = [o for o in await services.operators.list() if o.email == "zoe@desk.test"]
        assert (found.name, found.role, found.languages, found.capacity) == (
            "Zoé",
            Role.SERVICE_MANAGER,
            ("fr",),
            5,
        )
        async with zoe.get("/console/queue", allow_redirects=False) as response:
            assert response.status == 200
        # Disabled: her session ends; enabled again: she logs in again.
        status, location, _ = await _post(http, PAGE, action="disable", email="zoe@desk.test")
        assert status == 303 and location == f"{PAGE}?done=disabled"
        async with zoe.get("/console/queue", allow_redirects=False) as response:
            assert response.status == 303
        assert (await _post(http, PAGE, action="enable", email="zoe@desk.test"))[0] == 303
        # A new password from the admin: the old one no longer works.
        status, location, _ = await _post(
            http, PAGE, action="password", email="zoe@desk.test", password="another passphrase"
        )
        assert status == 303 and location == f"{PAGE}?done=password"
        assert (await login(zoe, "zoe@desk.test", "a first passphrase")).status == 200
        assert (await login(zoe, "zoe@desk.test", "another passphrase")).status == 303


async def test_the_desk_keeps_an_active_admin(desk: TestServer, http: ClientSession) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    status, _, page = await _post(http, PAGE, action="disable", email="ada@desk.test")
    assert status == 400 and "cannot disable your own account" in page
    demote = {"action": "edit", "email": "ada@desk.test", "name": "Ada", "role": "operator",
              "departments": ["general"], "languages": ["en"]}  # fmt: skip
    status, _, page = await _post_lists(http, **demote)
    assert status == 400 and "at least one active admin" in page
    status, _, page = await _post(http, PAGE, action="disable", email="nobody@desk.test")
    assert status == 400 and "There is no operator" in page
    # With another admin, Ada may step down.
    promote = demote | {"email": "bob@desk.test", "name": "Bob", "role": "admin"}
    assert (await _post_lists(http, **promote))[0] == 303
    assert (await _post_lists(http, **demote))[0] == 303
    roles = {o.email: o.role for o in await services.operators.list()}
    assert roles == {"ada@desk.test": Role.OPERATOR, "bob@desk.test": Role.ADMIN}
    # Ada is no admin now: the page is closed to her.
    assert (await _page(http, PAGE))[0] == 403


async def test_an_admin_invites_an_operator_who_chooses_their_password(
    desk: TestServer, http: ClientSession, sink: Sink
) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    _, page = await _page(http, PAGE)
    assert "Optional: left empty, they get an e-mail with a link" in page
    status, location, _ = await _post_lists(
        http, action="add", email="zoe@desk.test", name="Zoé", role="operator",
        departments=["general"], languages=["nl"], capacity="", password="",
    )  # fmt: skip
    assert status == 303 and location == f"{PAGE}?done=invited"
    _, page = await _page(http, location)
    assert "an e-mail invites them to choose their password" in page
    assert "invited 1 minute ago" in _row_of(page, "zoe@desk.test")
    assert "Send the invitation again" in page
    await services.mail.outbox.run()
    (first,) = [m for m in sink.take() if m["To"] == "zoe@desk.test"]
    # She did not see it: Ada sends it again (the same invitation, a new link).
    status, location, _ = await _post_lists(http, action="send_link", email="zoe@desk.test")
    assert status == 303 and location == f"{PAGE}?done=invite_sent"
    _, page = await _page(http, location)
    assert "The invitation was sent again." in page
    await services.mail.outbox.run()
    (mail,) = [m for m in sink.take() if m["To"] == "zoe@desk.test"]
    assert mail["Subject"] == first["Subject"]
    # An invitation left for 8 days has expired (its link too): the page says so.
    (zoe,) = [o for o in await services.operators.list() if o.email == "zoe@desk.test"]
    eight_days_ago = services.helpdesk.console.clock() - timedelta(days=8)
    assert await services._store.operators.mark_invited(zoe.id, eight_days_ago)
    _, page = await _page(http, PAGE)
    assert "invitation expired" in _row_of(page, "zoe@desk.test")
    assert str(mail["Subject"]).endswith(": uw account op de console")  # her language
    text = " ".join(str(mail.get_body(preferencelist=("plain",)).get_content()).split())  # type: ignore[union-attr]
    assert "Ada heeft een account voor u gemaakt" in text and "7 dagen lang" in text
    match = re.search(r"https://desk\.test(/console/password/reset/\S+)", text)
    assert match is not None
    async with http.get(match.group(1)) as response:
        assert response.status == 200
        page = await response.text()
    assert "<h1>Choose your password</h1>" in page and "For your account, zoe@desk.test" in page
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    chosen = {"csrf": csrf, "password": "zoe's own passphrase", "confirm": "zoe's own passphrase"}
    async with http.post(match.group(1), data=chosen, allow_redirects=False) as response:
        assert response.status == 303
    base = str(desk.make_url(""))
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as zoe:
        assert (await login(zoe, "zoe@desk.test", "zoe's own passphrase")).status == 303
    # Taken up: no invitation pending any more.
    _, page = await _page(http, PAGE)
    assert "invit" not in _row_of(page, "zoe@desk.test")
    (ada,) = [o for o in await services.operators.list() if o.email == "ada@desk.test"]
    (added,) = [e for e in await services.audit.page(ada) if e.action is AuditAction.OPERATOR_ADDED]
    assert added.detail == "operator, invited by e-mail"


async def test_an_admin_sends_an_operator_a_link_to_choose_a_new_password(
    desk: TestServer, http: ClientSession, sink: Sink
) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    _, page = await _page(http, PAGE)
    assert "Send a link to choose a new password" in page
    status, location, _ = await _post_lists(http, action="send_link", email="bob@desk.test")
    assert status == 303 and location == f"{PAGE}?done=link_sent"
    _, page = await _page(http, location)
    assert "A link to choose a new password is on its way." in page
    await services.mail.outbox.run()
    (mail,) = [m for m in sink.take() if m["To"] == "bob@desk.test"]
    text = " ".join(str(mail.get_body(preferencelist=("plain",)).get_content()).split())  # type: ignore[union-attr]
    assert "Ada sends you this link to choose a new password" in text
    assert "It works once, for 7 days" in text and "current password still works" in text
    match = re.search(r"https://desk\.test(/console/password/reset/\S+)", text)
    assert match is not None
    base = str(desk.make_url(""))
    async with ClientSession(base_url=base, cookie_jar=CookieJar(unsafe=True)) as bob:
        assert (await login(bob, "bob@desk.test")).status == 303  # the old one, until then
        async with bob.get(match.group(1)) as response:
            assert response.status == 200
            page = await response.text()
        assert "<h1>Choose a new password</h1>" in page
    # A disabled account gets none.
    await _post_lists(http, action="disable", email="bob@desk.test")
    status, _, page = await _post_lists(http, action="send_link", email="bob@desk.test")
    assert status == 400 and "This account is disabled: enable it first." in page


async def test_an_admin_signs_an_operator_out_everywhere(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    async with ClientSession(
        base_url=str(desk.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as bob:
        assert (await login(bob, "bob@desk.test")).status == 303
        await login(http)
        status, page = await _page(http, PAGE)
        assert status == 200 and "Open sessions now: 1." in page
        # Not her own account: her account page does that.
        status, _, page = await _post(http, PAGE, action="sign_out", email="ada@desk.test")
        assert status == 400 and "on your account page" in page
        assert (await _page(bob, "/console/account"))[0] == 200
        # Bob's laptop was stolen: Ada signs him out; he is back at the sign-in page.
        status, location, _ = await _post(http, PAGE, action="sign_out", email="bob@desk.test")
        assert (status, location) == (303, "/console/operators?done=signed_out")
        _, page = await _page(http, location)
        assert "The operator is signed out everywhere." in page and "Open sessions now: 0." in page
        async with bob.get("/console/account", allow_redirects=False) as response:
            assert response.status == 303
        # His password still works; the audit log says who did it.
        assert (await login(bob, "bob@desk.test")).status == 303
        entries = await services._store.audit.list_audit(limit=5)
        assert (entries[0].action, entries[0].actor, entries[0].target) == (
            AuditAction.SESSIONS_ENDED,
            "ada@desk.test",
            "bob@desk.test",
        )
        _, page = await _page(http, "/console/audit")
        assert "signed the operator out everywhere" in page
