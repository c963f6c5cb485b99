"""The console's admin pages over real HTTP: organisations (/console/orgs) and service
notices (/console/notices); admins only, CSRF checked, errors shown on the page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from chatdesk.helpdesk import NewTicket, Refused
from chatdesk.services import Services
from chatdesk.web.appkeys import SERVICES
from chatdesk.web.supportbase import SESSION_COOKIE

from .clients import VisitorClient
from .conftest import StartServer
from .mail.conftest import FROM, PUBLIC, Sink
from .test_console_http import PASSWORD, add_ada_and_bob, cookie_session, form_csrf, login


@pytest.fixture
async def sink() -> AsyncIterator[Sink]:
    s = Sink()
    await s.start()
    yield s
    if s._server is not None:
        await s.stop()


@pytest.fixture
async def desk(start_server: StartServer, sink: Sink) -> TestServer:
    server = await start_server(smtp_url=sink.url, mail_from=FROM, public_url=PUBLIC)
    return await add_ada_and_bob(server)


@pytest.fixture
async def http(desk: TestServer) -> AsyncIterator[ClientSession]:
    async with cookie_session(desk) as session:
        yield session


async def _page(http: ClientSession, path: str) -> tuple[int, str]:
    async with http.get(path) as response:
        return response.status, await response.text()


async def _post(http: ClientSession, path: str, **data: str) -> tuple[int, str, str]:
    data.setdefault("csrf", await form_csrf(http, path))
    async with http.post(path, data=data, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", ""), await response.text()


async def test_operators_get_403_and_no_links(http: ClientSession) -> None:
    await login(http, "bob@desk.test")
    status, page = await _page(http, "/console/queue")
    assert 'href="/console/orgs"' not in page and 'href="/console/notices"' not in page
    for path in ("/console/orgs", "/console/notices"):
        status, page = await _page(http, path)
        assert status == 403
        assert "Only admins" in page
    csrf = await form_csrf(http, "/console/queue")
    async with http.post(
        "/console/orgs", data={"csrf": csrf, "name": "Acme"}, allow_redirects=False
    ) as response:
        assert response.status == 403
    async with http.post(
        "/console/notices", data={"csrf": csrf, "title": "x", "body": "y"}, allow_redirects=False
    ) as response:
        assert response.status == 403


async def test_admin_creates_an_org_adds_members_and_meets_the_cap(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    status, page = await _page(http, "/console/queue")
    assert 'href="/console/orgs"' in page and 'href="/console/notices"' in page
    # Without the CSRF token: refused, nothing created.
    status, _, _ = await _post(http, "/console/orgs", name="Acme", csrf="wrong")
    assert status == 403
    assert await services.helpdesk.people.organisations() == []
    status, location, _ = await _post(
        http, "/console/orgs", name="Acme <b>SA</b>", contract="on", max_members="2"
    )
    assert status == 303
    (org,) = await services.helpdesk.people.organisations()
    assert location == f"/console/orgs/{org.id}?done=1"
    assert org.contract_active and org.max_members == 2
    path = f"/console/orgs/{org.id}"
    for email in ("lea@acme.be", "max@acme.be"):
        status, _, _ = await _post(http, path, action="add_member", email=email, name="Léa")
        assert status == 303
    status, _, page = await _post(http, path, action="add_member", email="zoe@acme.be")
    assert status == 400
    assert "This organisation already has all its members (2)" in page
    assert [m.email for m in await services.helpdesk.people.members(org)] == [
        "lea@acme.be",
        "max@acme.be",
    ]
    status, _, page = await _post(http, path, action="add_member", email="not an address")
    assert status == 400 and "“not an address” is not an e-mail address." in page
    # The list: escaped name, contract, members count, seats policy.
    status, page = await _page(http, "/console/orgs")
    assert "Acme &lt;b&gt;SA&lt;/b&gt;" in page and "<b>SA</b>" not in page
    assert "contract active" in page and "<td>2</td>" in page and "at most 2 members" in page
    # Remove a member, end the contract, raise the cap, add a billing address.
    assert (await _post(http, path, action="remove_member", email="max@acme.be"))[0] == 303
    assert (await _post(http, path, action="contract", state="off"))[0] == 303
    assert (await _post(http, path, action="caps", max_members="", max_editors_per_site="3"))[
        0
    ] == 303
    status, _, _ = await _post(http, path, action="address", kind="billing", email="b@acme.be")
    assert status == 303
    org = await services.helpdesk.people.organisation(org.id)
    assert not org.contract_active and org.max_members is None and org.max_editors_per_site == 3
    status, page = await _page(http, path)
    assert 'data-contract="off"' in page and "at most 3 editors per site" in page
    assert "b@acme.be" in page and "max@acme.be" not in page
    # A duplicate name and an unknown organisation.
    status, _, page = await _post(http, "/console/orgs", name="ACME <b>sa</b>")
    assert status == 400 and "An organisation with this name exists already." in page
    status, page = await _page(http, "/console/orgs/" + "0" * 32)
    assert status == 404 and "No such organisation." in page


async def test_admin_gives_an_org_a_domain_and_its_people_join(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    await login(http)
    org = await services.helpdesk.people.add_organisation("Acme")
    await services.helpdesk.people.requester("lea@acme.be")  # known, in no organisation
    path = f"/console/orgs/{org.id}"
    status, page = await _page(http, path)
    assert "E-mail domains" in page and "No domain." in page
    status, location, _ = await _post(http, path, action="domain", domain="@Acme.be")
    assert (status, location) == (303, f"{path}?done=1&joined=1")
    status, page = await _page(http, location)
    assert "1 requester of that domain joined the organisation." in page
    assert "<td>acme.be</td>" in page and "lea@acme.be" in page  # a member now
    status, page = await _page(http, "/console/orgs")
    assert "<td>acme.be</td>" in page  # the list names its domains
    # Refused, with what was typed: a public provider, an address, one taken; escaped.
    for typed, said in (
        ("gmail.com", "gmail.com is a public mail provider"),
        ("lea@acme.be", "“lea@acme.be” is not a domain such as acme.be."),
        ("<b>x</b>", "“&lt;b&gt;x&lt;/b&gt;” is not a domain"),
        ("acme.be", "An organisation has the domain acme.be already."),
    ):
        status, _, page = await _post(http, path, action="domain", domain=typed)
        assert status == 400 and said in page, typed
    assert await services.helpdesk.domains.of(org) == ["acme.be"]
    # The team's note: on the page, and in the panel of its members' tickets; escaped.
    note = "Premium <b>plan</b>.\r\nCall Marc."
    assert (await _post(http, path, action="note", note=note))[0] == 303
    status, page = await _page(http, path)
    assert '<p class="requester-note" id="org-note">Premium &lt;b&gt;plan&lt;/b&gt;.\nCall' in page
    ticket, _ = await services.helpdesk.filing.file(NewTicket("lea@acme.be", "Site"))
    status, page = await _page(http, f"/console/t/{ticket.id}")
    assert 'id="t-org-note">Premium &lt;b&gt;plan&lt;/b&gt;' in page
    status, _, page = await _post(http, path, action="note", note="x" * 2001)
    assert status == 400
    assert (await services.helpdesk.people.organisation(org.id)).note.startswith("Premium")
    status, location, _ = await _post(http, path, action="domain", domain="acme.be", remove="1")
    assert (status, location) == (303, f"{path}?done=1")
    assert await services.helpdesk.domains.of(org) == []
    status, _, page = await _post(http, path, action="domain", domain="acme.be", remove="1")
    assert status == 400 and "The organisation has no domain acme.be." in page


async def test_errors_are_shown_in_the_operators_language(http: ClientSession) -> None:
    await login(http)
    csrf = await form_csrf(http, "/console/orgs")
    async with http.post("/console/lang", data={"csrf": csrf, "lang": "nl", "next": "/"}):
        pass
    status, _, page = await _post(http, "/console/orgs", name="   ")
    assert status == 400 and "De naam van een organisatie telt 1 tot 100 tekens." in page
    status, _, page = await _post(http, "/console/notices", title="", body="x")
    assert status == 400 and "Een melding heeft een titel" in page


async def test_an_invitation_queues_one_mail(
    desk: TestServer, http: ClientSession, sink: Sink
) -> None:
    services: Services = desk.app[SERVICES]
    org = await services.helpdesk.people.add_organisation("Acme")
    await login(http)
    path = f"/console/orgs/{org.id}"
    status, _, _ = await _post(http, path, action="invite", email="New@Example.be")
    assert status == 303
    (invitation,) = await services.helpdesk.people.invitations(org)
    assert invitation.email == "new@example.be"
    # One of the organisation's admins invites a colleague from the portal.
    people = services.helpdesk.people
    boss = await people.add_member(org, "boss@acme.be", role="admin", name="Bo Martin")
    await services.helpdesk.orgadmin.invite(boss, "zoe@acme.be")
    status, page = await _page(http, path + "?done=1")
    assert "new@example.be" in page and "Saved." in page
    # Who sent each: the operator, the organisation's admin.
    assert re.search(r"<td>new@example.be</td><td>Ada</td>", page), page
    assert "<td>zoe@acme.be</td><td>Bo Martin</td>" in page
    await services.mail.outbox.run()
    mail, _ = sorted(sink.take(), key=lambda m: m["To"] != "new@example.be")
    assert mail["To"] == "new@example.be" and "invitation" in mail["Subject"]


async def _portal(desk: TestServer, email: str) -> str:
    """Return /support/new as ``email`` (signed in) sees it."""
    signin = desk.app[SERVICES].helpdesk.signin
    (event,) = await signin.request(email, client="test")
    _, session = await signin.use_link(event.link.rsplit("/", 1)[1])
    async with ClientSession(
        base_url=str(desk.make_url("")), cookie_jar=CookieJar(unsafe=True),
        cookies={SESSION_COOKIE: session},
    ) as portal, portal.get("/support/new") as response:  # fmt: skip
        return await response.text()


async def test_a_notice_for_one_org_shows_to_its_members_only(
    desk: TestServer, http: ClientSession
) -> None:
    services: Services = desk.app[SERVICES]
    people = services.helpdesk.people
    acme, other = await people.add_organisation("Acme"), await people.add_organisation("Other")
    await people.add_member(acme, "lea@acme.be")
    await people.add_member(other, "tom@other.be")
    await login(http)
    status, _, page = await _post(
        http, "/console/notices", title="Migration <script>", body="x", audience="orgs"
    )
    assert status == 400 and "Choose at least one organisation" in page
    csrf = await form_csrf(http, "/console/notices")
    data = [
        ("csrf", csrf), ("action", "publish"), ("title", "VPS <i>move</i>"),
        ("body", "Tonight **22:00**. <script>alert(1)</script>"), ("severity", "maintenance"),
        ("audience", "orgs"), ("orgs", acme.id),
    ]  # fmt: skip
    async with http.post("/console/notices", data=data, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/console/notices?done=published"
    (notice,) = await services.helpdesk.notices.list()
    assert notice.audience == (acme.id,) and notice.severity == "maintenance"
    status, page = await _page(http, "/console/notices?done=published")
    assert "Published." in page and "VPS &lt;i&gt;move&lt;/i&gt;" in page
    assert "<strong>22:00</strong>" in page and "<script>alert" not in page
    assert "<td>Acme</td>" in page and "showing" in page
    lea, tom = await _portal(desk, "lea@acme.be"), await _portal(desk, "tom@other.be")
    assert "VPS &lt;i&gt;move&lt;/i&gt;" in lea and "<strong>22:00</strong>" in lea
    assert "VPS" not in tom
    # Ended: gone from the portal, shown as ended in the console.
    status, _, page = await _post(http, "/console/notices", action="end", id=notice.id)
    assert status == 303, re.findall(r'class="error"[^<]*<', page)
    assert "VPS" not in await _portal(desk, "lea@acme.be")
    status, page = await _page(http, "/console/notices")
    assert 'data-state="ended"' in page and "End now</button>" not in page
    status, _, page = await _post(http, "/console/notices", action="end", id=notice.id)
    assert status == 400 and "This notice has ended already." in page


async def test_a_notice_for_everyone_with_an_end_time(
    desk: TestServer, http: ClientSession, new_client: Callable[[TestServer], VisitorClient]
) -> None:
    services: Services = desk.app[SERVICES]
    visitor = new_client(desk)
    await visitor.connect()
    assert visitor.session["notices"] == []
    await login(http)
    status, _, page = await _post(
        http, "/console/notices", title="Outage", body="x", ends_at="2001-01-01T10:00"
    )
    assert status == 400 and "The end must be later than the start" in page
    status, _, page = await _post(
        http, "/console/notices", title="Outage", body="x", starts_at="2026-02-30T10:00"
    )
    assert status == 400 and "incomplete or malformed" in page  # a time's shape, no date
    status, _, _ = await _post(
        http, "/console/notices", title="Outage", body="Mail is down.", severity="outage",
        ends_at="2999-01-01T10:00",
    )  # fmt: skip
    assert status == 303
    (notice,) = await services.helpdesk.notices.list()
    assert notice.audience == () and notice.ends_at is not None
    assert notice.ends_at.year == 2999
    # Connected widgets get the banner at once (the console publishes the event).
    [banner] = (await visitor.next("notices"))["notices"]
    assert banner["title"] == "Outage" and banner["body_html"] == "<p>Mail is down.</p>"
    status, page = await _page(http, "/console/notices")
    assert "2999-01-01 10:00" in page and "Everyone" in page


async def test_a_planned_notice_from_the_console(desk: TestServer, http: ClientSession) -> None:
    services: Services = desk.app[SERVICES]
    zone = services.config.hours.timezone
    day = (services.helpdesk.notices.clock() + timedelta(days=3)).astimezone(zone).date()
    await login(http)
    status, _, _ = await _post(
        http, "/console/notices", title="Network maintenance", body="Short cuts.",
        severity="maintenance", starts_at=f"{day}T22:00", ends_at=f"{day}T23:30",
    )  # fmt: skip
    assert status == 303
    (notice,) = await services.helpdesk.notices.list()
    assert notice.starts_at.astimezone(zone).isoformat()[:16] == f"{day}T22:00"
    status, page = await _page(http, "/console/notices")
    assert f"{day} 22:00" in page and 'data-state="scheduled"' in page
    # The portal announces it ahead, with its window.
    url = str(desk.make_url("/support/new"))
    async with ClientSession() as anonymous, anonymous.get(url) as response:
        portal = await response.text()
    assert "Network maintenance" in portal and "22:00 to 23:30" in portal


def test_the_admin_texts_are_complete_in_every_language() -> None:
    # tests/test_console_lang.py checks the merged catalog; this names the admin file.
    from chatdesk.web.admintexts import ADMIN_TEXTS, error_key

    assert set(ADMIN_TEXTS["fr"]) == set(ADMIN_TEXTS["en"]) == set(ADMIN_TEXTS["nl"])
    assert all("{value}" in ADMIN_TEXTS[lang]["err_email"] for lang in ADMIN_TEXTS)
    assert error_key("no_seat") in ADMIN_TEXTS["en"] and error_key("?") == "err_form"


SEATS_CONFIG = """
[[fields]]
id = "site_id"
type = "text"
label = { fr = "ID du site", nl = "Site-ID", en = "Site ID" }
pattern = '^\\d{4}$'
seats = true
"""


async def test_site_seats_are_listed_and_a_freed_seat_goes_to_the_fourth_editor(
    start_server: StartServer, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text(SEATS_CONFIG, encoding="utf-8")
    server = await start_server(config_file=config)
    services: Services = server.app[SERVICES]
    await services.operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    people, filing = services.helpdesk.people, services.helpdesk.filing
    site = {"site_id": "1234"}
    acme = await people.add_organisation("Acme", max_editors_per_site=3)
    for name in ("ann", "bob", "cid", "dan"):
        await people.add_member(acme, f"{name}@acme.be", name=name.title())
    for name in ("ann", "bob", "cid"):
        await filing.file(NewTicket(email=f"{name}@acme.be", subject="S", fields=site))
    with pytest.raises(Refused):
        await filing.file(NewTicket(email="dan@acme.be", subject="S", fields=site))
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as http:
        await login(http)
        path = f"/console/orgs/{acme.id}"
        status, page = await _page(http, path)
        seats = page.split('class="seats"')[1].split("</table>")[0]
        assert seats.count("<td>1234</td>") == 3 and "Bob &lt;bob@acme.be&gt;" in seats
        status, _, page = await _post(
            http, path, action="release_seat", site="1234", email="dan@acme.be"
        )
        assert status == 400 and "This person holds no seat on this site." in page
        status, _, _ = await _post(
            http, path, action="release_seat", site="1234", email="bob@acme.be"
        )
        assert status == 303
    await filing.file(NewTicket(email="dan@acme.be", subject="S", fields=site))
    assert [r.email for _, r in await people.seats(acme)] == [
        "ann@acme.be",
        "cid@acme.be",
        "dan@acme.be",
    ]


async def test_admin_merges_a_customer_entered_twice(desk: TestServer, http: ClientSession) -> None:
    services: Services = desk.app[SERVICES]
    people = services.helpdesk.people
    acme = await people.add_organisation("Acme Énergie", max_members=10)
    typo = await people.add_organisation("ACME Energie SA")
    await people.add_member(typo, "tom@acme-energie.be", role="admin", name="Tom")
    await services.helpdesk.domains.add(typo, "acme-energie.be")
    await login(http)
    page = f"/console/orgs/{typo.id}"
    _, text = await _page(http, page)
    assert "Merge into another organisation" in text and '<option value="Acme Énergie">' in text
    status, _, text = await _post(http, page, action="merge", into="ACME Energie SA")
    assert status == 400 and "Choose another organisation than this one." in text
    status, _, text = await _post(http, page, action="merge", into="Nobody Ltd")
    assert status == 400 and "No such organisation." in text
    status, location, _ = await _post(http, page, action="merge", into="acme énergie")
    assert (status, location) == (303, f"/console/orgs/{acme.id}?merged=1")
    _, text = await _page(http, location)
    assert "The other organisation was merged into this one." in text
    assert "tom@acme-energie.be" in text and "acme-energie.be" in text
    status, _ = await _page(http, page)
    assert status == 404  # gone
    ada = next(o for o in await services.operators.list() if o.email == "ada@desk.test")
    (entry, *_) = await services.audit.page(ada)
    assert (entry.action.value, entry.target, entry.detail) == (
        "organisations_merged", "Acme Énergie", "ACME Energie SA merged into it",
    )  # fmt: skip
