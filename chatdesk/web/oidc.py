"""An OpenID Connect provider, as the console's single sign-on uses it: its discovery
document, its signing keys, the code exchanged for a verified ID token (RFC 6749, OpenID
Connect Core 1.0 with PKCE, RFC 7636)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, urlencode

import aiohttp
import msgspec
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..errors import ChatdeskError

__all__ = ["Identity", "OidcError", "OidcProvider", "pkce_pair"]

log = logging.getLogger(__name__)

#: Signatures an ID token may carry: asymmetric ones only (never `none`, nor an HMAC
#: keyed with the client secret, which any holder of the secret could forge).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")
#: How long the discovery document and the keys are trusted before being read again.
_CACHE_SECONDS = 3600
#: At most one re-read of the keys this often, for a token signed with an unknown key.
_REFRESH_SECONDS = 60
#: The provider's clock may differ from ours by this much.
_LEEWAY = 120
_TIMEOUT = aiohttp.ClientTimeout(total=10)


class OidcError(ChatdeskError):
    """The provider could not be used, or what it sent is not to be trusted."""

    code = "sso_failed"
    status = 502


class Discovery(msgspec.Struct, frozen=True):
    """What the desk reads of ``/.well-known/openid-configuration``."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_endpoint_auth_methods_supported: list[str] = msgspec.field(
        default_factory=lambda: ["client_secret_basic"]
    )


class Identity(msgspec.Struct, frozen=True):
    """Who the provider says signed in."""

    subject: str
    email: str
    name: str = ""


def pkce_pair() -> tuple[str, str]:
    """Return a fresh PKCE ``(verifier, S256 challenge)``."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcProvider:
    """One provider, its client id and secret; one HTTP session, opened on first use.

    :param now: seconds since the epoch (tests move it).
    """

    def __init__(
        self, issuer: str, client_id: str, client_secret: str, *,
        now: Callable[[], float] = time.time,
    ) -> None:  # fmt: skip
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._now = now
        self._session: aiohttp.ClientSession | None = None
        self._discovery: tuple[float, Discovery] | None = None
        self._keys: tuple[float, KeySet] | None = None

    async def close(self) -> None:
        """Close the HTTP session (at shutdown)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, challenge: str
    ) -> str:
        """Return where to send the browser to sign in."""
        found = await self.discovery()
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        joiner = "&" if "?" in found.authorization_endpoint else "?"
        return found.authorization_endpoint + joiner + urlencode(query)

    async def identify(
        self, code: str, *, redirect_uri: str, verifier: str, nonce: str
    ) -> Identity:
        """Exchange ``code`` for an ID token; return who it names once it is verified.

        :raises OidcError: the provider refused, or its token is not to be trusted.
        """
        found = await self.discovery()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        headers = {"Accept": "application/json"}
        if "client_secret_basic" in found.token_endpoint_auth_methods_supported:
            # RFC 6749 2.3.1: both form-encoded before they are joined and encoded.
            pair = f"{quote_plus(self.client_id)}:{quote_plus(self._secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form |= {"client_id": self.client_id, "client_secret": self._secret}
        answer = await self._post(found.token_endpoint, form, headers)
        token = answer.get("id_token")
        if not isinstance(token, str):
            raise OidcError("the provider's answer has no ID token")
        return await self._verify(token, nonce)

    async def discovery(self) -> Discovery:
        """Return the provider's discovery document (read at most once an hour)."""
        if self._discovery is not None and self._now() - self._discovery[0] < _CACHE_SECONDS:
            return self._discovery[1]
        body = await self._get(self.issuer + "/.well-known/openid-configuration")
        try:
            found = msgspec.convert(body, Discovery)
        except msgspec.ValidationError as exc:
            raise OidcError(f"the provider's discovery document is not usable: {exc}") from None
        if found.issuer.rstrip("/") != self.issuer:
            raise OidcError(f"the provider calls itself {found.issuer!r}, not {self.issuer!r}")
        self._discovery = (self._now(), found)
        return found

    async def signing_keys(self) -> KeySet:
        """Return the keys the provider signs ID tokens with (read at most once an hour)."""
        return await self._key_set(refresh=False)

    async def _verify(self, token: str, nonce: str) -> Identity:
        keys = await self._key_set(refresh=False)
        try:
            try:
                decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
            except JoseError:
                # The provider may have rolled its keys since we read them.
                fresh = await self._key_set(refresh=True)
                if fresh is keys:
                    raise
                decoded = jwt.decode(token, fresh, algorithms=ALGORITHMS)
            claims = decoded.claims
            jwt.JWTClaimsRegistry(
                now=lambda: int(self._now()),
                leeway=_LEEWAY,
                iss={"essential": True, "value": self.issuer},
                sub={"essential": True},
                exp={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(claims)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"the ID token is not to be trusted: {exc}") from None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.client_id not in audiences or (
            len(audiences) > 1 and claims.get("azp") != self.client_id
        ):
            raise OidcError("the ID token was not issued to this desk")
        email = claims.get("email")
        if not isinstance(email, str) or not email:
            raise OidcError("the provider did not say the e-mail address (scope `email`)")
        if claims.get("email_verified") is False:
            raise OidcError(f"the provider has not verified {email[:254]!r}")
        name = claims.get("name")
        return Identity(str(claims["sub"]), email, name if isinstance(name, str) else "")

    async def _key_set(self, *, refresh: bool) -> KeySet:
        cached = self._keys
        if cached is not None:
            age = self._now() - cached[0]
            if (not refresh and age < _CACHE_SECONDS) or (refresh and age < _REFRESH_SECONDS):
                return cached[1]
        body = await self._get((await self.discovery()).jwks_uri)
        try:
            keys = KeySet.import_key_set(body)
        except (JoseError, ValueError, KeyError, TypeError) as exc:
            raise OidcError(f"the provider's keys are not usable: {exc}") from None
        self._keys = (self._now(), keys)
        return keys

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT)
        return self._session

    async def _get(self, url: str) -> Any:
        try:
            async with self._http().get(url, allow_redirects=False) as response:
                return await _json(response, url)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OidcError(f"the provider did not answer at {url}: {exc!r}") from None

    async def _post(
        self, url: str, form: dict[str, str], headers: dict[str, str]
    ) -> dict[str, Any]:
        try:
            async with self._http().post(
                url, data=form, headers=headers, allow_redirects=False
            ) as response:
                answer = await _json(response, url)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise OidcError(f"the provider did not answer at {url}: {exc!r}") from None
        if not isinstance(answer, dict):
            raise OidcError(f"the provider's answer at {url} is not a JSON object")
        return answer


async def _json(response: aiohttp.ClientResponse, url: str) -> Any:
    text = await response.text()
    if response.status != 200:
        log.warning("OIDC provider answered %s at %s: %s", response.status, url, text[:300])
        raise OidcError(f"the provider answered {response.status} at {url}")
    try:
        return json.loads(text)
    except ValueError:
        raise OidcError(f"the provider's answer at {url} is not JSON") from None
