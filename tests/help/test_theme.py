"""The desk's colour on the help centre and the portal (`[desk] colour`), and a desk without
knowledge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from chatdesk.deskconfig import load_desk_config
from chatdesk.errors import ConfigError
from chatdesk.web.helpapi import theme_css


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def variables(css: str) -> dict[str, str]:
    body = css.partition("{")[2].partition("}")[0]
    pairs = (part.split(":") for part in body.split(";") if part.strip())
    return {name.strip(): value.strip() for name, value in pairs}


def test_the_colour_defaults_and_short_forms_are_read(tmp_path: Path) -> None:
    assert load_desk_config(None).colour == "#1d4ed8"
    path = tmp_path / "chatdesk.toml"
    path.write_text('[desk]\ncolour = "#0A7"\n', encoding="utf-8")
    assert load_desk_config(path).colour == "#00aa77"
    # Mail wears the desk's colour unless [email] has its own.
    assert load_desk_config(path).email.colour == "#00aa77"
    path.write_text('[desk]\ncolour = "#0A7"\n[email]\ncolour = "#222222"\n', encoding="utf-8")
    assert load_desk_config(path).email.colour == "#222222"


@pytest.mark.parametrize("value", ["red", "#12345", "#1234567", "url(x)", "#12345g"])
def test_a_colour_that_is_not_hex_is_refused_naming_the_key(tmp_path: Path, value: str) -> None:
    path = tmp_path / "chatdesk.toml"
    path.write_text(f'[desk]\ncolour = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[desk\] colour"):
        load_desk_config(path)


@pytest.mark.parametrize("colour", ["#1d4ed8", "#ffd500", "#7f7f7f", "#000000", "#ffffff"])
def test_text_on_the_colour_and_links_stay_readable(colour: str) -> None:
    theme = variables(theme_css(colour))
    assert theme["--brand"] == colour
    assert contrast(theme["--on-brand"], colour) >= 4.5
    assert contrast(theme["--ink"], "#ffffff") >= 4.5  # links on the white panels


async def test_a_desk_without_knowledge_shows_its_colour_and_no_articles(
    start_server: Any, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[desk]\nname = "Maasland Hosting"\ncolour = "#ffd500"\n', encoding="utf-8")
    server = await start_server(config_file=config)  # knowledge_dir=None: no bot
    async with ClientSession(str(server.make_url(""))) as http:
        async with http.get("/help/assets/theme.css") as response:
            assert "--brand: #ffd500; --on-brand: #111111;" in await response.text()
        # The portal wears the same colour: one brand from the articles to the form.
        async with http.get("/support/assets/theme.css") as response:
            assert "--brand: #ffd500; --on-brand: #111111;" in await response.text()
            assert response.content_type == "text/css"
        async with http.get("/support/new") as response:
            form = await response.text()
            assert '<link rel="stylesheet" href="/support/assets/theme.css">' in form
        async with http.get("/help/nl") as response:
            page = await response.text()
            assert response.status == 200 and "Er zijn nog geen artikels." in page
            assert "<title>Helpcentrum · Maasland Hosting</title>" in page
        async with http.get("/help/nl/invoices") as response:
            assert response.status == 404
        async with http.get("/help/suggest", params={"q": "factuur", "lang": "nl"}) as response:
            assert await response.json() == {"articles": []}
        async with http.get("/help/sitemap.xml") as response:
            assert "/help/nl/" not in await response.text()


async def test_a_desk_named_like_the_page_is_not_named_twice(
    start_server: Any, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[desk]\nname = "Centre d\'aide"\n', encoding="utf-8")
    server = await start_server(config_file=config)
    async with ClientSession(str(server.make_url(""))) as http:
        async with http.get("/help/fr") as response:
            page = await response.text()
        async with http.get("/support/new?lang=fr") as response:
            form = await response.text()
    # "Centre d'aide Centre d'aide" read as a stutter; another desk keeps the suffix.
    assert '<a class="brand" href="/help/fr">Centre d&#39;aide</a>' in page
    assert "<title>Centre d&#39;aide</title>" in page
    assert '<a class="brand" href="/support/new">Centre d&#39;aide <span>Support</span></a>' in form


async def test_a_language_without_articles_points_to_those_that_have_them(
    start_server: Any, tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "factures.yaml").write_text(
        "topic: {fr: Factures, nl: Facturen}\nentries:\n  - id: facture\n"
        "    fr:\n      questions: ['Où est ma facture ?']\n      answer: Dans votre espace.\n"
        "    nl:\n      questions: ['Waar is mijn factuur?']\n      answer: In uw omgeving.\n",
        encoding="utf-8",
    )
    server = await start_server(knowledge_dir=knowledge, bot_encoder="thread")
    async with ClientSession(str(server.make_url(""))) as http:
        # An English reader is sent where the articles are (the desk's language first).
        headers = {"Accept-Language": "en"}
        async with http.get("/help", headers=headers, allow_redirects=False) as response:
            assert response.headers["Location"] == "/help/fr"
        async with http.get("/help/fr") as response:
            page = await response.text()
        # The switch offers the languages that have pages.
        assert 'hreflang="nl"' in page and 'hreflang="en"' not in page
        async with http.get("/help/en") as response:
            page = await response.text()
        assert "No articles in English yet; they exist in:" in page
        assert '<a href="/help/fr" lang="fr" hreflang="fr">Français</a>' in page
