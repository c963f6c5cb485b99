"""The help centre in a real browser: axe-core finds no accessibility violation on its pages
(desktop and phone), the vote works without JavaScript, the widget links to the article, and
with ``[desk] help_chat`` a reader asks the bot from a page.

The pictures are written to the test's temporary directory; with CHATDESK_SCREENSHOTS=1 they
replace docs/screenshots/help-*.png.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import expect

from chatdesk.app import STORE

from .conftest import REPO, Desk, NewContext, _start_desk, widget

pytestmark = pytest.mark.asyncio(loop_scope="session")

AXE = REPO / "widget" / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.1 A and AA, and axe's best practices (landmarks, headings, skip links...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAGES = [
    "/help/fr",
    "/help/nl?q=hoe+kan+ik+betalen",
    "/help/en?q=the+weather+in+Namur",
    "/help/en/password-reset",  # an article: headings, an image, a table
    "/help/nl/invoices?voted=yes",
]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def help_desk(
    browser_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    """A desk on the shipped knowledge (it has an article with an image)."""
    desk = await _start_desk(tmp_path_factory.mktemp("help"), REPO / "knowledge")
    yield desk
    await desk.close()


async def axe_violations(page: Any) -> list[str]:
    """Run axe-core in the page (loaded from node_modules, never a CDN)."""
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']]})"
        for v in result["violations"]
    ]


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
async def test_the_pages_pass_axe(
    help_desk: Desk, new_context: NewContext, viewport: dict[str, int]
) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make widget runs npm ci)")
    # The pages allow no script; axe is the test's own, injected past the policy.
    context = await new_context(viewport=viewport, bypass_csp=True)
    page = await context.new_page()
    for path in PAGES:
        await page.goto(help_desk.url + path)
        assert await axe_violations(page) == [], path


async def test_the_not_found_page_passes_axe(help_desk: Desk, browser: Any) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make widget runs npm ci)")
    # Its own context: a 404 is logged in the console, which the shared contexts refuse.
    context = await browser.new_context(bypass_csp=True, locale="fr-BE")
    try:
        page = await context.new_page()
        response = await page.goto(help_desk.url + "/help/fr/no-such-page")
        assert response is not None and response.status == 404
        await expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        assert await axe_violations(page) == []
    finally:
        await context.close()


async def test_keyboard_users_skip_to_the_content_and_search(
    help_desk: Desk, new_context: NewContext
) -> None:
    page = await (await new_context()).new_page()
    await page.goto(help_desk.url + "/help/en")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_in_viewport()
    search = page.get_by_role("searchbox", name="Search the help centre")
    await search.fill("which cards are accepted")
    await search.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Results for “which cards are accepted”"
    )
    first = page.locator(".results li").first
    await expect(first.get_by_role("link")).to_have_text("Which payment methods do you accept?")
    await expect(first.locator(".match")).to_contain_text("% match")


async def test_voting_needs_no_javascript(help_desk: Desk, new_context: NewContext) -> None:
    context = await new_context(java_script_enabled=False, locale="nl-BE")
    page = await context.new_page()
    await page.goto(help_desk.url + "/help")  # Accept-Language: the Dutch help centre
    await expect(page).to_have_url(help_desk.url + "/help/nl")
    await page.get_by_role("link", name="Waar vind ik mijn facturen?").click()
    await page.get_by_role("button", name="Ja").click()
    await expect(page.get_by_role("status")).to_have_text("Bedankt voor uw feedback.")
    votes = await help_desk.app[STORE].feedback.votes()
    assert votes["invoices"].page_useful == 1


async def test_the_widget_links_an_answer_to_its_article(
    help_desk: Desk, new_context: NewContext
) -> None:
    context = await new_context()
    page = await context.new_page()
    await page.goto(help_desk.url + "/")
    w = widget(page)
    await w.locator(".launcher").click()
    await w.get_by_role("button", name="How do I reset my password?").click()
    answer = w.locator(".msg-bot").filter(has_text="my.ardenne.cloud/reset")
    link = answer.get_by_role("link", name="Read more in the help centre (new tab)")
    await expect(link).to_have_attribute("href", help_desk.url + "/help/en/password-reset")
    await expect(link).to_have_attribute("target", "_blank")
    async with context.expect_page() as opened:
        await link.click()
    article = await opened.value
    await expect(article.get_by_role("heading", level=1)).to_have_text(
        "How do I reset my password?"
    )
    await expect(article.get_by_role("img")).to_have_attribute(
        "alt", "The reset page: the e-mail address field, then the button to confirm"
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def chat_help_desk(
    browser_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    """A desk whose help centre carries the chat (``[desk] help_chat = true``)."""
    desk = await _start_desk(
        tmp_path_factory.mktemp("help-chat"), REPO / "knowledge", "help_chat = true\n"
    )
    yield desk
    await desk.close()


async def test_a_reader_asks_the_bot_from_a_help_page(
    chat_help_desk: Desk, new_context: NewContext, tmp_path: Path
) -> None:
    # The shared contexts fail the test on any console error: a script or socket the
    # page's policy refused would be one.
    context = await new_context(locale="fr-BE", viewport={"width": 390, "height": 844})
    page = await context.new_page()
    await page.goto(chat_help_desk.url + "/help/fr/invoices")
    w = widget(page)
    await w.locator(".launcher").click()
    await w.locator(".msg-intro").wait_for()
    box = w.get_by_role("textbox")
    await box.fill("Comment payer par carte ?")
    await box.press("Enter")
    answer = w.locator(".msg-bot").filter(has_text="Visa")
    await expect(answer).to_be_visible()
    assert await page.evaluate("window.chatdesk.lang") == "fr"  # the page's language
    await page.screenshot(path=str(_target(tmp_path) / "help-chat-mobile.png"))
    if AXE.exists():  # the launcher and the panel on the page: still no violation
        await context.close()
        context = await new_context(locale="fr-BE", bypass_csp=True)
        page = await context.new_page()
        await page.goto(chat_help_desk.url + "/help/fr")
        await widget(page).locator(".launcher").wait_for()
        assert await axe_violations(page) == []


def _target(tmp_path: Path) -> Path:
    return REPO / "docs" / "screenshots" if os.environ.get("CHATDESK_SCREENSHOTS") else tmp_path


async def test_screenshots(help_desk: Desk, new_context: NewContext, tmp_path: Path) -> None:
    target = _target(tmp_path)
    desktop = await (await new_context(viewport={"width": 1280, "height": 800})).new_page()
    await desktop.goto(help_desk.url + "/help/fr?q=comment+payer+par+carte")
    await desktop.screenshot(path=str(target / "help-desktop.png"))
    phone_context = await new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="nl-BE",
    )
    phone = await phone_context.new_page()
    await phone.goto(help_desk.url + "/help/nl/password-reset")
    # No horizontal scrolling on a phone, the image and the table included.
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await phone.screenshot(path=str(target / "help-mobile.png"))
