"""What the site's middlewares share: they hold no frame of their own while a request runs.

aiohttp chains middlewares as partials, and an ``async def`` middleware stays suspended in
``await handler(request)`` for as long as the request lasts: for the Socket.IO WebSocket,
the visitor's whole visit, one coroutine per middleware per connection (bench/README.md,
"Eighth pass"). So a middleware is a plain function: for the requests it leaves alone it
returns the next handler's awaitable itself (aiohttp awaits whatever a middleware returns),
and only for its own it returns a coroutine that does its work.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from aiohttp.typedefs import Handler

__all__ = ["Handler", "is_secure", "with_headers"]


async def with_headers(
    request: web.Request, handler: Handler, headers: Mapping[str, str]
) -> web.StreamResponse:
    """Run ``handler``, then add ``headers`` to its response (those it did not set)."""
    response = await handler(request)
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    return response


def is_secure(request: web.Request) -> bool:
    """Return whether the browser reached us over HTTPS (directly or through a proxy)."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").startswith("https")
