"""Files in chat in the browser: after an escalation the visitor attaches a PNG with the
paperclip; it shows as a link with its thumbnail, and the console's link downloads it. An
operator's reply from the ticket's page brings its file to the widget too."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from .conftest import NewContext, StartDesk, conversation_of, open_widget, widget
from .test_console_details import console_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

# A red PNG of 2 by 2 pixels.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73000000104944415478"
    "9c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082"
)


async def test_a_visitor_attaches_a_png_and_the_console_downloads_it(
    start_desk: StartDesk, new_context: NewContext, tmp_path: Path
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Nadia")  # online: the visitor is queued
    page = await (await new_context(viewport={"width": 390, "height": 844})).new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    attach = w.get_by_role("button", name="Send a file")
    await expect(attach).to_be_hidden()  # no ticket yet: no paperclip

    await w.locator("header").get_by_role("button", name="Talk to a person").click()
    await expect(w.locator(".msg-system").filter(has_text="#000001")).to_be_visible()
    await expect(attach).to_be_visible()
    async with page.expect_file_chooser() as chooser:
        await attach.click()
    await (await chooser.value).set_files(
        {"name": "screen shot.png", "mimeType": "image/png", "buffer": PNG}
    )
    link = w.locator(".msg-visitor a.file")
    await expect(link).to_contain_text("screen shot.png")
    signed = re.compile(re.escape(f"{desk.url}/widget/files/") + r"[^?]+\?sig=[\w-]+=*$")
    await expect(link).to_have_attribute("href", signed)
    thumbnail = link.locator("img")
    await expect(thumbnail).to_be_visible()
    assert await thumbnail.evaluate("img => img.complete && img.naturalWidth") == 2
    await expect(w.locator(".msg-visitor").last).to_have_attribute("data-delivery", "sent")
    await page.screenshot(path=str(tmp_path / "widget-file-390.png"))  # to look at

    # The operator's console shows the link, and it downloads the same bytes.
    conversation_id = await conversation_of(desk, page)
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    file_link = console.locator("#messages .author-visitor a.file")
    await expect(file_link).to_have_text("screen shot.png")
    async with console.expect_download() as download:
        await file_link.click()
    saved = tmp_path / "downloaded.png"
    await (await download.value).save_as(saved)
    assert await asyncio.to_thread(saved.read_bytes) == PNG


async def test_a_reply_from_the_ticket_s_page_brings_its_file_to_the_widget(
    start_desk: StartDesk, new_context: NewContext, tmp_path: Path
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Nadia")
    page = await (await new_context(viewport={"width": 390, "height": 844})).new_page()
    await page.goto(f"{desk.url}/test/en")
    w = widget(page)
    await open_widget(page)
    await w.locator("header").get_by_role("button", name="Talk to a person").click()
    await expect(w.locator(".msg-system").filter(has_text="#000001")).to_be_visible()

    # Nadia answers from the ticket's page, with a screenshot.
    await console.goto(f"{desk.url}/console/t/1")
    await console.locator("#treply-text").fill("Here is what the graph shows.")
    await console.locator("#treply input[type=file]").set_input_files(
        files=[{"name": "graph.png", "mimeType": "image/png", "buffer": PNG}]
    )
    await console.get_by_role("button", name="Send").click()
    await expect(console.locator("#toast")).to_have_text("Reply sent.")

    # The widget shows her words and the file, by the visitor's signed link.
    said = w.locator(".msg-operator").last
    await expect(said.locator(".bubble p").first).to_have_text("Here is what the graph shows.")
    link = said.locator("a.file")
    await expect(link).to_contain_text("graph.png")
    signed = re.compile(re.escape(f"{desk.url}/widget/files/") + r"[^?]+\?sig=[\w-]+=*$")
    await expect(link).to_have_attribute("href", signed)
    await expect(link.locator("img")).to_be_visible()
    await page.screenshot(path=str(tmp_path / "widget-reply-file-390.png"))  # to look at

    # The conversation in the console shows both too.
    await console.goto(f"{desk.url}/console/c/{await conversation_of(desk, page)}")
    mine = console.locator("#messages .author-operator").last
    await expect(mine).to_contain_text("Here is what the graph shows.")
    await expect(mine.locator("a.file")).to_have_text("graph.png")
    await console.screenshot(path=str(tmp_path / "console-reply-file.png"))  # to look at
