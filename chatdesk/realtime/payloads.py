"""Validation of socket payloads: exact shapes in, typed values out, clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidPayload
from ..escalation import Contact
from ..store import MAX_PAGE

__all__ = [
    "ChoiceIn",
    "ConnectAuth",
    "EscalateIn",
    "FeedbackIn",
    "HistoryRequest",
    "MessageIn",
    "fields",
    "message_text",
    "optional_int",
    "optional_str",
    "parse_auth",
    "parse_choose",
    "parse_contact",
    "parse_empty",
    "parse_escalate",
    "parse_feedback",
    "parse_history",
    "parse_message",
    "parse_rate",
    "parse_typing",
    "required_str",
]

_MAX_CLIENT_ID = 100
_MAX_ID = 200
_MAX_TOKEN = 1000
_MAX_LANG = 35
_MAX_PAGE_URL = 2048
# The largest integer a JavaScript client can represent exactly (and SQLite can store).
_MAX_INT = 2**53 - 1


@dataclass(frozen=True, slots=True)
class ConnectAuth:
    """What a visitor sends when connecting."""

    token: str | None
    since: int | None
    lang: str | None
    page: str


@dataclass(frozen=True, slots=True)
class MessageIn:
    """A visitor's ``message`` event."""

    client_id: str
    text: str


@dataclass(frozen=True, slots=True)
class HistoryRequest:
    """A ``history`` event."""

    since: int
    limit: int


def parse_auth(data: Any) -> ConnectAuth:
    """Validate the connect ``auth`` object; unknown keys are ignored for forward
    compatibility (refusing a connection over them would strand old widgets)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidPayload("auth must be an object")
    token = optional_str(data, "token", _MAX_TOKEN)
    since = optional_int(data, "since", minimum=0)
    lang = optional_str(data, "lang", _MAX_LANG)
    page = optional_str(data, "page", _MAX_PAGE_URL)
    return ConnectAuth(token=token or None, since=since, lang=lang, page=page or "")


def parse_message(data: Any, *, max_length: int) -> MessageIn:
    """Validate a ``message`` event: ``{"client_id": str, "text": str}``."""
    fields(data, "message", required={"client_id", "text"})
    client_id = required_str(data, "client_id", _MAX_CLIENT_ID)
    return MessageIn(client_id=client_id, text=message_text(data, max_length))


def message_text(data: dict[str, Any], max_length: int) -> str:
    """Return ``data["text"]`` if it is a string within a cheap length bound (the exact
    rules, trimming and control characters, are applied by ``clean_text``)."""
    text = data["text"]
    if not isinstance(text, str):
        raise InvalidPayload("`text` must be a string")
    if len(text) > 2 * max_length + 100:
        raise InvalidPayload(
            f"the message is longer than {max_length} characters", code="text_too_long"
        )
    return text


def parse_history(data: Any) -> HistoryRequest:
    """Validate a ``history`` event: ``{"since": int, "limit"?: int}``."""
    fields(data, "history", required={"since"}, optional={"limit"})
    since = optional_int(data, "since", minimum=0)
    if since is None:
        raise InvalidPayload("`since` must be an integer")
    limit = optional_int(data, "limit", minimum=1)
    return HistoryRequest(since=since, limit=min(limit or 50, MAX_PAGE))


@dataclass(frozen=True, slots=True)
class FeedbackIn:
    """A ``feedback`` event: the visitor rates a bot answer."""

    message_id: str
    useful: bool


@dataclass(frozen=True, slots=True)
class ChoiceIn:
    """A ``choose`` event: the visitor picks a suggestion, follow-up or starter."""

    entry_id: str
    client_id: str | None


def parse_feedback(data: Any) -> FeedbackIn:
    """Validate a ``feedback`` event: ``{"message_id": str, "useful": bool}``."""
    fields(data, "feedback", required={"message_id", "useful"})
    message_id = required_str(data, "message_id", _MAX_ID)
    if not isinstance(data["useful"], bool):
        raise InvalidPayload("`useful` must be true or false")
    return FeedbackIn(message_id, data["useful"])


def parse_choose(data: Any) -> ChoiceIn:
    """Validate a ``choose`` event: ``{"entry_id": str, "client_id"?: str}``."""
    fields(data, "choose", required={"entry_id"}, optional={"client_id"})
    entry_id = required_str(data, "entry_id", _MAX_ID)
    client_id = optional_str(data, "client_id", _MAX_CLIENT_ID)
    return ChoiceIn(entry_id, client_id or None)


@dataclass(frozen=True, slots=True)
class EscalateIn:
    """An ``escalate`` event: the visitor asks for a person."""

    department: str | None
    priority: str | None


def parse_escalate(data: Any) -> EscalateIn:
    """Validate ``escalate``: ``{}`` or ``{"department"?: str, "priority"?: str}``."""
    if data is None:
        return EscalateIn(None, None)
    fields(data, "escalate", required=set(), optional={"department", "priority"})
    return EscalateIn(optional_str(data, "department", 50), optional_str(data, "priority", 10))


def parse_contact(data: Any) -> Contact:
    """Validate ``contact``, the offline form (the e-mail is required)."""
    fields(
        data,
        "contact",
        required={"email"},
        optional={"name", "subject", "description", "department", "priority"},
    )
    return Contact(
        email=required_str(data, "email", 254),
        name=optional_str(data, "name", 100) or "",
        subject=optional_str(data, "subject", 200) or "",
        description=optional_str(data, "description", 4000) or "",
        department=optional_str(data, "department", 50),
        priority=optional_str(data, "priority", 10),
    )


def parse_rate(data: Any) -> tuple[int, str]:
    """Validate ``rate``: ``{"score": 1..5, "comment"?: str}``."""
    fields(data, "rate", required={"score"}, optional={"comment"})
    score = data["score"]
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidPayload("`score` must be a whole number from 1 to 5")
    return score, optional_str(data, "comment", 2000) or ""


def parse_empty(data: Any, event: str) -> None:
    """Validate an event that takes no fields: ``{}`` (or nothing)."""
    if data is not None:
        fields(data, event, required=set())


def parse_typing(data: Any) -> bool:
    """Validate a ``typing`` event: ``{"on": bool}``."""
    fields(data, "typing", required={"on"})
    if not isinstance(data["on"], bool):
        raise InvalidPayload("`on` must be true or false")
    return bool(data["on"])


def fields(
    data: Any, event: str, *, required: set[str], optional: frozenset[str] | set[str] = frozenset()
) -> None:
    """Check ``data`` is an object with the ``required`` keys and no unknown ones."""
    if not isinstance(data, dict):
        raise InvalidPayload(f"`{event}` expects an object")
    for key in data:
        if key not in required and key not in optional:
            raise InvalidPayload(f"`{event}` has an unknown field `{str(key)[:40]}`")
    for key in sorted(required):
        if key not in data:
            raise InvalidPayload(f"`{event}` is missing the field `{key}`")


def required_str(data: dict[str, Any], key: str, max_length: int) -> str:
    """Return ``data[key]``, a non-empty string of at most ``max_length`` characters."""
    value = optional_str(data, key, max_length)
    if not value:
        raise InvalidPayload(f"`{key}` must be a non-empty string")
    return value


def optional_str(data: dict[str, Any], key: str, max_length: int) -> str | None:
    """Return ``data[key]`` (a string of at most ``max_length``) or None if absent."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidPayload(f"`{key}` must be a string")
    if len(value) > max_length:
        raise InvalidPayload(f"`{key}` is longer than {max_length} characters")
    return value


def optional_int(data: dict[str, Any], key: str, *, minimum: int) -> int | None:
    """Return ``data[key]`` (an integer >= ``minimum``) or None if absent."""
    value = data.get(key)
    if value is None:
        return None
    # bool is an int subclass; `true` is not a sequence number.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidPayload(f"`{key}` must be an integer")
    if not minimum <= value <= _MAX_INT:
        raise InvalidPayload(f"`{key}` must be between {minimum} and {_MAX_INT}")
    return value
