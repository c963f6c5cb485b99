"""The help centre's pages over HTTP: every shipped entry in each of its languages, topics,
languages, articles and their images, bot-only entries never shown, security headers."""

from __future__ import annotations

import html
import re

import pytest
from markupsafe import escape

from chatdesk.bot.knowledge import load_knowledge
from chatdesk.bot.markdown import render_article
from chatdesk.web.public import LANG_COOKIE

from .conftest import SHIPPED, HelpDesk

pytestmark = pytest.mark.asyncio(loop_scope="module")

KNOWLEDGE = load_knowledge(SHIPPED)
PUBLIC = [e for e in KNOWLEDGE.entries.values() if e.public]
HIDDEN = [e for e in KNOWLEDGE.entries.values() if not e.public]


def text_of(page: str) -> str:
    """The page's visible words (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


async def test_the_shipped_knowledge_has_public_and_bot_only_entries() -> None:
    assert len(PUBLIC) >= 30 and {e.id for e in HIDDEN} >= {"complaint", "site-down"}


async def test_every_public_entry_has_a_page_in_each_of_its_languages(desk: HelpDesk) -> None:
    """The meta-test: each shipped entry's page, in each language it is written in."""
    checked = 0
    for entry in PUBLIC:
        for lang, block in entry.langs.items():
            response = await desk.get(f"/help/{lang}/{entry.id}")
            assert response.status == 200, (entry.id, lang)
            page = await response.text()
            assert f'<html lang="{lang}">' in page
            assert f"<h1>{escape(block.questions[0])}</h1>" in page, (entry.id, lang)
            # The article when there is one, else the answer, rendered and sanitised.
            assert render_article(block.article or block.answer, "/help/media/") in page
            for other in entry.langs:  # hreflang alternates, absolute
                assert (
                    f'<link rel="alternate" hreflang="{other}" '
                    f'href="{desk.url}/help/{other}/{entry.id}">'
                ) in page
            assert f'<link rel="canonical" href="{desk.url}/help/{lang}/{entry.id}">' in page
            assert "<script" not in page  # nothing needs JavaScript
            checked += 1
    assert checked == sum(len(e.langs) for e in PUBLIC) >= 90


async def test_bot_only_entries_have_no_page_and_are_not_listed(desk: HelpDesk) -> None:
    for entry in HIDDEN:
        for lang in entry.langs:
            response = await desk.get(f"/help/{lang}/{entry.id}")
            assert response.status == 404, entry.id
    for lang in ("fr", "nl", "en"):
        page = await (await desk.get(f"/help/{lang}")).text()
        for entry in HIDDEN:
            assert f"/{entry.id}" not in page and entry.title(lang) not in text_of(page)
        # Complaints has only a bot-only entry: no empty topic either.
        assert 'id="topic-complaints"' not in page


async def test_the_topics_list_every_public_entry_in_file_order(desk: HelpDesk) -> None:
    page = await (await desk.get("/help/nl")).text()
    shown = re.findall(r'<a href="/help/nl/([a-z0-9-]+)">', page)
    expected = [
        entry_id
        for topic in KNOWLEDGE.topics
        for entry_id in topic.entry_ids
        if KNOWLEDGE.entries[entry_id].public
    ]
    assert shown == expected
    titles = re.findall(r'<h2 id="topic-([a-z-]+)">([^<]+)</h2>', page)
    assert titles[:2] == [("account", "Klantenzone"), ("billing", "Facturatie")]


async def test_the_search_s_example_is_one_of_the_desk_s_own_questions(desk: HelpDesk) -> None:
    first = next(
        KNOWLEDGE.entries[entry_id]
        for topic in KNOWLEDGE.topics
        for entry_id in topic.entry_ids
        if KNOWLEDGE.entries[entry_id].public and "fr" in KNOWLEDGE.entries[entry_id].langs
    )
    wordings = first.langs["fr"].questions
    example = min(wordings[1:] or wordings, key=len)  # another wording than the title
    hint = re.search(
        r'<p id="q-hint" class="hint">([^<]+)</p>', await (await desk.get("/help/fr")).text()
    )
    assert hint is not None
    assert (
        html.unescape(hint.group(1))
        == f"Posez votre question avec vos mots\u00a0: «\u00a0{example}\u00a0»"
    )


async def test_help_sends_visitors_to_their_language(desk: HelpDesk) -> None:
    async def target(path: str, **headers: str) -> str:
        response = await desk.get(path, headers=headers)
        assert response.status == 302
        return str(response.headers["Location"])

    assert await target("/help", **{"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}) == "/help/nl"
    assert await target("/help?lang=fr", **{"Accept-Language": "nl"}) == "/help/fr"
    assert await target("/help/", **{"Accept-Language": "de, fr;q=0.4"}) == "/help/fr"
    assert await target("/help", **{"Accept-Language": "de"}) == "/help/en"  # the default
    assert await target("/help?lang=xx", **{"Accept-Language": "de"}) == "/help/en"
    # Reading a page in a language remembers it: the next visit starts there.
    response = await desk.get("/help/nl/invoices", headers={"Accept-Language": "fr"})
    assert response.cookies[LANG_COOKIE].value == "nl"
    assert await target("/help", **{"Accept-Language": "fr"}) == "/help/nl"
    assert await target("/help?lang=en", **{"Accept-Language": "fr"}) == "/help/en"


async def test_the_language_switch_leads_to_the_same_entry(desk: HelpDesk) -> None:
    page = await (await desk.get("/help/fr/invoices")).text()
    assert '<a href="/help/nl/invoices" lang="nl" hreflang="nl">Nederlands</a>' in page
    assert 'href="/help/fr/invoices" lang="fr" hreflang="fr" aria-current="page"' in page
    assert "Nederlands: Waar vind ik mijn facturen?" in text_of(page)  # "other languages"


async def test_related_entries_are_the_public_follow_ups(desk: HelpDesk) -> None:
    refunds = KNOWLEDGE.entries["refund-policy"]
    assert refunds.follow_ups == ("cancel-service", "refund-dispute")  # the latter bot-only
    page = await (await desk.get("/help/en/refund-policy")).text()
    related = page.partition('id="related-title"')[2].partition("</section>")[0]
    assert re.findall(r'href="/help/en/([a-z-]+)"', related) == ["cancel-service"]


async def test_an_article_replaces_the_short_answer_with_its_images(desk: HelpDesk) -> None:
    page = await (await desk.get("/help/en/password-reset")).text()
    entry = KNOWLEDGE.entries["password-reset"]
    assert "<h2>Steps</h2>" in page and "<table>" in page
    assert entry.langs["en"].answer.splitlines()[0] not in page  # the bot's short version
    image = re.search(r'<img src="(/help/media/[^"]+)" alt="([^"]+)" loading="lazy">', page)
    assert image is not None and image[1] == "/help/media/password-reset-form.png"
    assert image[2].startswith("The reset page")
    response = await desk.get(image[1])
    assert response.status == 200 and response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert await response.read() == (SHIPPED / "media" / "password-reset-form.png").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/help/media/nothing.png",
        "/help/media/../account.yaml",
        "/help/media/%2e%2e/account.yaml",
        "/help/media/..%2faccount.yaml",
        "/help/media/password-reset-form.png/",
    ],
)
async def test_only_images_of_public_articles_are_served(desk: HelpDesk, path: str) -> None:
    response = await desk.get(path)
    assert response.status == 404
    assert "entries:" not in await response.text()  # never the YAML


async def test_an_unknown_page_is_answered_in_the_readers_language(desk: HelpDesk) -> None:
    response = await desk.get("/help/nl/no-such-entry")
    assert response.status == 404
    page = await response.text()
    assert '<html lang="nl">' in page and "Pagina niet gevonden" in page
    response = await desk.get("/help/de", headers={"Accept-Language": "fr"})
    assert response.status == 404 and "Page introuvable" in await response.text()
    # Other paths keep the server's own answers and headers.
    response = await desk.get("/helpful")
    assert response.status == 404 and "Content-Security-Policy" not in response.headers


async def test_pages_carry_security_headers_and_no_script(desk: HelpDesk) -> None:
    for path in ("/help/en", "/help/en/invoices", "/help/en?q=invoice", "/help/en/nope"):
        response = await desk.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "<script" not in await response.text()


async def test_views_are_counted_for_readers_not_robots(desk: HelpDesk) -> None:
    async def views() -> int:
        counted = (await desk.store.help.activity()).get("vat-number")
        return counted.views if counted is not None else 0

    before = await views()
    await desk.get("/help/fr/vat-number")
    await desk.get("/help/nl/vat-number", headers={"User-Agent": "Mozilla/5.0 (X11; Linux)"})
    await desk.get("/help/en/vat-number", headers={"User-Agent": "Googlebot/2.1"})
    await desk.http.head(desk.url + "/help/en/vat-number")
    assert await views() == before + 2


async def test_the_desks_name_and_colour(desk: HelpDesk) -> None:
    page = await (await desk.get("/help/fr")).text()
    assert "<title>Centre d&#39;aide · Ardenne Cloud</title>" in page
    assert '<link rel="stylesheet" href="/help/assets/theme.css">' in page
    response = await desk.get("/help/assets/theme.css")
    assert response.content_type == "text/css"
    assert "--brand: #1d4ed8; --on-brand: #ffffff; --ink: #1d4ed8;" in await response.text()
    again = await desk.get(
        "/help/assets/theme.css", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status == 304
    styles = await desk.get("/help/assets/help.css")
    assert styles.status == 200 and ".masthead" in await styles.text()
