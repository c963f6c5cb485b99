"""What a console's socket handshake carries: its session cookie, and where the browser
reached the desk."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Any

from ..errors import Unauthorized
from ..operators import SESSION_COOKIE

__all__ = ["direct_origin", "session_cookie"]


def direct_origin(environ: dict[str, Any]) -> str:
    """Return where a client that sends no ``Origin`` reached the desk."""
    return f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"


def session_cookie(environ: dict[str, Any]) -> str:
    """Return the console's session cookie of the handshake.

    :raises Unauthorized: there is none (or the header cannot be read).
    """
    try:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        raise Unauthorized("please log in") from None
    morsel = cookie.get(SESSION_COOKIE)
    if morsel is None or not morsel.value:
        raise Unauthorized("please log in")
    return morsel.value
