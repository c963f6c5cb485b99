"""A ticket's files in the console's thread over real HTTP: screenshots as thumbnails,
MP4 and WebM recordings with a player, anything else a download link."""

from __future__ import annotations

import re
from typing import Any

from chatdesk.helpdesk import Upload

from .scenarios.test_helpcentre import MP4
from .test_console_tickets_http import PNG, ada_session, add_ada, file


async def test_recordings_get_a_player_screenshots_a_thumbnail(server: Any) -> None:
    await add_ada(server)
    ticket = await file(
        server,
        "Export en erreur",
        description="Voici l'enregistrement.",
        attachments=[Upload("screen.png", PNG), Upload("export.mp4", MP4),
                     Upload("notes.txt", b"Etapes : 1, 2, 3\n")],
    )  # fmt: skip
    async with ada_session(server) as http, http.get(f"/console/t/{ticket.number}") as page:
        text = await page.text()
    played = re.search(
        r'<span class="file player"><video controls preload="none" src="([^"]+)">', text
    )
    assert played and played.group(1).startswith("/console/files/")
    assert re.search(r'<a class="file preview" href="/console/files/\w+"><img ', text)
    assert re.search(r'<a class="file" href="/console/files/\w+">notes.txt', text)
