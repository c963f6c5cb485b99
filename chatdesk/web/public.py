"""What the public pages know of a visitor: language, the desk's origin, their address."""

from __future__ import annotations

import re

from aiohttp import web

from ..config import LANGUAGES

__all__ = [
    "LANG_COOKIE",
    "accepted_languages",
    "client_of",
    "remember_lang",
    "site_origin",
    "visitor_lang",
]

#: The visitor's language on the desk's public pages (help centre, support portal).
LANG_COOKIE = "chatdesk_lang"
_YEAR = 365 * 86400
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")


def accepted_languages(header: str) -> list[str]:
    """Return the primary language tags of an Accept-Language header, most wanted first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().lower().split("-")[0]))
    return [lang for _, _, lang in sorted(weighted)]


def visitor_lang(request: web.Request, default: str) -> str:
    """Return the visitor's language: ``?lang``, the cookie, Accept-Language, ``default``."""
    for chosen in (request.query.get("lang", ""), request.cookies.get(LANG_COOKIE, "")):
        if chosen in LANGUAGES:
            return chosen
    for lang in accepted_languages(request.headers.get("Accept-Language", "")):
        if lang in LANGUAGES:
            return lang
    return default if default in LANGUAGES else LANGUAGES[0]


def remember_lang(request: web.Request, response: web.StreamResponse, lang: str) -> None:
    """Keep ``lang`` in the visitor's cookie (when it changed), for their next visit."""
    if request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=_YEAR, samesite="Lax", path="/")


def client_of(request: web.Request) -> str:
    """Return who is asking, for throttling (the peer's address)."""
    return request.remote or "unknown"


def site_origin(request: web.Request) -> str:
    """Return the origin visitors reach the desk at (its proxy's, when it announces one),
    for absolute links (sitemap, hreflang)."""
    proto = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
    if proto not in ("http", "https"):
        proto = request.scheme
    if not _HOST.match(host):  # never a made-up host in the pages' links
        host = request.host if _HOST.match(request.host) else "localhost"
    return f"{proto}://{host}"
