"""The help centre's answers for operators (docs/operators.md, "Answers from the help
centre"), on a real desk with the shipped knowledge: the service's rule, the ``answers``
socket event and the ticket page's panel (a search without a script included)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from yarl import URL

from chatdesk.bot.markdown import plain_text
from chatdesk.errors import RateLimited
from chatdesk.helpcentre.service import ANSWER_LIMIT
from chatdesk.helpdesk import NewTicket
from chatdesk.models import EntryActivity, Operator
from chatdesk.web.appkeys import SERVICES
from chatdesk.web.ticketanswers import visitor_question

from ..clients import OperatorClient, VisitorClient
from .conftest import HelpDesk

pytestmark = pytest.mark.asyncio(loop_scope="module")

BASE = "https://desk.example/"
INVOICE = "je ne trouve pas ma facture de novembre dans mon espace client"


@pytest_asyncio.fixture(loop_scope="module")
async def operator(desk: HelpDesk) -> Operator:
    """An operator of the desk (added once per module), signed in by cookie."""
    services = desk.app[SERVICES]
    found = [o for o in await services.operators.list() if o.email == "olga@desk.test"]
    olga = found[0] if found else await services.operators.add(
        "olga@desk.test", name="Olga", role="operator", departments=services.config.departments,
        languages=("fr", "nl", "en"), password="correct horse battery",
    )  # fmt: skip
    token, _ = services.operators.tokens.issue(olga)
    desk.http.cookie_jar.update_cookies({"chatdesk_session": token}, URL(desk.url))
    return olga


@pytest_asyncio.fixture(loop_scope="module")
async def console(desk: HelpDesk, operator: Operator) -> AsyncIterator[OperatorClient]:
    token, _ = desk.app[SERVICES].operators.tokens.issue(operator)
    client = OperatorClient(desk.url)
    await client.connect(None, headers={"Cookie": f"chatdesk_session={token}"})
    yield client
    await client.close()


async def test_markdown_reads_as_plain_text() -> None:
    text = (
        "Vos **factures** sont dans [votre espace](/support) sur\n"
        "[x.be](https://x.be/).\n\n- un\n- deux"
    )
    assert plain_text(text, BASE) == (
        "Vos factures sont dans votre espace (https://desk.example/support) sur "
        "https://x.be/.\n\n- un\n- deux"
    )


async def test_a_requester_s_long_message_finds_its_entry(desk: HelpDesk) -> None:
    help = desk.app[SERVICES].help
    found = await help.answers(INVOICE, "fr", client="olga", base_url=BASE)
    assert found and found[0].link.id == "invoices"
    first = found[0]
    assert first.url == "https://desk.example/help/fr/invoices"
    assert first.link.title == "Où trouver mes factures ?"
    # Markdown as plain text: no marks, hand-wrapped lines joined, links written out.
    assert "**" not in first.text and "](" not in first.text
    assert "\n" not in first.text.split("\n\n")[0]
    assert len(found) <= 5 and all(a.confidence >= 0.1 for a in found)
    assert [a.confidence for a in found] == sorted((a.confidence for a in found), reverse=True)


async def test_a_search_that_finds_nothing_is_listed_when_the_operator_typed_it(
    desk: HelpDesk,
) -> None:
    help = desk.app[SERVICES].help
    before = len(await desk.store.help.search_misses())
    assert await help.answers("   ", "en", client="olga", base_url=BASE, searched=True) == []
    # The person's own words finding nothing (the panel's automatic question): not listed.
    assert await help.answers("zxqv wubba plonk", "en", client="olga", base_url=BASE) == []
    assert len(await desk.store.help.search_misses()) == before
    # The operator's own search finding nothing: listed for bot authors, as theirs.
    found = await help.answers("zxqv plonk", "en", client="olga", base_url=BASE, searched=True)
    assert found == []
    miss = (await desk.store.help.search_misses())[0]
    assert (miss.query, miss.lang, miss.source) == ("zxqv plonk", "en", "operator")
    # ... and one that finds something is not.
    assert await help.answers(INVOICE, "fr", client="olga", base_url=BASE, searched=True)
    assert len(await desk.store.help.search_misses()) == before + 1


async def test_answers_are_throttled_per_operator(desk: HelpDesk) -> None:
    help = desk.app[SERVICES].help
    limit = help.throttle.limit(ANSWER_LIMIT)
    for _ in range(120):
        assert await help.throttle.count(limit, "help", "answer", "olga")
    with pytest.raises(RateLimited):
        await help.answers(INVOICE, "fr", client="olga", base_url=BASE)
    # Another operator is not held back.
    assert await help.answers(INVOICE, "fr", client="bert", base_url=BASE)


async def test_the_answers_event(desk: HelpDesk, console: OperatorClient) -> None:
    ack = await console.call("answers", {"q": "  where are   my invoices ", "lang": "en"})
    assert ack["ok"] is True and ack["query"] == "where are my invoices"
    first = ack["answers"][0]
    assert first["id"] == "invoices" and first["lang"] == "en"
    # No public URL set: the links point where the console is reached.
    assert first["url"] == f"{desk.url}/help/en/invoices"
    assert first["text"] and 0.1 <= first["confidence"] <= 1
    for bad in ({"q": "", "lang": "en"}, {"q": "x" * 501, "lang": "en"}, {"q": "x"}, "x"):
        ack = await console.call("answers", bad)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", bad


async def _ticket(desk: HelpDesk, subject: str, description: str, lang: str) -> Any:
    ticket, _ = await desk.app[SERVICES].helpdesk.filing.file(
        NewTicket(email="lea@client.be", subject=subject, description=description, lang=lang)
    )
    return ticket


async def test_the_ticket_page_shows_answers_to_the_request(
    desk: HelpDesk, operator: Operator
) -> None:
    ticket = await _ticket(desk, "Facture de novembre", INVOICE, "fr")
    response = await desk.get(f"/console/t/{ticket.id}")
    page = await response.text()
    assert response.status == 200, page
    assert 'id="answers"' in page and "For what the requester asks:" in page
    assert 'href="/help/fr/invoices"' in page
    assert f'data-url="{desk.url}/help/fr/invoices"' in page
    # The page's own search (no script): ?kb= — in the ticket's language, escaped.
    response = await desk.get(f"/console/t/{ticket.id}?kb=<b>paiement refusé</b>")
    page = await response.text()
    assert "For your search:" in page and 'value="&lt;b&gt;paiement refusé&lt;/b&gt;"' in page
    assert 'href="/help/fr/failed-payment"' in page
    response = await desk.get(f"/console/t/{ticket.id}?kb=zxqv+wubba")
    assert "No article answers this well" in await response.text()


async def test_a_throttled_panel_says_so_and_the_page_still_opens(
    desk: HelpDesk, operator: Operator
) -> None:
    help = desk.app[SERVICES].help
    limit = help.throttle.limit(ANSWER_LIMIT)
    for _ in range(120):
        await help.throttle.count(limit, "help", "answer", operator.id)
    ticket = await _ticket(desk, "Factuur", "waar is mijn factuur", "nl")
    response = await desk.get(f"/console/t/{ticket.id}")
    assert response.status == 200
    assert "Too many searches" in await response.text()


async def test_the_conversation_page_shows_answers_to_the_visitor(
    desk: HelpDesk, operator: Operator
) -> None:
    visitor = VisitorClient(desk.url)
    await visitor.connect({"lang": "fr"})
    try:
        await visitor.say(INVOICE)
        conversation = visitor.session["conversation_id"]
    finally:
        await visitor.close()
    response = await desk.get(f"/console/c/{conversation}")
    page = await response.text()
    assert response.status == 200, page
    assert "For what the visitor asks:" in page and 'href="/help/fr/invoices"' in page
    assert f'action="/console/c/{conversation}#answers"' in page


async def test_a_visitor_s_question_is_their_last_three_messages() -> None:
    said = [
        {"author": "visitor", "text": "bonjour"},
        {"author": "bot", "text": "Bonjour ! Que puis-je faire pour vous ?"},
        {"author": "visitor", "text": "ma carte est refusée"},
        {"author": "visitor", "text": "au paiement"},
        {"author": "operator", "text": "Je regarde."},
        {"author": "visitor", "text": "je veux parler à quelqu'un"},
    ]
    assert visitor_question(said) == "ma carte est refusée au paiement je veux parler à quelqu'un"
    assert visitor_question(said[:2]) == "bonjour" and visitor_question([]) == ""
    long = visitor_question([{"author": "visitor", "text": "a" * 400 + " paiement"}] * 2)
    assert len(long) == 500 and long.endswith(" paiement")


async def test_a_quoted_answer_counts_in_the_help_centre_s_report(
    desk: HelpDesk, console: OperatorClient
) -> None:
    before = (await desk.store.help.activity()).get("invoices", EntryActivity()).quotes
    assert (await console.call("answer_quoted", {"id": "invoices", "lang": "fr"}))["ok"]
    report = await desk.app[SERVICES].help.report("en")
    row = next(r for r in report.rows if r.entry_id == "invoices")
    assert row.activity.quotes == before + 1
    # Refused: an entry the help centre does not publish, or a malformed one.
    ack = await console.call("answer_quoted", {"id": "no-such-entry", "lang": "fr"})
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_entry"
    for bad in ({"id": "../x", "lang": "fr"}, {"id": "invoices", "lang": "de"}, {"id": "x"}):
        ack = await console.call("answer_quoted", bad)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", bad
    assert (await desk.store.help.activity())["invoices"].quotes == before + 1


async def test_the_panel_s_searches_in_vain_reach_the_report_marked_as_operators(
    desk: HelpDesk, operator: Operator, console: OperatorClient
) -> None:
    ack = await console.call("answers", {"q": "plonk zxqv wubba", "lang": "en", "typed": True})
    assert ack["ok"] and ack["answers"] == []
    ack = await console.call("answers", {"q": "wubba zxqv plonk", "lang": "en"})  # not typed
    assert ack["ok"] and ack["answers"] == []
    ticket = await _ticket(desk, "Question", "hello", "en")
    await desk.get(f"/console/t/{ticket.id}?kb=zxqv+plonk+flurb")  # the page's own search
    queries = {m.query: m.source for m in await desk.store.help.search_misses()}
    assert queries.get("plonk zxqv wubba") == queries.get("zxqv plonk flurb") == "operator"
    assert "wubba zxqv plonk" not in queries
    response = await desk.get("/console/reports.csv?table=help_searches")
    text = (await response.read()).decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",Searched by")
    assert "plonk zxqv wubba,en," in text and ",an operator" in text
