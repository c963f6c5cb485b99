"""Time spent in Chromium: minutes typed beside the reply box go with the reply, the
ticket's total and its history line follow without a reload, the reports add them up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from .conftest import NewContext
from .test_console_tickets import desk, file, login, shots

__all__ = ["desk"]  # a fixture, used by name

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_minutes_go_with_a_reply_and_add_up(
    desk: Any, new_context: NewContext, tmp_path: Path
) -> None:
    ticket = await file(desk, "Migration du site", email="noor@example.be", name="Noor")
    ann = await (await new_context()).new_page()
    await login(ann, desk.url, "ann@desk.test", f"/console/t/{ticket.id}")
    total = ann.locator("#t-time")
    await expect(total).to_have_text("0 min")
    await ann.locator("#treply-text").fill("Base de données copiée, DNS à basculer demain.")
    await ann.locator("#treply-time").fill("95")
    await ann.locator("#treply button[type=submit]").click()
    await expect(ann.locator("#toast")).to_have_text("Reply sent.")
    await expect(total).to_have_text("1 h 35 min")
    await expect(ann.locator("#timeline .event.kind-time")).to_contain_text(
        "recorded 1 h 35 min of work"
    )
    await expect(ann.locator("#treply-time")).to_have_value("")  # emptied with the reply
    await ann.locator("#treply-text").fill("Vérification des redirections.")
    await ann.locator("#treply-internal").check()
    await ann.locator("#treply-time").fill("20")
    await ann.locator("#treply button[type=submit]").click()
    await expect(total).to_have_text("1 h 55 min")
    await ann.screenshot(path=str(shots(tmp_path) / "console-ticket-time.png"), full_page=True)

    await ann.goto(f"{desk.url}/console/reports")
    time_tables = ann.locator("section.time-spent table")
    await expect(time_tables).to_have_count(2)
    await expect(time_tables.first.locator("tbody tr")).to_have_text("No organisation1 h 55 min115")
    await expect(time_tables.last.locator("tbody tr")).to_have_text("Ann1 h 55 min115")
    await ann.screenshot(path=str(tmp_path / "reports-time.png"), full_page=True)
