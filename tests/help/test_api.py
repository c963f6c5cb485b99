"""The help centre's JSON endpoints for the support form (suggest, deflect) and its sitemap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import msgspec
import pytest

from chatdesk.bot.knowledge import load_knowledge
from chatdesk.models import EntryActivity
from chatdesk.wire.base import ErrorOut
from chatdesk.wire.help import SuggestOut

from .conftest import SHIPPED, HelpDesk

pytestmark = pytest.mark.asyncio(loop_scope="module")

KNOWLEDGE = load_knowledge(SHIPPED)
HIDDEN = {e.id for e in KNOWLEDGE.entries.values() if not e.public}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


async def suggest(desk: HelpDesk, **params: str) -> tuple[int, Any]:
    response = await desk.get("/help/suggest", params=params)
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status, await response.read()


async def test_suggestions_are_at_most_three_confident_public_articles(desk: HelpDesk) -> None:
    status, body = await suggest(desk, q="Je n'arrive plus à payer ma facture par carte", lang="fr")
    assert status == 200
    articles = msgspec.json.decode(body, type=SuggestOut).articles  # the documented shape
    assert 1 <= len(articles) <= 3
    assert articles[0].id in ("failed-payment", "payment-methods")
    first = articles[0]
    assert first.url == f"/help/fr/{first.id}" and first.lang == "fr"
    assert first.title == KNOWLEDGE.entries[first.id].title("fr")
    confidences = [a.confidence for a in articles]
    assert confidences == sorted(confidences, reverse=True) and min(confidences) >= 0.3


async def test_suggestions_leave_bot_only_entries_out(desk: HelpDesk) -> None:
    for lang, text in [
        ("en", "my website is down, nothing loads"),
        ("fr", "je veux déposer une plainte contre votre service"),
        ("nl", "ik betwist een terugbetaling"),
    ]:
        status, body = await suggest(desk, q=text, lang=lang)
        assert status == 200
        ids = {a.id for a in msgspec.json.decode(body, type=SuggestOut).articles}
        assert not ids & HIDDEN, (text, ids)


async def test_nothing_is_suggested_for_unrelated_or_empty_text(desk: HelpDesk) -> None:
    for text in ("", "   ", "quel temps fera-t-il demain à Namur"):
        status, body = await suggest(desk, q=text, lang="fr")
        assert (status, msgspec.json.decode(body)) == (200, {"articles": []})
    assert await desk.store.help.search_misses() == []  # typing is not searching


async def test_suggestions_use_the_visitors_language_by_default(desk: HelpDesk) -> None:
    response = await desk.get(
        "/help/suggest", params={"q": "où sont mes factures"}, headers={"Accept-Language": "fr"}
    )
    articles = msgspec.json.decode(await response.read(), type=SuggestOut).articles
    assert articles[0].url == "/help/fr/invoices"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x" * 501, "lang": "fr"}, "q"),
        ({"q": "facture", "lang": "de"}, "lang"),
        ({"lang": "fr"}, "q"),
    ],
)
async def test_bad_suggestion_requests_are_refused_with_the_field(
    desk: HelpDesk, params: dict[str, str], field: str
) -> None:
    status, body = await suggest(desk, **params)
    error = msgspec.json.decode(body, type=ErrorOut)
    assert status == 400 and error.code == "invalid_payload"
    assert re.search(rf"(`|\$\.){field}`", error.message), error.message  # the field named


async def test_suggestions_are_throttled_per_client(desk: HelpDesk) -> None:
    statuses = [(await suggest(desk, q=f"facture {n}", lang="fr"))[0] for n in range(61)]
    assert statuses[:60] == [200] * 60
    status, body = await suggest(desk, q="facture", lang="fr")
    assert status == 429 and msgspec.json.decode(body)["code"] == "rate_limited"


async def deflect(desk: HelpDesk, payload: Any, **kw: Any) -> Any:
    return await desk.post("/help/deflect", json=payload, **kw)


async def test_a_deflection_is_recorded(desk: HelpDesk) -> None:
    before = (await desk.store.help.activity()).get("password-reset", EntryActivity())
    response = await deflect(
        desk, {"entry_id": "password-reset", "lang": "nl", "q": "ik kan niet meer inloggen"}
    )
    assert response.status == 204 and await response.read() == b""
    after = (await desk.store.help.activity())["password-reset"]
    assert after.deflections == before.deflections + 1


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"entry_id": "no-such-entry", "lang": "fr"}, 404, "unknown_entry"),
        ({"entry_id": "complaint", "lang": "fr"}, 404, "unknown_entry"),  # bot-only
        ({"entry_id": "invoices", "lang": "de"}, 400, "invalid_payload"),
        ({"entry_id": "../etc", "lang": "fr"}, 400, "invalid_payload"),
        ({"entry_id": "invoices", "lang": "fr", "q": "x" * 501}, 400, "invalid_payload"),
        ({"entry_id": "invoices", "lang": "fr", "admin": True}, 400, "invalid_payload"),
        (["invoices"], 400, "invalid_payload"),
    ],
)
async def test_bad_deflections_are_refused(
    desk: HelpDesk, payload: Any, status: int, code: str
) -> None:
    response = await deflect(desk, payload)
    assert response.status == status
    assert msgspec.json.decode(await response.read(), type=ErrorOut).code == code


async def test_a_deflection_must_be_json(desk: HelpDesk) -> None:
    # A page on another site can post a form without asking; JSON needs CORS's consent.
    form = await desk.post("/help/deflect", data={"entry_id": "invoices", "lang": "fr"})
    assert form.status == 415
    broken = await desk.post(
        "/help/deflect", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 400
    assert msgspec.json.decode(await broken.read(), type=ErrorOut).code == "invalid_payload"
    huge = await deflect(desk, {"entry_id": "invoices", "lang": "fr", "q": "x" * 20_000})
    assert huge.status == 413


async def test_deflections_are_throttled_per_client(desk: HelpDesk) -> None:
    payload = {"entry_id": "invoices", "lang": "en"}
    statuses = [(await deflect(desk, payload)).status for _ in range(21)]
    assert statuses[:20] == [204] * 20 and statuses[20] == 429


async def test_the_sitemap_lists_every_public_entry_with_its_alternates(desk: HelpDesk) -> None:
    response = await desk.get("/help/sitemap.xml")
    assert response.status == 200 and response.content_type == "application/xml"
    root = ET.fromstring(await response.read())
    urls = {
        u.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in u.findall(f"{XHTML}link")
        }
        for u in root.findall(f"{SITEMAP}url")
    }
    for entry in KNOWLEDGE.entries.values():
        for lang in entry.langs:
            loc = f"{desk.url}/help/{lang}/{entry.id}"
            if not entry.public:
                assert loc not in urls
                continue
            assert urls[loc] == {
                other: f"{desk.url}/help/{other}/{entry.id}" for other in entry.langs
            }
    assert urls[f"{desk.url}/help/nl"]["fr"] == f"{desk.url}/help/fr"
    body = await (await desk.get("/help/sitemap.xml")).text()
    assert not any(f"/{entry_id}<" in body for entry_id in HIDDEN)


async def test_the_sitemap_names_the_origin_its_proxy_announces(desk: HelpDesk) -> None:
    response = await desk.get(
        "/help/sitemap.xml",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "help.ardenne.cloud"},
    )
    assert "<loc>https://help.ardenne.cloud/help/fr/invoices</loc>" in await response.text()
    forged = await desk.get("/help/sitemap.xml", headers={"X-Forwarded-Host": '"><script>'})
    assert "<script>" not in await forged.text()
