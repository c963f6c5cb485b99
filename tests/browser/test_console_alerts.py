"""Operators are alerted (issue 8.9): a new conversation in the queue, and a visitor's message in
one of mine while the tab is hidden, make a tone, a browser notification (allowed from a click)
and a count in the tab's title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from .conftest import NewContext, StartDesk
from .test_console_details import console_of, visitor_asking

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Watch the browser's own APIs (nothing of ours is replaced): notifications shown, tones
# started, and a tab the test can hide as switching tabs would.
WATCH = """
window.__shown = [];
window.__tones = 0;
const RealNotification = window.Notification;
window.Notification = new Proxy(RealNotification, {
  construct(target, args) {
    window.__shown.push({title: args[0], body: (args[1] || {}).body});
    return Reflect.construct(target, args);
  },
});
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__tones += 1;
  return start.apply(this, args);
};
let hidden = false;
Object.defineProperty(document, 'visibilityState', {get: () => hidden ? 'hidden' : 'visible'});
Object.defineProperty(document, 'hidden', {get: () => hidden});
window.__hide = (value) => {
  hidden = value;
  document.dispatchEvent(new Event('visibilitychange'));
};
"""


async def watched_console(desk: Any, new_context: NewContext, name: str) -> Any:
    """``name``'s console with notifications allowed, watched (WATCH), sound unlocked."""
    console = await console_of(desk, new_context, name, permissions=["notifications"])
    await console.context.add_init_script(WATCH)
    await console.reload()
    await expect(console.locator("#presence")).to_have_attribute("data-status", "online")
    # Notifications are asked for from a click (already granted here, so no button), which
    # also lets the page make sound.
    await expect(console.locator("#alerts")).to_be_hidden()
    await console.locator("body").click()
    return console


async def test_new_conversations_and_visitor_messages_alert_the_operator(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await watched_console(desk, new_context, "Sophie")
    title = await console.title()

    await console.evaluate("window.__hide(true)")
    visitor, conversation_id = await visitor_asking(desk, "My site is down")
    await expect(console).to_have_title(f"(1) {title}")
    shown = await console.evaluate("window.__shown")
    assert shown == [{"title": "New conversation waiting", "body": "My site is down"}]
    assert await console.evaluate("window.__tones") == 1

    # Back to the tab: the count goes. Claim it, then the visitor writes while hidden.
    await console.evaluate("window.__hide(false)")
    await expect(console).to_have_title(title)
    await console.goto(f"{desk.url}/console/c/{conversation_id}")
    await console.locator('[data-action="claim"]').click()
    await expect(console.locator("#reply")).to_be_enabled()
    title = await console.title()
    await console.evaluate("window.__hide(true)")
    await visitor.say("It shows a 502 error")
    await expect(console).to_have_title(f"(1) {title}")
    shown = await console.evaluate("window.__shown")
    assert shown[-1] == {"title": "A visitor wrote", "body": "It shows a 502 error"}


async def test_alerts_are_asked_for_with_a_click(
    start_desk: StartDesk, new_context: NewContext
) -> None:
    desk = await start_desk()
    console = await console_of(desk, new_context, "Sophie")
    button = console.get_by_role("button", name="Turn on alerts")
    await expect(button).to_be_visible()
    permission = await console.evaluate("Notification.permission")
    assert permission == "default"  # nothing asked before the operator's click


async def test_a_note_on_a_chat_that_names_a_colleague_alerts_them(
    start_desk: StartDesk, new_context: NewContext, tmp_path: Path
) -> None:
    desk = await start_desk()
    sophie = await watched_console(desk, new_context, "Sophie")
    marc = await console_of(desk, new_context, "Marc")
    _, conversation_id = await visitor_asking(desk, "My invoice is wrong")
    await marc.goto(f"{desk.url}/console/c/{conversation_id}")
    # Marc types "@So": the colleagues' picker offers Sophie; Enter puts her in.
    note = marc.locator("#note")
    await note.fill("")
    await note.press_sequentially("@So")
    picker = marc.locator("#note-mention-pick")
    await expect(picker.locator("li")).to_have_text(["@Sophie"])
    await marc.screenshot(path=str(tmp_path / "console-chat-note-mention.png"))
    await note.press("Enter")
    await expect(note).to_have_value("@Sophie ")
    await note.press_sequentially("can you check this one?")
    await sophie.evaluate("window.__hide(true)")
    title = await sophie.title()
    await marc.locator("#note-form button[type=submit]").click()
    await expect(marc.locator("#notes li")).to_contain_text("@Sophie can you check this one?")
    await expect(sophie).to_have_title(f"(1) {title}")
    shown = await sophie.evaluate("window.__shown")
    assert shown[-1] == {
        "title": "Marc mentioned you in a chat",
        "body": "@Sophie can you check this one?",
    }
    await expect(sophie.locator("#toast")).to_contain_text("Marc mentioned you in a chat")
