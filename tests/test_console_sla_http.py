"""The console ticket page's service-level panel over real HTTP: what met each target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatdesk.models import Channel

from .test_console_tickets_http import ada_session, add_ada, file


async def test_a_registration_notice_reads_as_an_acknowledgement(
    start_server: Any, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[helpdesk]\nfirst_response = "registration_notice"\n', encoding="utf-8")
    server = await start_server(config_file=config)
    await add_ada(server)
    # Filed on the form: its page gave the number, the notice that stops the clock.
    ticket = await file(server, "Export vide", channel=Channel.FORM, description="Vide.")
    async with ada_session(server) as http, http.get(f"/console/t/{ticket.number}") as page:
        text = await page.text()
    # Nobody answered yet: the panel must not say "answered".
    assert '<span class="done">· acknowledged</span>' in text
    assert "· answered" not in text
    assert 'data-met="sla_registered"' in text  # console.js redraws it with the same word
    # The requester's language by its name, not its code.
    assert "<dd>Français</dd>" in text
