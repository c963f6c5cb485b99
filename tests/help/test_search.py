"""Search in the help centre: the bot's matcher finds articles from paraphrases, results are
ranked with their confidence, bot-only entries never appear, misses are recorded."""

from __future__ import annotations

import re

import pytest

from chatdesk.bot.knowledge import load_knowledge
from chatdesk.bot.normalize import normalize

from .conftest import SHIPPED, HelpDesk

pytestmark = pytest.mark.asyncio(loop_scope="module")

KNOWLEDGE = load_knowledge(SHIPPED)
# Words that carry no meaning of their own: sharing them is not sharing words.
_FUNCTION_WORDS = """
    the a an my your is are i me can do how what which where when with for of to in on at it
    you we our and or be le la les un une de des du mon ma mes je est sont pour avec en au et
    ou ne pas vous nous votre vos que qui quand quel etes het een mijn ik zijn hoe wat waar
    met voor van op of niet u uw jullie kan mag er om te
"""
FUNCTION_WORDS = set(_FUNCTION_WORDS.split())
#: (lang, paraphrase, entry): none of the paraphrase's words is in the entry's questions or
#: answer in that language; only their meaning is shared.
PARAPHRASES = [
    ("en", "at what hour is your staff around", "business-hours"),
    ("en", "which cards are accepted", "payment-methods"),
    ("fr", "à partir de quand êtes-vous là le matin", "business-hours"),
    ("nl", "is er een nummer om te bellen", "phone-support"),
]


def words(text: str) -> set[str]:
    return {w for w in normalize(text).split() if w not in FUNCTION_WORDS}


def results_of(page: str) -> list[tuple[str, str]]:
    """The results' (entry path, "NN % match" line), in order."""
    found = page.partition('class="results"')[2].partition("</section>")[0]
    return re.findall(
        r'<a href="(/help/[^"]+)"[^>]*>[^<]*</a>\s*<span class="match">([^<]+)', found
    )


@pytest.mark.parametrize(("lang", "question", "entry_id"), PARAPHRASES)
async def test_a_paraphrase_finds_the_article_without_shared_words(
    desk: HelpDesk, lang: str, question: str, entry_id: str
) -> None:
    block = KNOWLEDGE.entries[entry_id].langs[lang]
    assert not words(question) & words(" ".join((*block.questions, block.answer)))
    response = await desk.get(f"/help/{lang}", params={"q": question})
    assert response.status == 200
    results = results_of(await response.text())
    assert results and results[0][0] == f"/help/{lang}/{entry_id}"


async def test_results_are_ranked_with_their_confidence(desk: HelpDesk) -> None:
    page = await (await desk.get("/help/fr", params={"q": "payer par carte ou virement"})).text()
    results = results_of(page)
    assert results[0][0] == "/help/fr/payment-methods"
    percents = [int(re.sub(r"\D", "", line)) for _, line in results]
    assert percents == sorted(percents, reverse=True) and all(30 <= p <= 100 for p in percents)
    assert results[0][1].startswith("correspondance ") and results[0][1].endswith("\u00a0%")
    assert (
        "<title>Résultats pour «\u00a0payer par carte ou virement\u00a0» · Centre d&#39;aide"
        in page
    )
    # The box keeps the question; the topics follow the results.
    assert 'value="payer par carte ou virement"' in page and "Thèmes</h2>" in page


async def test_bot_only_entries_never_appear_in_results(desk: HelpDesk) -> None:
    hidden = {e.id for e in KNOWLEDGE.entries.values() if not e.public}
    for lang, question in [
        ("en", "my website is down"),  # the bot's best: site-down, a handover
        ("fr", "je veux déposer une plainte"),
        ("nl", "mijn website is gehackt"),
    ]:
        page = await (await desk.get(f"/help/{lang}", params={"q": question})).text()
        shown = {path.rpartition("/")[2] for path, _ in results_of(page)}
        assert not shown & hidden, (question, shown)
        assert not re.search(r"/help/\w\w/(" + "|".join(hidden) + r")\b", page)


async def test_a_search_without_a_good_result_is_recorded(desk: HelpDesk) -> None:
    page = await (await desk.get("/help/nl", params={"q": "wat is het weer morgen in Gent"})).text()
    assert "Geen enkel artikel beantwoordt deze vraag goed." in page
    assert results_of(page) == []
    misses = await desk.store.help.search_misses(limit=1)
    assert [(m.query, m.lang) for m in misses] == [("wat is het weer morgen in Gent", "nl")]
    assert misses[0].confidence < 0.3
    # A search with results is not a miss.
    await desk.get("/help/en", params={"q": "which cards are accepted"})
    assert (await desk.store.help.search_misses(limit=1))[0].query == misses[0].query


async def test_an_empty_search_shows_the_topics(desk: HelpDesk) -> None:
    for query in ("", "   "):
        page = await (await desk.get("/help/en", params={"q": query})).text()
        assert "<h1>Help centre</h1>" in page and 'class="results"' not in page


async def test_a_too_long_search_is_refused_in_the_readers_language(desk: HelpDesk) -> None:
    response = await desk.get("/help/fr", params={"q": "facture " * 100})
    assert response.status == 400
    page = await response.text()
    assert "Votre recherche est trop longue\u00a0: 500 caractères au maximum." in page
    assert 'role="alert"' in page


async def test_searches_are_throttled_per_client(desk: HelpDesk) -> None:
    statuses = [
        (await desk.get("/help/en", params={"q": f"question {n}"})).status for n in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    page = await (await desk.get("/help/nl", params={"q": "nog een vraag"})).text()
    assert "Te veel verzoeken" in page
