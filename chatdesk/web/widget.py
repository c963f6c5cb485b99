"""Serve the built widget bundle (``/widget.js``) and the demo site's assets."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from ..deskfile import DEFAULT_COLOUR
from .appkeys import SERVICES

__all__ = ["BUNDLES", "DEMO_DIR", "DIST_DIR", "Bundle", "setup"]

log = logging.getLogger(__name__)

_STATIC = Path(__file__).parent / "static"
#: Where ``make widget`` (widget/build.mjs) writes the bundles.
DIST_DIR = _STATIC / "dist"
#: The demo site's images and styles, served under ``/static/demo/``.
DEMO_DIR = _STATIC / "demo"

# The URL is embedded by third-party sites, so it cannot be fingerprinted: caches keep it a
# few minutes and then revalidate with the ETag (a 304 costs a few bytes).
_CACHE_CONTROL = "public, max-age=300"
_JS = "application/javascript"


@dataclass(frozen=True, slots=True)
class _Snapshot:
    key: tuple[int, int]  # (mtime in ns, size): a rebuild changes it
    body: bytes
    etag: str


class Bundle:
    """One built bundle, read once and again only when the file changes (a rebuild).

    :param path: the bundle's file, e.g. ``DIST_DIR / "widget.js"``.
    :param content_type: its media type (JavaScript by default).
    :param cache_control: how long caches may keep it before revalidating.

    Usage::

        app[BUNDLES]["/widget.js"] = Bundle(DIST_DIR / "widget.js")
    """

    def __init__(
        self, path: Path, *, content_type: str = _JS, cache_control: str = _CACHE_CONTROL
    ) -> None:
        self.path = path
        self.content_type = content_type
        self.cache_control = cache_control
        self._snapshot: _Snapshot | None = None

    def read(self) -> tuple[bytes, str] | None:
        """Return the content and its strong ETag, or None if the bundle was not built."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        snapshot = self._snapshot
        if snapshot is None or snapshot.key != key:
            try:
                body = self.path.read_bytes()
            except OSError:
                return None
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            snapshot = self._snapshot = _Snapshot(key, body, etag)
        return snapshot.body, snapshot.etag

    async def handle(self, request: web.Request, *, prelude: bytes = b"") -> web.Response:
        """Answer the bundle (200 or 304), or 503 with an explanation if it was not built.

        :param prelude: a script to run first (the ETag covers it).
        """
        found = self.read()
        if found is None:
            return _missing(self.path.name)
        body, etag = found
        if prelude:
            body = prelude + body
            etag = '"' + hashlib.sha256(prelude + etag.encode()).hexdigest()[:32] + '"'
        headers = {
            "Cache-Control": self.cache_control,
            "ETag": etag,
            "X-Content-Type-Options": "nosniff",
        }
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=body, content_type=self.content_type, charset="utf-8", headers=headers
        )


#: The bundles served, by URL path (tests point them elsewhere).
BUNDLES = web.AppKey("bundles", dict[str, Bundle])


def setup(app: web.Application) -> None:
    """Add the widget routes to ``app``."""
    bundles = {"/widget.js": Bundle(DIST_DIR / "widget.js")}
    app[BUNDLES] = bundles
    for url in bundles:
        app.router.add_get(url, _serve)
    if DEMO_DIR.is_dir():
        app.router.add_static("/static/demo/", DEMO_DIR, name="demo")
    if not (DIST_DIR / "widget.js").exists():
        log.warning("the widget is not built (run `make widget`, which needs Node.js 18+)")


async def _serve(request: web.Request) -> web.Response:
    bundle = request.app[BUNDLES][request.path]
    colour = request.app[SERVICES].config.colour
    if request.path != "/widget.js" or colour == DEFAULT_COLOUR:
        return await bundle.handle(request)
    # The desk's own colour ([desk] colour, checked #rrggbb) for pages that set no
    # data-color: one brand from the widget to the help centre, the portal and the mails.
    # The directive comes first again so that the bundle stays strict.
    prelude = f'"use strict";window.__chatdeskColour="{colour}";\n'.encode()
    return await bundle.handle(request, prelude=prelude)


def _matches(if_none_match: str, etag: str) -> bool:
    # A list of tags, or "*"; a weak validator W/"x" matches for GET (RFC 9110 §13.1.2).
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def _missing(name: str) -> web.Response:
    message = (
        f"chatdesk: {name} was not built on this server "
        "(Node.js was missing at build time; run `make widget`)."
    )
    body = f"/* {message} */\nconsole.warn({json.dumps(message)});\n"
    return web.Response(
        status=503,
        text=body,
        content_type=_JS,
        headers={"Cache-Control": "no-store", "Retry-After": "60"},
    )
