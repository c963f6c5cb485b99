"""Operators' single sign-on through an OpenID Connect provider.

``/console/login/sso`` sends the browser to the provider with a fresh state, nonce and PKCE
challenge, kept in a signed cookie for 10 minutes; ``/console/login/sso/callback`` checks
them, exchanges the code for a verified ID token, and signs in the operator whose e-mail it
names, through the code page when they use two-step sign-in.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator
from html import escape
from typing import Any
from urllib.parse import quote

import msgspec
from aiohttp import web
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import ChatdeskError
from .appkeys import SERVICES, SETTINGS
from .auth import PENDING_COOKIE, current_session, login_form, safe_next, signed_in
from .middleware import is_secure
from .oidc import OidcError, OidcProvider, pkce_pair

__all__ = ["CALLBACK", "PROVIDER", "setup"]

PROVIDER = web.AppKey("oidc_provider", OidcProvider)
CALLBACK = "/console/login/sso/callback"
#: Holds the state, nonce, PKCE verifier and next page between the two requests.
_COOKIE = "chatdesk_sso"
_MAX_AGE = 600


class _Pending(msgspec.Struct, frozen=True):
    state: str
    nonce: str
    verifier: str
    next: str


def _signer(request: web.Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app[SETTINGS].secret_key, salt="chatdesk.operator.sso")


def _redirect_uri(request: web.Request) -> str:
    base = request.app[SETTINGS].public_url.rstrip("/")
    if not base:
        scheme = "https" if is_secure(request) else request.scheme
        base = f"{scheme}://{request.host}"
    return base + CALLBACK


async def start(request: web.Request) -> web.StreamResponse:
    """Send the browser to the provider's sign-in page."""
    if await current_session(request) is not None:
        raise web.HTTPSeeOther(safe_next(request.query.get("next")))
    verifier, challenge = pkce_pair()
    pending = _Pending(
        secrets.token_urlsafe(24), secrets.token_urlsafe(24), verifier,
        safe_next(request.query.get("next")),
    )  # fmt: skip
    try:
        url = await request.app[PROVIDER].authorization_url(
            redirect_uri=_redirect_uri(request), state=pending.state, nonce=pending.nonce,
            challenge=challenge,
        )  # fmt: skip
    except OidcError:
        return login_form(request, error="sso_unavailable", status=502, context={"email": ""})
    response = web.HTTPSeeOther(url)
    response.set_cookie(
        _COOKIE, _signer(request).dumps(msgspec.to_builtins(pending)), max_age=_MAX_AGE,
        # Lax, not Strict: the provider's redirect back is a cross-site navigation.
        httponly=True, samesite="Lax", secure=is_secure(request), path="/console/login",
    )  # fmt: skip
    raise response


async def callback(request: web.Request) -> web.StreamResponse:
    """Finish the sign-in the provider sent the browser back from."""
    pending = _read_pending(request)
    state = request.query.get("state", "")
    if pending is None or not hmac.compare_digest(pending.state, state):
        # A link from elsewhere, an old tab, or a forged sign-in: start again.
        return _failed(request, "sso_expired")
    if "error" in request.query or "code" not in request.query:
        return _failed(request, "sso_refused")
    provider = request.app[PROVIDER]
    client = request.remote or "unknown"
    try:
        identity = await provider.identify(
            request.query["code"], redirect_uri=_redirect_uri(request),
            verifier=pending.verifier, nonce=pending.nonce,
        )  # fmt: skip
        operator = await request.app[SERVICES].operators.sso_login(
            identity.email, provider=provider.issuer, client=client
        )
    except OidcError:
        return _failed(request, "sso_unavailable")
    except ChatdeskError:
        return _failed(request, "sso_unknown")
    two_factor = request.app[SERVICES].two_factor
    if operator.two_factor and two_factor is not None:
        # Single sign-on stands for the password, not for the code.
        target = f"/console/login/code?next={quote(pending.next)}"
        response = _onward(target)
        response.set_cookie(
            PENDING_COOKIE, two_factor.pending_token(operator), max_age=300, httponly=True,
            samesite="Strict", secure=is_secure(request), path="/console/login",
        )  # fmt: skip
        response.del_cookie(_COOKIE, path="/console/login")
        return response
    signed = await signed_in(request, operator, pending.next)
    signed.del_cookie(_COOKIE, path="/console/login")
    raise signed


def _onward(target: str) -> web.Response:
    """A page that goes on to ``target`` by itself.

    A redirect would carry on the provider's cross-site navigation, and the browser would
    then hold back the Strict cookie the code page needs; a page of ours navigating is
    same-site.
    """
    url = escape(target)
    body = (
        f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={url}">'
        '<link rel="icon" href="data:,">'
        f'<title>…</title><p><a href="{url}">Continue</a></p>'
    )
    return web.Response(text=body, content_type="text/html")


def _read_pending(request: web.Request) -> _Pending | None:
    cookie = request.cookies.get(_COOKIE, "")
    try:
        data: Any = _signer(request).loads(cookie, max_age=_MAX_AGE)
        return msgspec.convert(data, _Pending)
    except (BadSignature, msgspec.ValidationError):
        return None


def _failed(request: web.Request, error: str) -> web.Response:
    response = login_form(request, error=error, status=200, context={"email": ""})
    response.del_cookie(_COOKIE, path="/console/login")
    return response


async def _provider_lifetime(app: web.Application) -> AsyncIterator[None]:
    yield
    await app[PROVIDER].close()


def setup(app: web.Application) -> None:
    """Add the single sign-on routes when a provider is configured."""
    settings = app[SETTINGS]
    if not settings.oidc_issuer:
        return
    app[PROVIDER] = OidcProvider(
        settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret
    )
    app.cleanup_ctx.append(_provider_lifetime)
    app.router.add_get("/console/login/sso", start)
    app.router.add_get(CALLBACK, callback)
