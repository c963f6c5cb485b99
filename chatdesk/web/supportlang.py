"""The portal's language (``?lang=``, then a cookie, then Accept-Language) and its texts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from ..config import LANGUAGES
from ..systemtexts import ENDONYMS, format_when
from .appkeys import SETTINGS

__all__ = ["LANGS", "LANG_COOKIE", "Translate", "portal_lang", "remember_lang", "translator"]

#: Keeps the language a requester chose with ``?lang=`` (or a language link).
LANG_COOKIE = "chatdesk_lang"
#: The portal's languages, as its language links name them.
LANGS = ENDONYMS
_TEXTS = Path(__file__).parent / "supporttexts.json"

Translate = Callable[..., str]


@cache
def texts() -> dict[str, dict[str, str]]:
    """Return the portal's catalog: ``{lang: {key: text}}`` (read once)."""
    catalog: dict[str, dict[str, str]] = json.loads(_TEXTS.read_text(encoding="utf-8"))
    return catalog


def _accepted(header: str) -> list[str]:
    """The primary languages of an Accept-Language header, most wanted first."""
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


def portal_lang(request: web.Request, posted: str = "") -> str:
    """Return the page's language: a posted form's, ``?lang=``, the cookie, the browser's,
    else the desk's default (``CHATDESK_DEFAULT_LANG``)."""
    for candidate in (posted, request.query.get("lang", ""), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return str(candidate)
    for lang in _accepted(request.headers.get("Accept-Language", "")):
        if lang in LANGUAGES:
            return lang
    settings = request.app.get(SETTINGS)
    return settings.default_lang if settings is not None else "en"


def remember_lang(request: web.Request, response: web.StreamResponse) -> None:
    """Keep a language chosen with ``?lang=`` in a cookie (a year, the portal only)."""
    chosen = request.query.get("lang", "")
    if chosen in LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=365 * 86400, httponly=True, samesite="Lax", path="/"
        )


def translator(lang: str, timezone: ZoneInfo) -> Translate:
    """Return ``t(key, **values)`` in ``lang``; datetimes among the values are written as
    people of that language say them, in the desk's time zone."""
    catalog = texts().get(lang, texts()["en"])

    def t(key: str, **values: Any) -> str:
        text = catalog.get(key) or texts()["en"].get(key, key)
        for name, value in values.items():
            if isinstance(value, datetime):
                values[name] = format_when(value, lang, timezone)
        return text.format(**values) if values else text

    return t
