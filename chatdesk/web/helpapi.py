"""The help centre's JSON endpoints (suggest, deflect), sitemap, images and styles."""

from __future__ import annotations

import hashlib
from pathlib import Path

import aiohttp_jinja2
import msgspec
from aiohttp import web

from ..bot.articles import IMAGE_TYPES
from ..bot.entries import HELP_PATH
from ..config import LANGUAGES
from ..errors import ChatdeskError
from ..wire import decode, encode
from ..wire.base import ErrorOut
from ..wire.help import ArticleRef, DeflectIn, SuggestOut, SuggestQuery
from .appkeys import SERVICES, SETTINGS
from .public import client_of, site_origin, visitor_lang
from .widget import Bundle

__all__ = ["setup", "theme_css"]

_STATIC = Path(__file__).parent / "static" / "help"
_STYLES = Bundle(_STATIC / "help.css", content_type="text/css", cache_control="no-cache")
_MAX_BODY = 8 * 1024


async def suggest(request: web.Request) -> web.Response:
    """``GET /help/suggest?q=…&lang=fr`` → up to three articles that may answer ``q``."""
    try:
        query = decode(
            SuggestQuery, {k: v for k, v in request.query.items() if k in ("q", "lang")}, "suggest"
        )
        lang = query.lang or visitor_lang(request, request.app[SETTINGS].default_lang)
        hits = await request.app[SERVICES].help.suggest(query.q, lang, client=client_of(request))
    except ChatdeskError as exc:
        return _json_error(exc)
    articles = [
        ArticleRef(
            id=h.link.id,
            title=h.link.title,
            url=h.link.path,
            lang=h.link.lang,
            confidence=round(h.confidence, 3),
        )
        for h in hits
    ]
    return _json(SuggestOut(articles=articles))


async def deflect(request: web.Request) -> web.Response:
    """``POST /help/deflect`` (JSON ``{entry_id, lang, q}``) → 204: a deflection recorded."""
    if request.content_type != "application/json":
        # A page elsewhere can post a form, but not JSON without asking (CORS preflight).
        return _json_error(ChatdeskError("send JSON", code="unsupported_media_type"), 415)
    if (request.content_length or 0) > _MAX_BODY:
        return _json_error(ChatdeskError("the body is too large", code="too_large"), 413)
    try:
        body = await request.content.read(_MAX_BODY + 1)
        if len(body) > _MAX_BODY:
            return _json_error(ChatdeskError("the body is too large", code="too_large"), 413)
        data = _decode_json(body)
        payload = decode(DeflectIn, data, "deflect")
        await request.app[SERVICES].help.deflected(
            payload.entry_id, payload.lang, payload.q, client=client_of(request)
        )
    except ChatdeskError as exc:
        return _json_error(exc)
    return web.Response(status=204, headers={"Cache-Control": "no-store"})


async def sitemap(request: web.Request) -> web.Response:
    """Every public entry in every language it is written in, with hreflang alternates."""
    context = {
        "origin": site_origin(request),
        "help": HELP_PATH,
        "languages": LANGUAGES,
        "entries": request.app[SERVICES].help.sitemap(),
    }
    response = aiohttp_jinja2.render_template("help/sitemap.xml", request, context)
    response.content_type = "application/xml"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


async def media(request: web.Request) -> web.StreamResponse:
    """An image a public article shows (only those: nothing else of the directory)."""
    path = "media/" + request.match_info["path"]
    file = request.app[SERVICES].help.media(path)
    if file is None:
        raise web.HTTPNotFound()
    return web.FileResponse(
        file,
        headers={
            "Content-Type": IMAGE_TYPES[file.suffix.lower()],
            "Cache-Control": "public, max-age=3600",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def styles(request: web.Request) -> web.StreamResponse:
    """The help centre's style sheet."""
    return await _STYLES.handle(request)


async def theme(request: web.Request) -> web.Response:
    """The desk's colour as CSS variables (a file: the pages allow no inline style)."""
    css = theme_css(request.app[SERVICES].config.colour)
    etag = '"' + hashlib.sha256(css.encode()).hexdigest()[:16] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(text=css, content_type="text/css", headers=headers)


def theme_css(colour: str) -> str:
    """Return CSS variables for ``colour`` (``#rrggbb``): the text on it (black or white,
    the more readable) and an ink for links on white (the colour when it reads at 4.5:1)."""
    luminance = _luminance(colour)
    on_white = 1.05 / (luminance + 0.05)
    on_brand = "#ffffff" if on_white >= (luminance + 0.05) / 0.05 else "#111111"
    ink = colour if on_white >= 4.5 else "#1f2937"
    return f":root {{ --brand: {colour}; --on-brand: {on_brand}; --ink: {ink}; }}\n"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _decode_json(body: bytes) -> object:
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise ChatdeskError("the body is not JSON", code="invalid_payload") from None


def _json(value: object, status: int = 200) -> web.Response:
    return web.Response(
        body=encode(value),
        status=status,
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _json_error(exc: ChatdeskError, status: int | None = None) -> web.Response:
    code = status or (exc.status if exc.status != 500 else 400)
    return _json(ErrorOut(code=exc.code, message=exc.message), code)


def setup(app: web.Application) -> None:
    """Add the help centre's JSON endpoints, sitemap, images and styles to ``app``."""
    app.router.add_get(f"{HELP_PATH}/suggest", suggest)
    app.router.add_post(f"{HELP_PATH}/deflect", deflect)
    app.router.add_get(f"{HELP_PATH}/sitemap.xml", sitemap)
    app.router.add_get(f"{HELP_PATH}/media/{{path:[A-Za-z0-9][A-Za-z0-9._/-]*}}", media)
    app.router.add_get(f"{HELP_PATH}/assets/help.css", styles)
    app.router.add_get(f"{HELP_PATH}/assets/theme.css", theme)
