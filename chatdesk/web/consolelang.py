"""The console's language: the operator's choice (a cookie), else the browser's languages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from ..systemtexts import ENDONYMS
from .consoletexts import CONSOLE_TEXTS

__all__ = ["LANGS", "LANG_COOKIE", "Translate", "console_lang", "translator"]

#: Holds the operator's choice of language for the console (set by POST /console/lang).
LANG_COOKIE = "chatdesk_console_lang"
#: The console's languages, as offered in its menu.
LANGS = ENDONYMS

Translate = Callable[..., str]


def _accepted(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
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


def console_lang(request: web.Request) -> str:
    """Return the console's language for this request: the cookie, else Accept-Language."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in LANGS:
        return chosen
    for lang in _accepted(request.headers.get("Accept-Language", "")):
        if lang in LANGS:
            return lang
    return "en"


def translator(lang: str, desk_words: Mapping[str, str] | None = None) -> Translate:
    """Return ``t(key, **values)`` for the templates, in ``lang``; ``desk_words`` replace
    the catalog's texts the desk words its own way (``priority_normal``: "Régulière")."""
    texts = {**CONSOLE_TEXTS.get(lang, CONSOLE_TEXTS["en"]), **(desk_words or {})}

    def t(key: str, **values: Any) -> str:
        text = texts.get(key)
        if text is None:
            # A value new to the catalog ("ticket_pending"): show the value, never fail the
            # page; tests/test_console_lang.py fails until it gets its texts.
            return key.partition("_")[2] or key
        return text.format(**values) if values else text

    return t
