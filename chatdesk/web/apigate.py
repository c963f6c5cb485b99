"""The REST API's gate: bearer tokens, throttling, JSON in and out, every error as JSON."""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from aiohttp import web
from limits import RateLimitItem

from ..errors import ChatdeskError, InvalidFields, InvalidPayload
from ..events import Event
from ..helpdesk import ApiTokenService, Refused
from ..helpdesk.apitokens import hash_secret
from ..models import Operator
from ..throttle import Throttle
from ..wire import decode, encode
from ..wire.apiout import ApiError, ApiErrorBody
from .appkeys import EVENTS

__all__ = [
    "API_PREFIX",
    "GATE",
    "OPERATOR",
    "ApiProblem",
    "Gate",
    "api_errors",
    "guarded",
    "publish",
    "read_json",
    "read_query",
    "reply",
]

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
#: The operator an API request acts as (set by :func:`guarded`).
OPERATOR = web.RequestKey("api_operator", Operator)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
T = TypeVar("T", bound=msgspec.Struct)

_HEADERS = {
    # JSON for programs: never rendered, framed, sniffed or cached.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
_AT = re.compile(r" - at `\$\.?([^`]*)`$")
_NAMED = re.compile(r"(?:unknown|missing required) field `([^`]{1,100})`")
#: Core error codes that name the request field at fault.
_FIELDS = {
    "subject": "subject",
    "type": "type",
    "department": "department",
    "text": "text",
    "assignee": "assignee",
    "invalid_email": "requester.email",
    "invalid_cc": "cc",
    "tags": "tags",
    "hold_until": "hold_until",
    "executable": "attachments",
    "type_not_allowed": "attachments",
    "empty_file": "attachments",
    "too_large": "attachments",
    "same_ticket": "into",
}
_HTTP_CODES = {
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}
_CHALLENGE = 'Bearer realm="chatdesk"'


class ApiProblem(Exception):
    """An error answered as ``{"error": {"code", "message", "field"?}}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field = field
        self.headers = headers or {}

    @classmethod
    def of(cls, exc: ChatdeskError) -> ApiProblem:
        """Return the API's answer to an error of the core."""
        if isinstance(exc, InvalidFields):
            first = next(iter(exc.fields), "")
            message = "; ".join(f"{name}: {text}" for name, text in exc.fields.items())
            return cls(exc.status, exc.code, message, field=f"fields.{first}")
        field = _FIELDS.get(exc.code) if exc.status in (400, 413) else None
        return cls(exc.status, exc.code, exc.message, field=field)

    def response(self) -> web.Response:
        """Return the JSON response."""
        error = ApiError(code=self.code, message=self.message)
        if self.field:
            error.field = self.field
        headers = dict(self.headers)
        if self.status == 401:
            headers.setdefault("WWW-Authenticate", _CHALLENGE)
        return reply(ApiErrorBody(error=error), self.status, headers=headers)


class Gate:
    """Who may come in, and how often: bearer tokens per operator, a request budget per
    token (and per client address for requests without a valid token)."""

    def __init__(
        self, tokens: ApiTokenService, *, per_minute: int, max_body: int, throttle: Throttle
    ) -> None:
        self.tokens = tokens
        self.limit: RateLimitItem = Throttle.limit(f"{per_minute}/minute")
        self.max_body = max_body
        self.throttle = throttle

    async def admit(self, *key: str) -> None:
        """Count a request; past the budget, refuse it with 429 and Retry-After."""
        if await self.throttle.count(self.limit, *key):
            return
        wait = max(1, math.ceil(await self.throttle.retry_after(self.limit, *key)))
        raise ApiProblem(
            429,
            "rate_limited",
            f"too many requests: at most {self.limit.amount} a minute; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )

    async def authenticate(self, request: web.Request) -> Operator:
        """Return the operator the request's bearer token acts as (401 otherwise)."""
        client = request.remote or "unknown"
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            await self.admit("api-client", client)
            raise ApiProblem(401, "unauthorized", "send `Authorization: Bearer <token>`")
        await self.admit("api-token", hash_secret(secret))
        try:
            return await self.tokens.verify(secret)
        except ChatdeskError as exc:
            await self.admit("api-client", client)
            raise ApiProblem(
                401,
                exc.code,
                exc.message,
                headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
            ) from None


GATE = web.AppKey("api_gate", Gate)


def guarded(handler: Handler, *, public: bool) -> Handler:
    """Return ``handler`` behind the gate (``public``: no token, a budget per client)."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        gate = request.app[GATE]
        if public:
            await gate.admit("api-client", request.remote or "unknown")
        else:
            request[OPERATOR] = await gate.authenticate(request)
        return await handler(request)

    return wrapper


@web.middleware
def api_errors(request: web.Request, handler: Handler) -> Awaitable[web.StreamResponse]:
    """Answer every API error as JSON (the router's 404 and 405 too), never crash."""
    if not request.path.startswith("/api/"):
        return handler(request)  # not awaited: see web/middleware.py
    return _answered(request, handler)


async def _answered(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except ApiProblem as problem:
        response = problem.response()
    except Refused as exc:
        # A refused seat still tells the site's editors and admins.
        await publish(request, exc.events)
        response = ApiProblem.of(exc).response()
    except ChatdeskError as exc:
        response = ApiProblem.of(exc).response()
    except web.HTTPException as exc:
        code = _HTTP_CODES.get(exc.status, "http_error")
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}
        message = f"{exc.reason}: {request.method} {request.path[:100]}"
        response = ApiProblem(exc.status, code, message, headers=headers).response()
    except Exception:  # a bug: log it, answer 500, keep serving
        log.exception("API request failed: %s %s", request.method, request.path)
        response = ApiProblem(500, "internal_error", "internal error").response()
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def reply(
    value: msgspec.Struct, status: int = 200, *, headers: dict[str, str] | None = None
) -> web.Response:
    """Return ``value`` as a JSON response."""
    return web.Response(
        body=encode(value), status=status, content_type="application/json", headers=headers
    )


async def publish(request: web.Request, events: list[Event]) -> None:
    """Tell consoles (and later e-mail) what the request changed."""
    if events:
        await request.app[EVENTS].publish(events)


async def read_json(request: web.Request, kind: type[T]) -> T:
    """Return the JSON body as a ``kind``: 415 unless JSON, 413 past the size limit, 400
    naming the field when it does not fit (unknown fields are refused)."""
    if request.content_type != "application/json":
        raise ApiProblem(
            415, "unsupported_media_type", "send JSON with `Content-Type: application/json`"
        )
    limit = request.app[GATE].max_body
    too_large = ApiProblem(413, "too_large", f"request bodies are limited to {limit} bytes")
    if (request.content_length or 0) > limit:
        raise too_large
    try:
        body = await request.clone(client_max_size=limit).read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise ApiProblem(400, "invalid_json", f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        # ``null`` is not an empty patch: every body is an object.
        raise ApiProblem(400, "invalid_payload", "`body` expects an object")
    try:
        return decode(kind, data, "body")
    except InvalidPayload as exc:
        raise ApiProblem(400, exc.code, exc.message, field=_field_of(exc.message)) from None


def read_query(request: web.Request, kind: type[T]) -> T:
    """Return the query string as a ``kind`` (400 naming the parameter at fault)."""
    values: dict[str, Any] = {}
    for key in request.query:
        given = request.query.getall(key)
        if len(given) > 1:
            raise ApiProblem(400, "invalid_query", f"give `{key[:40]}` once", field=key[:100])
        values[key] = given[0]
    try:
        return msgspec.convert(values, kind, strict=False)
    except msgspec.ValidationError as exc:
        message = f"query: {exc}"[:300]
        raise ApiProblem(400, "invalid_query", message, field=_field_of(message)) from None


def _field_of(message: str) -> str | None:
    """Return the field msgspec's message names (``requester.email``)."""
    at = _AT.search(message)
    path = at[1] if at else ""
    named = _NAMED.search(message)
    if named:
        path = f"{path}.{named[1]}" if path else named[1]
    return path or None
