"""Test helpers shared by the desks the tests start: a publisher that records what the
services publish, and the ticket form's proof of work solved as the browser's widget does."""

from __future__ import annotations

from collections.abc import Iterable

import altcha
from aiohttp import ClientSession, web

from chatdesk.events import Event
from chatdesk.web.appkeys import EVENTS


def record_events(app: web.Application, events: list[Event]) -> None:
    """Make ``app`` append every event it publishes to ``events`` (then publish it)."""
    publisher = app[EVENTS]

    class Recording:
        async def publish(self, published: Iterable[Event]) -> None:
            published = list(published)
            events.extend(published)
            await publisher.publish(published)

    app[EVENTS] = Recording()


async def solve_altcha(http: ClientSession) -> str:
    """Fetch a fresh challenge from the desk (``http``'s base URL) and return its solution."""
    async with http.get("/support/altcha") as response:
        assert response.status == 200
        challenge = altcha.Challenge.from_dict(await response.json())
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()
