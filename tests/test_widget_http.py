"""/widget.js (cache headers, ETag, the not-built answer) and the demo site around it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from chatdesk.web.widget import BUNDLES, Bundle


@pytest.fixture
def bundle(server: Any, tmp_path: Path) -> Path:
    """Serve /widget.js from a file of the test's own (the real one may not be built)."""
    path = tmp_path / "widget.js"
    path.write_text("console.log('widget v1');\n")
    server.app[BUNDLES]["/widget.js"] = Bundle(path)
    return path


async def test_serves_the_bundle_with_cache_headers(
    server: Any, aiohttp_client: Any, bundle: Path
) -> None:
    client = await aiohttp_client(server)
    response = await client.get("/widget.js")
    assert response.status == 200
    assert response.content_type == "application/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10  # strong
    assert await response.text() == "console.log('widget v1');\n"

    head = await client.head("/widget.js")
    assert head.status == 200 and head.headers["ETag"] == etag


async def test_answers_304_when_the_etag_matches(
    server: Any, aiohttp_client: Any, bundle: Path
) -> None:
    client = await aiohttp_client(server)
    etag = (await client.get("/widget.js")).headers["ETag"]
    for header in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        response = await client.get("/widget.js", headers={"If-None-Match": header})
        assert response.status == 304, header
        assert response.headers["ETag"] == etag
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert await response.read() == b""
    stale = await client.get("/widget.js", headers={"If-None-Match": '"stale"'})
    assert stale.status == 200


async def test_a_rebuild_changes_the_etag(server: Any, aiohttp_client: Any, bundle: Path) -> None:
    client = await aiohttp_client(server)
    first = (await client.get("/widget.js")).headers["ETag"]
    _rebuild(bundle, "console.log('widget v2, a little longer');\n")
    response = await client.get("/widget.js", headers={"If-None-Match": first})
    assert response.status == 200
    assert response.headers["ETag"] != first
    assert "v2" in await response.text()


def _rebuild(path: Path, text: str) -> None:
    path.write_text(text)


async def test_a_missing_bundle_is_503_with_an_explanation(
    server: Any, aiohttp_client: Any, tmp_path: Path
) -> None:
    server.app[BUNDLES]["/widget.js"] = Bundle(tmp_path / "not-built.js")
    client = await aiohttp_client(server)
    response = await client.get("/widget.js")
    assert response.status == 503
    assert response.content_type == "application/javascript"
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.text()
    assert body.startswith("/* chatdesk: not-built.js was not built")
    assert "console.warn(" in body and "make widget" in body


async def test_the_demo_site_embeds_the_widget(server: Any, aiohttp_client: Any) -> None:
    client = await aiohttp_client(server)
    page = await client.get("/")
    assert page.status == 200
    html = await page.text()
    assert '<script src="/widget.js" async' in html
    assert "Ardenne" in html and "support@ardenne.cloud" in html
    for asset in ("site.css", "logo.svg", "hills.svg", "demo.js"):
        assert f"/static/demo/{asset}" in html
        response = await client.get(f"/static/demo/{asset}")
        assert response.status == 200, asset


async def test_a_desk_with_its_own_colour_hands_it_to_the_widget(
    start_server: Any, tmp_path: Path
) -> None:
    config = tmp_path / "chatdesk.toml"
    config.write_text('[desk]\ncolour = "#93E"\n', encoding="utf-8")
    server = await start_server(config_file=config)
    path = tmp_path / "widget.js"
    path.write_text('"use strict";boot();\n')
    server.app[BUNDLES]["/widget.js"] = Bundle(path)
    async with ClientSession(str(server.make_url(""))) as http:
        async with http.get("/widget.js") as response:
            # The directive first, so the bundle after it stays strict.
            assert await response.text() == (
                '"use strict";window.__chatdeskColour="#9933ee";\n"use strict";boot();\n'
            )
            etag = response.headers["ETag"]
        async with http.get("/widget.js", headers={"If-None-Match": etag}) as response:
            assert response.status == 304
        _rebuild(path, '"use strict";boot(2);\n')
        async with http.get("/widget.js", headers={"If-None-Match": etag}) as response:
            assert response.status == 200 and response.headers["ETag"] != etag
