"""The HelpCentre service on a real store and a real knowledge library (no server): pages of
entries written in some languages only, images, hot reload of articles, the report."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from chatdesk.bot.library import KnowledgeLibrary
from chatdesk.helpcentre import HelpCentre
from chatdesk.models import EntryActivity, Votes
from chatdesk.store import Store

from ..desk import Clock
from .conftest import SHIPPED

PNG = (SHIPPED / "media" / "password-reset-form.png").read_bytes()

FILES = {
    "_bot.yaml": "matcher: {semantic: false}\n",
    "a-account.yaml": """\
        topic: {fr: Compte, en: Account}
        entries:
          - id: reset
            follow_ups: [hidden, french-only]
            fr:
              questions: ["Comment changer mon mot de passe ?"]
              answer: Allez sur la page de réinitialisation.
              article: reset.fr.md
            en:
              questions: ["How do I change my password?"]
              answer: Go to the reset page.
          - id: hidden
            public: false
            en:
              questions: [I want to speak to the security team]
              answer: I'm passing you to them.
              article: hidden.md
          - id: french-only
            fr:
              questions: ["Où sont mes factures ?"]
              answer: Dans votre espace client.
        """,
    "reset.fr.md": "## Étapes\n\n![Le formulaire](media/reset.png)\n",
    "hidden.md": "![Secret](media/secret.png)\n",
}


@pytest.fixture
async def library(tmp_path: Path) -> KnowledgeLibrary:
    directory = tmp_path / "knowledge"
    (directory / "media").mkdir(parents=True)
    for name, text in FILES.items():
        (directory / name).write_text(textwrap.dedent(text), encoding="utf-8")
    for image in ("reset.png", "secret.png"):
        (directory / "media" / image).write_bytes(PNG)
    lib = KnowledgeLibrary(directory)
    assert await lib.reload()
    return lib


@pytest.fixture
def help_centre(library: KnowledgeLibrary, store: Store, clock: Clock) -> HelpCentre:
    return HelpCentre(library, store, clock=clock)


async def test_topics_list_the_entries_written_in_the_language(help_centre: HelpCentre) -> None:
    [fr] = help_centre.topics("fr")
    assert (fr.title, [e.id for e in fr.entries]) == ("Compte", ["reset", "french-only"])
    [en] = help_centre.topics("en")
    assert (en.title, [e.id for e in en.entries]) == ("Account", ["reset"])
    assert help_centre.topics("nl") == []  # nothing written in Dutch


async def test_an_entry_not_written_in_the_readers_language_goes_to_its_own(
    help_centre: HelpCentre,
) -> None:
    assert help_centre.page("french-only", "en") is None
    assert help_centre.page_lang("french-only", "en") == "fr"
    assert help_centre.page_lang("hidden", "en") is None  # bot-only: no page at all
    assert help_centre.page_lang("nothing", "en") is None
    page = help_centre.page("reset", "en")
    assert page is not None
    # Related: public follow-ups only, each in a language it is written in.
    assert [(r.id, r.lang, r.path) for r in page.related] == [
        ("french-only", "fr", "/help/fr/french-only")
    ]
    assert [v.lang for v in page.versions] == ["fr", "en"]
    assert not page.has_article and page.html == "<p>Go to the reset page.</p>"


async def test_only_images_of_public_articles_are_served(
    help_centre: HelpCentre, library: KnowledgeLibrary
) -> None:
    assert help_centre.media("media/reset.png") == library.directory / "media" / "reset.png"
    assert help_centre.media("media/secret.png") is None  # only a bot-only article shows it
    assert help_centre.media("media/../a-account.yaml") is None
    assert help_centre.media("a-account.yaml") is None
    # An image replaced by a link leading out of media/ after the load is not served.
    image = library.directory / "media" / "reset.png"
    image.unlink()
    image.symlink_to(library.directory / "a-account.yaml")
    assert help_centre.media("media/reset.png") is None


@pytest.fixture
async def watched(library: KnowledgeLibrary) -> AsyncIterator[KnowledgeLibrary]:
    """The library watching its files, as the server's does."""
    library.settle = 0.05
    await library.start()
    yield library
    await library.stop()


async def test_an_edited_article_is_shown_once_the_files_settle(
    help_centre: HelpCentre, watched: KnowledgeLibrary
) -> None:
    page = help_centre.page("reset", "fr")
    assert page is not None and page.has_article and "<h2>Étapes</h2>" in page.html
    reloaded = watched.next_reload()
    (watched.directory / "reset.fr.md").write_text("## Nouvelles étapes\n", encoding="utf-8")
    assert await asyncio.wait_for(reloaded, timeout=10) is True
    page = help_centre.page("reset", "fr")
    assert page is not None and "<h2>Nouvelles étapes</h2>" in page.html


async def test_the_sitemap_has_public_entries_in_their_languages(help_centre: HelpCentre) -> None:
    assert help_centre.sitemap() == [("reset", ("fr", "en")), ("french-only", ("fr",))]


async def test_search_and_suggestions_leave_bot_only_entries_out(help_centre: HelpCentre) -> None:
    results = await help_centre.search("speak to the security team", "en", client="a")
    assert all(h.link.id != "hidden" for h in results.hits)
    hits = await help_centre.suggest("speak to the security team", "en", client="a")
    assert all(h.link.id != "hidden" for h in hits)


async def test_the_report_adds_views_votes_and_deflections_per_entry(
    help_centre: HelpCentre, store: Store, clock: Clock
) -> None:
    start = clock.now
    for user_agent in ("Mozilla/5.0", "Mozilla/5.0", "bingbot/2.0"):
        await help_centre.viewed("reset", "fr", user_agent=user_agent)
    await help_centre.viewed("french-only", "fr")
    await help_centre.voted("reset", "fr", "reader-1", useful=True, client="a")
    await help_centre.deflected("reset", "en", "lost my password", client="a")
    await store.help.record_search_miss(
        "the weather in Namur tomorrow", "en", best_entry_id=None, confidence=0.0, now=clock.now
    )
    # Figures of an entry since removed from the knowledge keep their row.
    await store.help.record_view("retired-entry", "en", now=clock.now)
    end = clock.now + timedelta(hours=1)
    clock.advance(days=1)
    await help_centre.viewed("reset", "fr")  # after the period
    report = await help_centre.report("en", since=start, until=end)
    rows = {r.entry_id: r for r in report.rows}
    assert [r.entry_id for r in report.rows][:3] == ["reset", "french-only", "retired-entry"]
    assert rows["reset"].title == "How do I change my password?"
    assert rows["reset"].activity == EntryActivity(views=2, deflections=1)
    assert rows["reset"].votes == Votes(page_useful=1)
    assert rows["french-only"].title == "Où sont mes factures ?"  # its own language
    assert (rows["retired-entry"].title, rows["retired-entry"].public) == ("retired-entry", False)
    assert (rows["hidden"].public, rows["hidden"].activity) == (False, EntryActivity())
    assert [m.query for m in report.search_misses] == ["the weather in Namur tomorrow"]


async def test_a_desk_without_knowledge_has_an_empty_help_centre(store: Store) -> None:
    empty = HelpCentre(None, store)
    assert empty.topics("fr") == [] and empty.page("reset", "fr") is None
    assert empty.sitemap() == [] and empty.media("media/reset.png") is None
    assert (await empty.search("facture", "fr", client="a")).hits == ()
    assert await empty.suggest("facture", "fr", client="a") == []
