"""The console in French, Dutch and English (issue 8.10): complete catalogs on both sides,
the operator's choice kept in a cookie, Accept-Language by default."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, CookieJar

from chatdesk.models import Author, Mode
from chatdesk.models import Status as TicketStatus
from chatdesk.web.appkeys import SERVICES
from chatdesk.web.consolelang import LANG_COOKIE
from chatdesk.web.consoletexts import CONSOLE_TEXTS

ROOT = Path(__file__).parents[1]
TEMPLATES = ROOT / "chatdesk" / "web" / "templates" / "console"
SCRIPT_TEXTS = ROOT / "widget" / "src" / "console" / "texts.json"
PASSWORD = "correct horse battery"


def test_every_language_has_every_key_on_both_sides() -> None:
    for catalog in (CONSOLE_TEXTS, json.loads(SCRIPT_TEXTS.read_text(encoding="utf-8"))):
        assert set(catalog) == {"fr", "nl", "en"}
        keys = set(catalog["en"])
        for lang, texts in catalog.items():
            assert set(texts) == keys, (lang, set(texts) ^ keys)
            assert all(text.strip() for text in texts.values()), lang


def test_the_templates_use_only_keys_of_the_catalog() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        found = re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", template.read_text("utf-8"))
        used |= {key for key in found if not key.endswith("_")}  # "mode_" ~ c.mode: below
    # Keys made from values: every mode, author, priority, presence and list.
    used |= {f"mode_{m}" for m in Mode} | {f"author_{a}" for a in Author}
    used |= {f"status_{s}" for s in ("online", "away", "offline")}
    used |= {f"view_{v}" for v in ("queue", "mine", "all")}
    used |= {f"priority_{p}" for p in ("urgent", "high", "normal", "low")}
    used |= {f"ticket_{status}" for status in TicketStatus}
    assert used - set(CONSOLE_TEXTS["en"]) == set()


async def _operator(server: Any) -> None:
    await server.app[SERVICES].operators.add(
        "ada@desk.test",
        name="Ada",
        role="admin",
        departments=("general",),
        languages=("en",),
        password=PASSWORD,
    )


async def _login(http: ClientSession) -> str:
    async with http.get("/console/login") as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf
    data = {"csrf": csrf.group(1), "email": "ada@desk.test", "password": PASSWORD}
    await http.post("/console/login", data=data)
    async with http.get("/console/queue") as page:
        found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert found
    return found.group(1)


async def test_the_console_speaks_the_browsers_language_then_the_operators_choice(
    server: Any,
) -> None:
    await _operator(server)
    headers = {"Accept-Language": "de-DE,nl-BE;q=0.8,en;q=0.5"}
    async with ClientSession(
        base_url=str(server.make_url("")), cookie_jar=CookieJar(unsafe=True), headers=headers
    ) as http:
        async with http.get("/console/login") as page:
            text = await page.text()
            assert '<html lang="nl">' in text and "Aanmelden" in text
        csrf = await _login(http)
        async with http.get("/console/queue") as page:
            assert "Wachtrij" in await page.text()

        refused = await http.post(
            "/console/lang", data={"csrf": "forged", "lang": "fr"}, allow_redirects=False
        )
        assert refused.status == 403
        bad = await http.post("/console/lang", data={"csrf": csrf, "lang": "de"})
        assert bad.status == 400
        chosen = await http.post(
            "/console/lang",
            data={"csrf": csrf, "lang": "fr", "next": "/console/all"},
            allow_redirects=False,
        )
        assert chosen.status == 303 and chosen.headers["Location"] == "/console/all"
        cookie = chosen.cookies[LANG_COOKIE]
        assert cookie.value == "fr" and cookie["path"] == "/console" and cookie["samesite"] == "Lax"
        async with http.get("/console/all") as page:
            text = await page.text()
            assert '<html lang="fr">' in text and "Toutes" in text and "Se déconnecter" in text
