"""The console's page of the bot's misses over real HTTP: admins only, the period checked,
groups with counts, kinds, examples and proposals, visitor text escaped, and snippets that
are exactly what ``chatdesk kb gaps --write`` writes for the same misses."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, CookieJar

from chatdesk.app import LIBRARY, STORE, VISITORS
from chatdesk.bot.gapreport import Gaps
from chatdesk.cli import main
from chatdesk.models import utcnow
from chatdesk.web.appkeys import SERVICES, SETTINGS

from .desk import Clock
from .test_bot_gaps import FIXTURE
from .test_console_http import PASSWORD, login

DNS = (
    ("en", "how do I point my domain to your servers"),
    ("en", "change the DNS of my domain"),
    ("fr", "comment modifier les DNS de mon domaine"),
    ("en", "<img src=x onerror=alert(1)> how do I change the DNS records of my domain?"),
)
PDF = "where can I download my invoices as PDF?"


@pytest.fixture
async def desk(start_server: Any, new_client: Any) -> Any:
    """A desk with the test knowledge, an admin, an operator and recorded misses: four
    unanswered questions about DNS (one with HTML in it) and a 👎 on the invoices answer."""
    server = await start_server(knowledge_dir=FIXTURE)
    services = server.app[SERVICES]
    for email, role in (("ada@desk.test", "admin"), ("bob@desk.test", "operator")):
        await services.operators.add(
            email, name=email[:3].title(), role=role, departments=("general",),
            languages=("en",), password=PASSWORD,
        )  # fmt: skip
    for lang, text in DNS:
        visitor = new_client(server)
        await visitor.connect({"lang": lang})
        await visitor.say(text)
        assert (await visitor.bot_reply())["kind"] in ("no_answer", "suggest"), text
    visitor = new_client(server)
    await visitor.connect({"lang": "en"})
    await visitor.say(PDF)
    answer = await visitor.bot_reply()
    assert answer["kind"] == "answer"
    await visitor.call("feedback", {"message_id": answer["id"], "useful": False})
    await server.app[VISITORS].drain()
    return server


@pytest.fixture
async def http(desk: Any) -> Any:
    async with ClientSession(
        base_url=str(desk.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as session:
        yield session


async def get(http: ClientSession, path: str) -> tuple[int, str]:
    async with http.get(path, allow_redirects=False) as response:
        return response.status, await response.text()


def groups(page: str) -> list[str]:
    return re.findall(r'<li class="gap" id="gap-([0-9a-f]{12})"', page)


async def test_only_admins_see_the_page(http: ClientSession) -> None:
    status, _ = await get(http, "/console/gaps")
    assert status == 303  # to the login page
    (await login(http, "bob@desk.test")).close()
    status, page = await get(http, "/console/gaps")
    assert status == 403
    assert "Only admins see the gaps" in page and "gap-list" not in page
    assert 'href="/console/gaps"' not in page  # not in the navigation either
    for path in ("/console/gaps.yaml", "/console/gaps/0123456789ab.yaml"):
        assert (await get(http, path))[0] == 403


async def test_the_period_is_checked(http: ClientSession) -> None:
    (await login(http)).close()
    for query in ("days=8", "days=week", "min_count=0", "min_count=1001", "min_count=2.5"):
        status, page = await get(http, f"/console/gaps?{query}")
        assert status == 400, query
        assert "Choose a period of 7, 30 or 90 days" in page
    status, text = await get(http, "/console/gaps.yaml?days=365")
    assert status == 400 and "`days` must be one of 7, 30, 90" in text


async def test_groups_show_counts_kinds_examples_and_proposals(
    desk: Any, http: ClientSession
) -> None:
    (await login(http)).close()
    status, page = await get(http, "/console/gaps")
    assert status == 200
    assert 'href="/console/gaps" aria-current="page"' in page  # in the navigation
    assert "5 misses in this period, 1 group(s) of at least 2." in page
    (dns,) = groups(page)
    item = page[page.index(f'id="gap-{dns}"') :]
    assert '<b class="gap-count">4 misses</b>' in item
    assert '<li data-kind="no_answer">no answer <b>4</b></li>' in item
    assert 'data-proposal="new_entry"' in item and "New entry" in item
    for lang, text in DNS:
        assert f'<span class="lang">{lang}</span> <q lang="{lang}">{html.escape(text)}</q>' in item
    # The visitor's HTML is text on the page, never markup.
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # The 👎 alone is a group once the smallest group is 1: more questions for `invoices`.
    status, page = await get(http, "/console/gaps?days=7&min_count=1")
    assert "2 group(s) of at least 1." in page
    assert 'data-proposal="add_questions"' in page
    assert "Add as questions of entry" in page
    title = desk.app[SERVICES].gaps.source.current.knowledge.entries["invoices"].title("en")
    assert f'<a href="/help/en/invoices" target="_blank" rel="noopener">{title}</a>' in page
    assert '<li data-kind="thumbs_down">rated unhelpful <b>1</b></li>' in page
    # French texts.
    async with http.get("/console/gaps", headers={"Accept-Language": "fr"}) as response:
        assert "Lacunes du bot" in await response.text()


async def test_accepting_gives_the_snippet_kb_gaps_writes(
    desk: Any, http: ClientSession, tmp_path: Path
) -> None:
    (await login(http)).close()
    query = "days=7&min_count=1"
    _, page = await get(http, f"/console/gaps?{query}")
    keys = groups(page)
    assert len(keys) == 2 and "<pre" not in page
    status, page = await get(http, f"/console/gaps?{query}&accept={keys[0]}")
    assert status == 200
    shown = re.search(r"<pre [^>]*>(.*?)</pre>", page, re.S)
    assert shown and page.count("<pre") == 1
    assert f'href="/console/gaps/{keys[0]}.yaml?days=7&amp;min_count=1" download' in page
    async with http.get(f"/console/gaps/{keys[0]}.yaml?{query}") as response:
        assert response.status == 200
        assert response.content_type == "application/yaml"
        assert "attachment" in response.headers["Content-Disposition"]
        one = await response.text()
    assert html.unescape(shown.group(1)) == one
    assert "&lt;img" not in one and "<img src=x onerror=alert(1)>" in one  # YAML, not HTML
    status, every = await get(http, f"/console/gaps.yaml?{query}")
    assert status == 200 and one in every

    # The command line writes the same file from the same database and knowledge.
    written = tmp_path / "gaps.yaml"
    data_dir = Path(desk.app[SETTINGS].data_dir)
    status = await asyncio.to_thread(
        main,
        [
            "kb", "gaps", "--data-dir", str(data_dir), "--knowledge", str(FIXTURE),
            "--min-count", "1", "--write", str(written),
        ],
    )  # fmt: skip
    assert status == 0
    assert written.read_text(encoding="utf-8") == every

    # A group that is no more: the page says so; its download is gone.
    status, page = await get(http, f"/console/gaps?{query}&accept=0123456789ab")
    assert status == 200 and "That group changed since the page was shown" in page
    assert (await get(http, f"/console/gaps/0123456789ab.yaml?{query}"))[0] == 404


async def test_reports_are_kept_a_minute(desk: Any) -> None:
    clock = Clock()
    clock.now = utcnow()
    gaps = Gaps(desk.app[LIBRARY], desk.app[STORE], clock=clock)
    first = await gaps.report(30, 2)
    assert first is not None and first.groups
    clock.advance(seconds=59)
    assert await gaps.report(30, 2) is first
    assert await gaps.report(90, 2) is not first
    clock.advance(seconds=2)
    again = await gaps.report(30, 2)
    assert again is not None and again is not first
    assert [g.key for g in again.groups] == [g.key for g in first.groups]  # same misses


async def test_a_desk_without_a_bot_says_so(start_server: Any) -> None:
    server = await start_server()
    await server.app[SERVICES].operators.add(
        "ada@desk.test", name="Ada", role="admin", departments=("general",),
        languages=("en",), password=PASSWORD,
    )  # fmt: skip
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True)
    ) as http:
        (await login(http)).close()
        status, page = await get(http, "/console/gaps")
        assert status == 200 and "no bot knowledge loaded" in page
        assert (await get(http, "/console/gaps.yaml"))[0] == 404


async def test_an_admin_dismisses_a_group(desk: Any, http: ClientSession) -> None:
    (await login(http, "bob@desk.test")).close()
    _, page = await get(http, "/console/gaps")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    _, page = await get(http, "/console/gaps?days=7&min_count=1")  # 403 for Bob, no groups
    form = {"csrf": csrf.group(1), "key": "0123456789ab", "days": "7", "min_count": "1"}
    async with http.post("/console/gaps/dismiss", data=form, allow_redirects=False) as answer:
        assert answer.status == 403
    await http.post("/console/logout", data={"csrf": csrf.group(1)})

    (await login(http)).close()
    _, page = await get(http, "/console/gaps?days=7&min_count=1")
    dns, invoices = groups(page)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    form = {"csrf": csrf.group(1), "key": dns, "days": "7", "min_count": "1"}
    for bad in ({"csrf": "forged"}, {"days": "8"}, {"key": "nope"}):
        async with http.post(
            "/console/gaps/dismiss", data=form | bad, allow_redirects=False
        ) as answer:
            assert answer.status in (400, 403), bad
    async with http.post("/console/gaps/dismiss", data=form, allow_redirects=False) as answer:
        assert answer.status == 303
        assert answer.headers["Location"] == "/console/gaps?days=7&min_count=1&dismissed=4"
    status, page = await get(http, "/console/gaps?days=7&min_count=1&dismissed=4")
    assert status == 200 and "4 misses dismissed." in page
    assert groups(page) == [invoices]  # the DNS group is gone, at once (no stale cache)
    assert "1 misses in this period" in page
    # Dismissing it again: the group is no more.
    async with http.post("/console/gaps/dismiss", data=form, allow_redirects=False) as answer:
        assert answer.status == 404
    # `kb gaps` leaves the dismissed misses out too.
    status, every = await get(http, "/console/gaps.yaml?days=7&min_count=1")
    assert "DNS" not in every and "invoices" in every
