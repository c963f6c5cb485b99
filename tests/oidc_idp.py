"""A stand-in OpenID Connect provider on a free port, for the console's single sign-on.

It plays a real provider's part over HTTP (discovery, keys, the sign-in redirect, the
token endpoint) and checks what a strict one checks: the client's id, secret and redirect
URI, the code used once, and the PKCE verifier against the challenge. Tests choose who
signs in (``user``) and may spoil the ID token (``claims``, ``key``) or refuse.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote_plus, urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

__all__ = ["CLIENT_ID", "CLIENT_SECRET", "Provider", "provider"]

CLIENT_ID = "chatdesk-console"
CLIENT_SECRET = "s3cret-of-the-desk"
# No favicon request: a 404 in the browser's console fails the browser tests.
ICON = '<link rel="icon" href="data:,">'


class Provider:
    """The provider's state: its key, who signs in next, what it was asked."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        #: The key the next ID token is signed with (another one: a forgery).
        self.signing_key = self.key
        self.user: dict[str, Any] = {"sub": "u-1", "email": "ada@desk.test", "name": "Ada L."}
        #: Claims put over the ID token's (None deletes one).
        self.claims: dict[str, Any] = {}
        self.refuse = ""  # an OAuth error code the sign-in page answers with
        #: Show a page the person clicks through (a browser's test), not redirect at once.
        self.page = False
        self.url = ""
        self.authorized: list[dict[str, str]] = []
        self.tokens_issued = 0
        self._codes: dict[str, dict[str, str]] = {}

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/.well-known/openid-configuration", self.discovery)
        app.router.add_get("/jwks", self.jwks)
        app.router.add_get("/authorize", self.authorize)
        app.router.add_post("/token", self.token)
        return app

    async def discovery(self, request: web.Request) -> web.Response:
        return web.json_response({
            "issuer": self.url,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "jwks_uri": self.url + "/jwks",
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })  # fmt: skip

    async def jwks(self, request: web.Request) -> web.Response:
        return web.json_response(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        self.authorized.append(query)
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256" and "openid" in query["scope"].split()
        back = {"state": query["state"]}
        if self.refuse:
            back["error"] = self.refuse
        else:
            code = secrets.token_urlsafe(16)
            self._codes[code] = query
            back["code"] = code
        url = query["redirect_uri"] + "?" + urlencode(back)
        if self.page:
            # As a real provider's sign-in page: the way back starts from this site.
            link = f'<a href="{html.escape(url)}">Continue to the desk</a>'
            return web.Response(text=f"<!doctype html><title>Acme ID</title>{ICON}{link}",
                                content_type="text/html")  # fmt: skip
        raise web.HTTPFound(url)

    async def token(self, request: web.Request) -> web.Response:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        pair = base64.b64decode(encoded or "Og==").decode().partition(":")
        if scheme != "Basic" or (unquote_plus(pair[0]), unquote_plus(pair[2])) != (
            CLIENT_ID, CLIENT_SECRET,
        ):  # fmt: skip
            return web.json_response({"error": "invalid_client"}, status=401)
        form = await request.post()
        asked = self._codes.pop(str(form.get("code")), None)  # a code works once
        verifier = str(form.get("code_verifier", "")).encode("ascii")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if (
            asked is None
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != asked["redirect_uri"]
            or challenge.decode("ascii") != asked["code_challenge"]
        ):
            return web.json_response({"error": "invalid_grant"}, status=400)
        now = int(time.time())
        claims = {
            "iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
            "nonce": asked["nonce"], "email_verified": True, **self.user,
        }  # fmt: skip
        for name, value in self.claims.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        header = {"alg": "RS256", "kid": self.signing_key.kid}
        self.tokens_issued += 1
        return web.json_response({
            "access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
            "id_token": jwt.encode(header, claims, self.signing_key),
        })  # fmt: skip


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    """A running stand-in provider."""
    found = Provider()
    server = TestServer(found.app(), host="127.0.0.1")
    await server.start_server()
    found.url = str(server.make_url("")).rstrip("/")
    yield found
    await server.close()
