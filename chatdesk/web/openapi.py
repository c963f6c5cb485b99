"""The REST API's OpenAPI 3.1 document, made from the endpoint table and the wire structs."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from aiohttp import web

from ..wire.api import Ref
from ..wire.apiout import ApiErrorBody
from ..wire.hooks import WebhookBody

__all__ = ["Endpoint", "openapi_document"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_REF = "#/components/schemas/{name}"
_PARAM = re.compile(r"\{(\w+)\}")
_ERRORS = {
    400: "The request does not fit: malformed JSON or query, an unknown or wrong field "
    "(`field` names it), an unknown value (department, type, operator...).",
    401: "No valid token: send `Authorization: Bearer <token>` (`chatdesk tokens create`).",
    403: "The token's operator may not do this (the block list is for admins).",
    404: "No such ticket or file, or one this token's operator may not see (complaints); "
    "an address or domain that is not blocked (`not_blocked`).",
    409: "The ticket's state forbids it: `invalid_transition` (the state machine), "
    "`ticket_closed`, `target_closed`, `seats_full`, or a race lost (`conflict`); an "
    "address or domain blocked already (`already_blocked`).",
    413: "The body or its files are larger than the desk accepts.",
    415: "The body is not JSON (`Content-Type: application/json`).",
    422: "A custom field is wrong: `field` names the first (`fields.site_id`); `message` "
    "lists each, in the ticket's language.",
    429: "Too many requests for this token (or client address): wait `Retry-After` seconds.",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "`Bearer`"}},
    429: {
        "Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait."},
    },
}
_PATH_PARAMS: dict[str, tuple[Any, str]] = {
    "ref": (Ref, "The ticket: its id, or its number with or without `#` (`%23000123`, "
            "`000123`, `123`)."),
    "attachment_id": (str, "The file's id (from a ticket's `attachments`)."),
    "pattern": (str, "A blocked address or domain (`spam@example.com`, `example.com`)."),
    "requester_id": (str, "The requester's id (a ticket's `requester.id`)."),
    "organisation_id": (str, "The organisation's id (`GET /api/v1/organisations`)."),
    "domain": (str, "An e-mail domain of the organisation (`acme.be`)."),
    "operator_id": (str, "The operator's id (`GET /api/v1/operators`)."),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One route of the API, as served and as documented (written once)."""

    method: str
    path: str
    handler: Handler
    name: str
    summary: str
    status: int = 200
    response: type[msgspec.Struct] | None = None
    body: type[msgspec.Struct] | None = None
    query: type[msgspec.Struct] | None = None
    errors: tuple[int, ...] = ()
    public: bool = False
    headers: tuple[str, ...] = ()
    #: Operations the answer leads to: (operationId, parameter, runtime expression).
    links: tuple[tuple[str, str, str], ...] = ()
    #: Another success status with the same answer, and what it means (an upsert's 200).
    also: tuple[int, str] | None = None


def openapi_document(
    endpoints: Sequence[Endpoint], *, title: str, version: str, description: str
) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of ``endpoints``."""
    kinds: set[type[msgspec.Struct]] = {ApiErrorBody, WebhookBody}
    for endpoint in endpoints:
        kinds |= {k for k in (endpoint.body, endpoint.response, endpoint.query) if k}
    ordered = sorted(kinds, key=lambda k: k.__name__)
    _, schemas = msgspec.json.schema_components(ordered, ref_template=_REF)
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        operation = _operation(endpoint, schemas)
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": paths,
        "webhooks": {"ticketChange": _webhook()},
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`cdk_…`), acting as its operator.",
                }
            },
        },
        "security": [{"bearer": []}],
    }


def _webhook() -> dict[str, Any]:
    """Return what ``[[webhooks]]`` endpoints receive (docs/webhooks.md)."""
    headers = {
        "X-Chatdesk-Event": "`ticket.<kind>`, `message.created`, `note.created` or `ping`.",
        "X-Chatdesk-Delivery": "The delivery's id, the same on every attempt (drop repeats).",
        "X-Chatdesk-Timestamp": "Unix seconds when the attempt was signed.",
        "X-Chatdesk-Signature": "`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`"
        " under the endpoint's secret (`chatdesk webhooks secret NAME`).",
    }
    return {
        "post": {
            "operationId": "ticketChange",
            "summary": "A change to a ticket, posted to each endpoint that wants its event",
            "security": [],
            "parameters": [_header(name, text) for name, text in headers.items()],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(WebhookBody)}},
            },
            "responses": {
                "2XX": {"description": "Taken: not posted again."},
                "410": {"description": "Gone: this delivery is given up at once."},
                "default": {"description": "Tried again later (10 attempts over ~6 hours)."},
            },
        }
    }


def _header(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": True, "description": text,
            "schema": {"type": "string"}}  # fmt: skip


def _operation(endpoint: Endpoint, schemas: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "description": inspect.cleandoc(endpoint.handler.__doc__ or ""),
        "responses": {str(endpoint.status): _success(endpoint)},
    }
    if endpoint.also is not None and endpoint.response is not None:
        status, meaning = endpoint.also
        operation["responses"][str(status)] = {
            "description": meaning,
            "content": {"application/json": {"schema": _ref(endpoint.response)}},
        }
    if endpoint.public:
        operation["security"] = []
    parameters = [_path_param(name) for name in _PARAM.findall(endpoint.path)]
    if endpoint.query is not None:
        parameters += _query_params(schemas[endpoint.query.__name__])
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(endpoint.body)}},
        }
    errors = set(endpoint.errors) | {429}
    if not endpoint.public:
        errors.add(401)
    if endpoint.body is not None:
        errors |= {400, 413, 415}
    if endpoint.query is not None:
        errors.add(400)
    for status in sorted(errors):
        operation["responses"][str(status)] = _error(status)
    return operation


def _success(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.status == 204:
        return {"description": endpoint.summary}
    if endpoint.response is None:
        content = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
    else:
        content = {"application/json": {"schema": _ref(endpoint.response)}}
    response: dict[str, Any] = {"description": endpoint.summary, "content": content}
    if endpoint.headers:
        response["headers"] = {h: {"schema": {"type": "string"}} for h in endpoint.headers}
    if endpoint.links:
        response["links"] = {
            operation: {"operationId": operation, "parameters": {parameter: expression}}
            for operation, parameter, expression in endpoint.links
        }
    return response


def _error(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _ERRORS[status],
        "content": {"application/json": {"schema": _ref(ApiErrorBody)}},
    }
    if status in _HEADERS:
        response["headers"] = _HEADERS[status]
    return response


def _ref(kind: type[msgspec.Struct]) -> dict[str, str]:
    return {"$ref": _REF.format(name=kind.__name__)}


def _path_param(name: str) -> dict[str, Any]:
    kind, description = _PATH_PARAMS[name]
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": msgspec.json.schema(kind),
    }


def _query_params(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a query struct's fields as parameters (a query value is never null)."""
    required = set(schema.get("required", ()))
    parameters = []
    for name, spec in schema["properties"].items():
        options = [s for s in spec.get("anyOf", [spec]) if s.get("type") != "null"]
        value = dict(options[0]) if len(options) == 1 else dict(spec)
        if spec.get("default") is not None:
            value["default"] = spec["default"]
        parameter = {"name": name, "in": "query", "required": name in required}
        if "description" in value:
            parameter["description"] = value.pop("description")
        parameters.append(parameter | {"schema": value})
    return parameters
